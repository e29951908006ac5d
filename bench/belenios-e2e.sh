#!/usr/bin/env bash
# $G is "--group NAME", split into two words on purpose; the A && B || C and ls lines are as meant.
# shellcheck disable=SC2086,SC2012,SC2015
# belenios-e2e.sh -- end-to-end Belenios election with the Debian 12
# belenios-tool (2.0), timing every stage: the baseline of the whole-election benchmark
# (bench/election.bench.ts --belenios), from our research notes (shared/research/voting-anchors.md §5.1).
#
# Usage:  belenios-e2e.sh N [GROUP] [PAR]
#   N      number of voters / ballots (default 100)
#   GROUP  BELENIOS-2048 (default) | RFC-3526-2048   (2.0 has no Ed25519;
#          Ed25519 is the default group from belenios 2.1 onwards)
#   PAR    parallel ballot generators (default 1 = sequential timing)
# Output:  work dir /tmp/belenios-e2e/N<N>-<GROUP>, timings in timings.tsv
#
# Trustee set-up: 1 mandatory "Single" key (the server key) + a Pedersen
# threshold group of 3 trustees of which 2 are needed to decrypt, i.e. the
# same shape the Belenios web server uses in threshold mode.
# Ballot: Q1 "pick exactly one of 3" (blank allowed), Q2 "pick 0..2 of 5".
set -euo pipefail
command -v belenios-tool >/dev/null || { echo "apt-get install belenios-tool" >&2; exit 1; }
export BELENIOS_USE_URANDOM=1   # use /dev/urandom (not /dev/random) for speed
N=${1:-100}
GROUP=${2:-BELENIOS-2048}
PAR=${3:-1}
ROOT=/tmp/belenios-e2e
DIR=$ROOT/N$N-$GROUP
rm -rf "$DIR"; mkdir -p "$DIR"; cd "$DIR"
TIMINGS=$DIR/timings.tsv
printf 'stage\tseconds\n' > "$TIMINGS"
bt() { belenios-tool "$@"; }
now() { date +%s.%N; }
stage() {   # stage NAME -- command...   (times a shell function or command)
  local name=$1; shift
  local t0 t1; t0=$(now)
  "$@"
  t1=$(now)
  printf '%s\t%.3f\n' "$name" "$(echo "$t1 - $t0" | bc -l)" | tee -a "$TIMINGS"
}

echo "== belenios-tool $(belenios-tool --version)  N=$N group=$GROUP par=$PAR  $(nproc) cores"

UUID=$(bt setup generate-token)
echo "$UUID" > uuid.txt
G="--group $GROUP"

# ---------------------------------------------------------------- setup
cat > template.json <<'EOF'
{"description":"Benchmark election (2 questions)","name":"belenios-e2e",
 "questions":[
  {"question":"Q1: choose one (or vote blank)","answers":["A","B","C"],"min":1,"max":1,"blank":true},
  {"question":"Q2: approve up to two","answers":["P","Q","R","S","T"],"min":0,"max":2}
 ]}
EOF

creds() {
  bt setup generate-credentials --uuid "$UUID" $G --count "$N" > gencreds.out
  mv ./*.pubcreds public_creds.json
  mv ./*.privcreds private_creds.txt     # "<id> <credential>" per line (2.0 format)
}
stage credentials creds

threshold_keygen() {   # Pedersen DKG, 3 trustees, 2 needed (--threshold 2)
  local k
  for k in 1 2 3; do bt setup generate-trustee-key-threshold $G --step 1 >/dev/null 2>&1; done
  cat ./*.cert > certs.jsons
  bt setup generate-trustee-key-threshold $G --certs certs.jsons --step 2
  for k in ./*.key; do
    bt setup generate-trustee-key-threshold $G --certs certs.jsons --key "$k" --step 3 --threshold 2
  done > polynomials.jsons
  bt setup generate-trustee-key-threshold $G --certs certs.jsons --step 4 --polynomials polynomials.jsons
  for k in ./*.key; do
    bt setup generate-trustee-key-threshold $G --certs certs.jsons --key "$k" --step 5 \
      < "${k%.key}.vinput" > "${k%.key}.voutput"
  done
  cat ./*.voutput | bt setup generate-trustee-key-threshold $G --certs certs.jsons \
      --step 6 --polynomials polynomials.jsons > threshold.json
}
stage trustee_dkg_3of2 threshold_keygen

server_key() {
  bt setup generate-trustee-key $G >/dev/null 2>&1
  cat ./*.pubkey > public_keys.jsons
}
stage server_single_key server_key

make_election() {
  bt setup make-trustees
  bt setup make-election --uuid "$UUID" $G --template template.json
  bt archive init            # creates $UUID.bel (append-only tar = bulletin board)
  mkdir -p setup-files; cp election.json trustees.json public_creds.json setup-files/
  rm -f election.json trustees.json public_creds.json
}
stage make_election_and_archive make_election

# credential authority check: fingerprint of public creds inside the archive
EXP=$(tail -n1 gencreds.out | awk '{print $NF}')
ACT=$(tar -xOf "$UUID.bel" "$(tar -tf "$UUID.bel" | sed -n 4p)" | bt sha256-b64)
[ "$EXP" = "$ACT" ] || { echo "public credential fingerprint mismatch" >&2; exit 2; }
echo "credential fingerprint OK: $ACT"

# ---------------------------------------------------------------- voting
# Deterministic pseudo-random votes.  Q1 has a leading blank slot (blank:true).
awk -v n="$N" 'BEGIN{srand(42);
  for(i=0;i<n;i++){
    b = (rand()<0.05);  c = int(rand()*3);
    q1 = b ? "[1,0,0,0]" : sprintf("[0,%d,%d,%d]", c==0, c==1, c==2);
    k = int(rand()*3); s = "";
    split("0 0 0 0 0", a, " ");
    for(j=0;j<k;j++){ a[int(rand()*5)+1]=1 }
    q2 = sprintf("[%d,%d,%d,%d,%d]", a[1],a[2],a[3],a[4],a[5]);
    print "[" q1 "," q2 "]" } }' > votes.txt

# The booth works against a frozen copy of the setup-only archive so that
# each generate-ballot costs the same regardless of how many ballots exist.
mkdir -p booth; cp "$UUID.bel" booth/
mkdir -p ballots
gen_one() {   # gen_one LINE_NO  (reads credential + choice, writes ballots/LINE.json)
  local i=$1 cred vote
  cred=$(sed -n "${i}p" private_creds.txt | awk '{print $2}')
  vote=$(sed -n "${i}p" votes.txt)
  belenios-tool election generate-ballot --dir booth \
      --privcred <(echo "$cred") --ballot <(echo "$vote") > "ballots/$i.json" 2>/dev/null
}
export -f gen_one
gen_ballots() {
  seq 1 "$N" | xargs -P "$PAR" -I{} bash -c 'gen_one {}'
}
stage "generate_ballots_x$N(par=$PAR)" gen_ballots

# Ballot tracker = SHA256 (base64, unpadded) of the ballot JSON, as in the booth.
track() { for i in $(seq 1 "$N"); do printf '%s' "$(cat ballots/$i.json)" | bt sha256-b64; done > trackers.txt; }
stage ballot_trackers track

# Server acceptance = append Ballot events to the hash-chained archive.
# (archive add-event does not re-check proofs; the verify step below does.)
cast_all() { for i in $(seq 1 "$N"); do bt archive add-event --type=Ballot < "ballots/$i.json"; done; }
stage "append_ballot_events_x$N" cast_all

# revote: the first 3 voters vote again; only the last ballot per credential counts
revote() {
  rm -rf snapshot-before-revote; mkdir snapshot-before-revote
  cp "$UUID.bel" snapshot-before-revote/   # auditor's earlier copy of the board
  for i in 1 2 3; do
    belenios-tool election generate-ballot --dir booth \
      --privcred <(sed -n "${i}p" private_creds.txt | awk '{print $2}') \
      --ballot <(echo '[[0,1,0,0],[1,1,0,0,0]]') 2>/dev/null | bt archive add-event --type=Ballot
    sed -i "${i}s/.*/[[0,1,0,0],[1,1,0,0,0]]/" votes.txt
  done
}
stage revote_3 revote
# auditor: the new board must extend the old one (append-only, hash chain)
stage verify_diff_append_only bt election verify-diff --dir1 snapshot-before-revote --dir2 .

stage "verify_during_voting(N=$N)" bt election verify

# ---------------------------------------------------------------- tally
end_and_tally() {
  bt archive add-event --type=EndBallots < /dev/null
  bt election compute-encrypted-tally | bt archive add-event --type=EncryptedTally
}
stage encrypted_tally end_and_tally

pdec() {
  local tid=2 k n=0
  for k in ./*.key; do          # only 2 of the 3 threshold trustees show up
    [ $n -ge 2 ] && break
    bt election decrypt-threshold --key "$k" --decryption-key "${k%.key}.dkey" --trustee-id $tid \
      | bt archive add-event --type=PartialDecryption
    tid=$((tid+1)); n=$((n+1))
  done
  for k in ./*.privkey; do      # mandatory server trustee
    bt election decrypt --privkey "$k" --trustee-id 1 | bt archive add-event --type=PartialDecryption
  done
}
stage partial_decryptions_2of3+server pdec

stage compute_result bash -c 'belenios-tool election compute-result | belenios-tool archive add-event --type=Result'
stage "verify_full_after_tally(N=$N)" bt election verify

# ---------------------------------------------------------------- check result
RES=$(tar -tf "$UUID.bel" | tail -n2 | head -n1)
tar -xOf "$UUID.bel" "$RES" > result.json
EXPECTED=$(awk 'BEGIN{FS=""} {gsub(/[\[\]]/,""); n=split($0,v,","); for(j=1;j<=n;j++) s[j]+=v[j]; m=n}
  END{printf "[[%d,%d,%d,%d],[%d,%d,%d,%d,%d]]", s[1],s[2],s[3],s[4],s[5],s[6],s[7],s[8],s[9]}' votes.txt)
GOT=$(python3 -c 'import json,sys; print(json.dumps(json.load(open("result.json"))["result"],separators=(",",":")))')
echo "expected $EXPECTED"; echo "got      $GOT"
[ "$EXPECTED" = "$GOT" ] && echo "RESULT MATCHES PLAINTEXT COUNT" || { echo "RESULT MISMATCH" >&2; exit 3; }

# tracker check (voter-side individual verifiability): the archive stores each
# ballot as <sha256-hex>.data.json; the booth tracker is the same digest in
# base64, so every voter whose ballot was not superseded finds it on the board.
tar -tf "$UUID.bel" > archive-list.txt
MISSING=0
for i in $(seq 4 "$N"); do
  hex=$(printf '%s' "$(cat "ballots/$i.json")" | sha256sum | cut -d' ' -f1)
  grep -q "^$hex.data.json$" archive-list.txt || MISSING=$((MISSING+1))
done
echo "ballots missing from board: $MISSING"
[ "$MISSING" -eq 0 ] || exit 4
ls -la "$UUID.bel" ballots/1.json | awk '{print $5, $NF}'
echo "timings in $TIMINGS"; column -t "$TIMINGS"
