# shellcheck shell=bash
# Shared by scripts/db_backup.sh and scripts/db_restore.sh: load an environment's settings and run
# the `electra` CLI. Sourced, not executed.
#
# ENV selects the settings: the file given with --env-file, else $ELECTRA_ENV_FILE, else
# deploy/env/ENV.env (git-ignored; see deploy/env/example.env). The file holds plain KEY=value
# lines (DATABASE_URL, ELECTRA_BACKUP_DIR, ELECTRA_BACKUP_ENCRYPTION_KEY, ...) and is exported into
# the CLI's environment. ENV "local" without a file uses the current environment (the embedded
# database in ELECTRA_DATA_DIR, default ./data).

electra_repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)

electra_die() {
  echo "$(basename "$0"): $*" >&2
  exit 2
}

# electra_load_env ENV [ENV_FILE]
electra_load_env() {
  local env_name=$1 file=${2:-${ELECTRA_ENV_FILE:-}}
  [[ $env_name =~ ^[a-z][a-z0-9_-]*$ ]] || electra_die "invalid environment name '$env_name'"
  if [[ -z $file ]]; then
    file="$electra_repo_root/deploy/env/$env_name.env"
    if [[ ! -f $file && $env_name == local ]]; then
      return 0
    fi
  fi
  [[ -f $file ]] || electra_die "no settings for environment '$env_name': create $file (see deploy/env/example.env) or pass --env-file"
  set -a
  # shellcheck disable=SC1090
  source "$file"
  set +a
}

# electra_run ARGS...: the installed CLI (the container image), else the built one, else from source.
electra_run() {
  if command -v electra >/dev/null 2>&1; then
    electra "$@"
  elif [[ -f "$electra_repo_root/apps/server/dist/cli/main.js" ]]; then
    node "$electra_repo_root/apps/server/dist/cli/main.js" "$@"
  else
    (cd "$electra_repo_root" && node --conditions=electra-source --import tsx apps/server/src/cli/main.ts "$@")
  fi
}
