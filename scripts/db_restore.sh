#!/usr/bin/env bash
# Restore an environment's Electra database with `electra db:restore`: checksum and schema checks,
# a safety backup, restore into a fresh database, migrations, health, board heads and the election
# verifier, then the swap (docs/operations/backup-restore.md). The runbook's
#   ./scripts/db_restore.sh --latest production
set -euo pipefail

usage() {
  cat <<'USAGE'
Usage: scripts/db_restore.sh [options] --latest ENV
       scripts/db_restore.sh [options] ENV FILE

Restore the database of environment ENV from the newest backup (--latest) or from FILE (a
NAME.manifest.json, or its NAME.dump / NAME.dump.enc) with `electra db:restore`. The file is
checked first (checksum, schema version); then, after you confirm, a safety backup of the
current database is taken, the backup is restored into a fresh database, migrated and
verified (SELECT 1, migrations, board heads against the manifest, the election verifier) and
only then swapped in. The previous database is kept under <db>_pre_restore_<time>.

ENV selects the settings as in scripts/db_backup.sh: --env-file FILE, else $ELECTRA_ENV_FILE,
else deploy/env/ENV.env.

Options:
  --latest            restore the newest complete backup in the backup directory
  --env-file FILE     read the environment's settings from FILE
  --dir DIR           backup directory (default: ELECTRA_BACKUP_DIR, else ELECTRA_DATA_DIR/backups)
  --yes               do not ask for confirmation (scripts, CI)
  --no-safety-backup  skip the safety backup of the current database
  --json              print the restore report as JSON
  --dry-run           print the command instead of running it
  -h, --help          show this help and exit

Without --yes the script runs the file checks, then asks you to type ENV to go ahead.
Exit codes: 0 restored; 1 refused (damaged or incompatible file, not confirmed) or failed; 2 usage error.
USAGE
}

# shellcheck source=scripts/lib/electra-cli.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/electra-cli.sh"

env_file=
latest=false
yes=false
dry_run=false
args=()
check_args=()
positional=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    -h | --help) usage; exit 0 ;;
    --latest) latest=true; shift ;;
    --env-file) [[ $# -ge 2 ]] || electra_die "--env-file needs a value"; env_file=$2; shift 2 ;;
    --dir) [[ $# -ge 2 ]] || electra_die "--dir needs a value"; args+=(--dir "$2"); check_args+=(--dir "$2"); shift 2 ;;
    --yes) yes=true; shift ;;
    --no-safety-backup) args+=("$1"); check_args+=("$1"); shift ;;
    --json) args+=("$1"); shift ;;
    --dry-run) dry_run=true; shift ;;
    -*) electra_die "unknown option $1 (see --help)" ;;
    *) positional+=("$1"); shift ;;
  esac
done
if $latest; then
  [[ ${#positional[@]} -eq 1 ]] || { usage >&2; exit 2; }
  source_args=(--latest)
else
  [[ ${#positional[@]} -eq 2 ]] || { usage >&2; exit 2; }
  source_args=("${positional[1]}")
fi
env_name=${positional[0]}

if $dry_run; then
  echo "electra db:restore ${source_args[*]} ${args[*]} --yes (environment $env_name)"
  exit 0
fi
electra_load_env "$env_name" "$env_file"
if ! $yes; then
  # The checks alone (no --yes): a damaged or incompatible file stops here.
  electra_run db:restore "${source_args[@]}" "${check_args[@]}" || exit 1
  if [[ ! -r /dev/tty ]]; then
    echo "db_restore.sh: not confirmed (no terminal); pass --yes to restore" >&2
    exit 1
  fi
  printf 'This replaces the database of "%s". Type the environment name to continue: ' "$env_name" >/dev/tty
  read -r answer </dev/tty
  [[ $answer == "$env_name" ]] || { echo "db_restore.sh: not confirmed; nothing changed" >&2; exit 1; }
fi
electra_run db:restore "${source_args[@]}" "${args[@]}" --yes
