#!/usr/bin/env bash
# Back up an environment's Electra database with `electra db:backup` (checksummed, with a manifest
# of the board heads; see docs/operations/backup-restore.md). The runbook's
#   ./scripts/db_backup.sh production NAME
set -euo pipefail

usage() {
  cat <<'USAGE'
Usage: scripts/db_backup.sh [options] ENV [NAME]

Back up the database of environment ENV with `electra db:backup`: NAME.dump (or .dump.enc),
its .sha256 line and NAME.manifest.json, written under temporary names and renamed when
complete. NAME defaults to backup-<UTC time>.

ENV selects the settings (DATABASE_URL, ELECTRA_BACKUP_DIR, ELECTRA_BACKUP_ENCRYPTION_KEY, ...):
--env-file FILE, else $ELECTRA_ENV_FILE, else deploy/env/ENV.env (KEY=value lines, kept out of
git; see deploy/env/example.env). ENV "local" without a file uses the current environment.

Options:
  --env-file FILE   read the environment's settings from FILE
  --dir DIR         backup directory (default: ELECTRA_BACKUP_DIR, else ELECTRA_DATA_DIR/backups)
  --encrypt         encrypt with ELECTRA_BACKUP_ENCRYPTION_KEY (AES-256-GCM)
  --prune           afterwards apply the retention policy (7 daily, 4 weekly, 6 monthly)
  --json            print the manifest as JSON
  --dry-run         print the command instead of running it
  -h, --help        show this help and exit

Exit codes: 0 backup written; 1 it failed (nothing is left under the final name); 2 usage error.

Examples:
  scripts/db_backup.sh production before-restore-$(date +%Y%m%d-%H%M)
  scripts/db_backup.sh --encrypt --prune staging
USAGE
}

# shellcheck source=scripts/lib/electra-cli.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/electra-cli.sh"

env_file=
dry_run=false
args=()
positional=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    -h | --help) usage; exit 0 ;;
    --env-file) [[ $# -ge 2 ]] || electra_die "--env-file needs a value"; env_file=$2; shift 2 ;;
    --dir) [[ $# -ge 2 ]] || electra_die "--dir needs a value"; args+=(--dir "$2"); shift 2 ;;
    --encrypt | --prune | --json) args+=("$1"); shift ;;
    --dry-run) dry_run=true; shift ;;
    -*) electra_die "unknown option $1 (see --help)" ;;
    *) positional+=("$1"); shift ;;
  esac
done
[[ ${#positional[@]} -ge 1 && ${#positional[@]} -le 2 ]] || { usage >&2; exit 2; }
env_name=${positional[0]}
[[ ${#positional[@]} -eq 2 ]] && args+=(--name "${positional[1]}")

if $dry_run; then
  echo "electra db:backup ${args[*]} (environment $env_name)"
  exit 0
fi
electra_load_env "$env_name" "$env_file"
electra_run db:backup "${args[@]}"
