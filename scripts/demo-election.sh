#!/usr/bin/env bash
# A complete Electra election, in process, verified by `electra verify` (issue 3, "Done when"):
# 3 trustees (threshold 2) + Electra's T_0, 200 voters with credentials, revotes, a challenged
# ballot, tally, decryption by 2 of the 3 trustees, result = plaintext count; then the record is
# verified (exit 0) and every corruption of the tampering suite is rejected with its own code.
#
# Usage: scripts/demo-election.sh [--voters N] [--out DIR] [--workers N] [--seed TEXT]
# Output files (the record and the tampered copies) go to DIR (default $TMPDIR/electra-demo-election).
set -euo pipefail
cd "$(dirname "$0")/.."
exec node --conditions=electra-source --import tsx scripts/demo-election.ts "$@"
