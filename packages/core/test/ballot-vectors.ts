/**
 * Generator of the ballot known-answer vectors (protocol §4.4, §5, §6, §7) under test/vectors/.
 * Everything comes from `deterministicRandom(seed)`, so another implementation that follows the
 * protocol and consumes randomness in the documented order (see each vector's "randomness" note)
 * can regenerate them byte for byte; any implementation can at least verify them.
 */
import { openBallot } from '../src/ballot/challenge.js';
import { encryptBallot } from '../src/ballot/encrypt.js';
import { choiceProofContext } from '../src/ballot/proof-context.js';
import { ballotToJSON } from '../src/ballot/serialize.js';
import { ballotTracker } from '../src/ballot/tracker.js';
import { deriveCredentialKey, generateCredentials } from '../src/credentials.js';
import {
  type ElectionParams,
  electionFingerprint,
  electionFingerprintBytes,
  electionParamsToJSON,
} from '../src/election.js';
import { encrypt } from '../src/elgamal.js';
import { toBase64Url } from '../src/group/bytes.js';
import { baseMul, randomScalar, Scalar } from '../src/group/group.js';
import { manifestHash } from '../src/manifest.js';
import { proveDisjunctive } from '../src/proofs/disjunctive.js';
import { TAGS } from '../src/tags.js';
import { deterministicRandom, REFERENCE_MANIFEST } from './ballot-fixtures.js';

const proofJson = (p: readonly { c: Scalar; z: Scalar }[]) =>
  p.map((b) => ({ c: b.c.toBase64Url(), z: b.z.toBase64Url() }));

function credentialVectors() {
  const seed = 'electra/vectors/ballot-credentials';
  const electionId = REFERENCE_MANIFEST.id;
  const list = generateCredentials(4, electionId, deterministicRandom(seed));
  return {
    description:
      'Secret credentials (protocol §6.1) generated from the seed, their derived scalars and public credentials (§6.2).',
    seed,
    electionId,
    credentials: list.map((c) => ({
      secret: c.secret,
      scalar: deriveCredentialKey(c.secret, electionId).secret.toBase64Url(),
      publicCredential: c.publicCredential.toBase64Url(),
    })),
  };
}

function proofVectors() {
  const seed = 'electra/vectors/ballot-proofs';
  const random = deterministicRandom(seed);
  const x = randomScalar(random);
  const h = baseMul(x);
  const fingerprint = new Uint8Array(32).fill(0xfa);
  const credential = baseMul(Scalar.of(12345));
  const cases: { set: number[]; index: number }[] = [
    { set: [0, 1], index: 0 },
    { set: [0, 1], index: 1 },
    { set: [0, 1, 2], index: 2 },
    { set: [0, 2, 3, 4], index: 1 },
  ];
  return {
    description:
      'Disjunctive proofs (protocol §4.4) with the choice-proof tag and context [fingerprint, credential, question, choice]. ' +
      'Randomness order per proof: r, then for each branch j in order c_j (64 bytes) then z_j (64 bytes).',
    seed,
    tag: TAGS.choiceProof,
    secretKey: x.toBase64Url(),
    publicKey: h.toBase64Url(),
    fingerprint: toBase64Url(fingerprint),
    credential: credential.toBase64Url(),
    proofs: cases.map(({ set, index }, k) => {
      const r = randomScalar(random);
      const ct = encrypt(h, Scalar.of(set[index]!), r);
      const context = choiceProofContext(fingerprint, credential, 0, k);
      const proof = proveDisjunctive(TAGS.choiceProof, context, h, ct, set, index, r, random);
      return {
        question: 0,
        choice: k,
        set,
        plaintext: set[index],
        r: r.toBase64Url(),
        ciphertext: ct.toJSON(),
        proof: proofJson(proof),
      };
    }),
  };
}

function ballotVectors() {
  const seed = 'electra/vectors/ballot-reference';
  const random = deterministicRandom(seed);
  const x = randomScalar(random);
  const params: ElectionParams = { v: 1, manifest: REFERENCE_MANIFEST, publicKey: baseMul(x) };
  const [cred] = generateCredentials(1, REFERENCE_MANIFEST.id, random);
  const selections = [
    [
      [0, 1, 0],
      [1, 0, 0, 1, 0],
    ],
    [
      [0, 0, 0],
      [0, 0, 0, 0, 0],
    ],
    [
      [1, 0, 0],
      [0, 0, 0, 0, 1],
    ],
  ];
  return {
    description:
      'Reference election R (question 1: exactly 1 of 3, blank allowed; question 2: 0 to 2 of 5) and signed ballots (protocol §7) with ' +
      'their trackers and Benaloh openings. Randomness order: election secret key, credential (§6.1), then per ballot: r_ij ' +
      'per question, choice proofs, overall proof per question (§7.2–§7.3), signature nonce.',
    seed,
    secretKey: x.toBase64Url(),
    election: electionParamsToJSON(params),
    manifestHash: manifestHash(REFERENCE_MANIFEST),
    fingerprint: electionFingerprint(params),
    fingerprintHex: Array.from(electionFingerprintBytes(params), (b) => b.toString(16).padStart(2, '0')).join(
      '',
    ),
    credential: { secret: cred!.secret, publicCredential: cred!.publicCredential.toBase64Url() },
    ballots: selections.map((choices) => {
      const { ballot, secrets } = encryptBallot({ params, credential: cred!.secret, choices, random });
      return {
        choices,
        ballot: ballotToJSON(ballot),
        tracker: ballotTracker(ballot),
        opening: openBallot(secrets),
      };
    }),
  };
}

/** File name → JSON text (2-space indentation, trailing newline) of every ballot vector file. */
export function generateBallotVectorFiles(): Record<string, string> {
  const text = (v: unknown) => `${JSON.stringify(v, null, 2)}\n`;
  return {
    'ballot-credentials.json': text(credentialVectors()),
    'ballot-proofs.json': text(proofVectors()),
    'ballot-reference.json': text(ballotVectors()),
  };
}
