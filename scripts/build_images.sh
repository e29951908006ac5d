#!/usr/bin/env bash
# Build (and optionally push) Electra's container image from deploy/docker/Dockerfile.
# One image serves every role (serve, migrate, db:backup); see docs/operations/deploy.md.
# Works with docker (BuildKit) or podman, whichever is installed; --dry-run prints the commands.
set -euo pipefail

usage() {
  cat <<'USAGE'
Usage: scripts/build_images.sh [options]

Build Electra's container image from deploy/docker/Dockerfile (context: the repository root).

Options:
  --target STAGE       Dockerfile stage to build (default: production; others: deps, build, prod-deps)
  --tag TAG            image tag (default: the version in apps/server/package.json, plus "latest")
  --image NAME         image repository (default: $ELECTRA_IMAGE or "electra")
  --base-image REF     Node base image, ideally pinned by digest
                       (default: the Dockerfile's node:20.20-bookworm-slim)
  --pg-client MAJOR    PostgreSQL client major installed for db:backup/db:restore (default: 15)
  --no-cache           build without the layer cache (pulls a fresh base image too)
  --push               push the built tags to the registry named in --image
  --engine ENGINE      docker or podman (default: docker if installed, else podman)
  --dry-run            print the commands instead of running them
  -h, --help           show this help and exit

Examples:
  scripts/build_images.sh --no-cache --target production
  scripts/build_images.sh --image registry.example.com/electra/electra --tag 1.2.0 --push
USAGE
}

die() {
  echo "build_images.sh: $*" >&2
  exit 2
}

need_value() {
  [[ $# -ge 2 && -n "$2" && "$2" != --* ]] || die "option $1 needs a value (see --help)"
}

repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
target=production
tag=
image=${ELECTRA_IMAGE:-electra}
base_image=
pg_client=
no_cache=false
push=false
engine=
dry_run=false

while [[ $# -gt 0 ]]; do
  case "$1" in
    --target) need_value "$@"; target=$2; shift 2 ;;
    --tag) need_value "$@"; tag=$2; shift 2 ;;
    --image) need_value "$@"; image=$2; shift 2 ;;
    --base-image) need_value "$@"; base_image=$2; shift 2 ;;
    --pg-client) need_value "$@"; pg_client=$2; shift 2 ;;
    --engine) need_value "$@"; engine=$2; shift 2 ;;
    --no-cache) no_cache=true; shift ;;
    --push) push=true; shift ;;
    --dry-run) dry_run=true; shift ;;
    -h | --help) usage; exit 0 ;;
    *) die "unknown option: $1 (see --help)" ;;
  esac
done

case "$target" in
  deps | build | prod-deps | production) ;;
  *) die "unknown target: $target (deps, build, prod-deps or production)" ;;
esac
[[ -z "$pg_client" || "$pg_client" =~ ^[0-9]+$ ]] || die "--pg-client must be a major version number"

if [[ -z "$engine" ]]; then
  if command -v docker >/dev/null 2>&1; then
    engine=docker
  elif command -v podman >/dev/null 2>&1; then
    engine=podman
  elif [[ "$dry_run" == true ]]; then
    engine=docker
  else
    die "neither docker nor podman is installed"
  fi
fi
[[ "$engine" == docker || "$engine" == podman ]] || die "--engine must be docker or podman"

version=$(sed -n 's/^[[:space:]]*"version":[[:space:]]*"\([^"]*\)".*/\1/p' "$repo_root/apps/server/package.json" | sed -n 1p)
[[ -n "$version" ]] || die "cannot read the version from apps/server/package.json"
vcs_ref=$(git -C "$repo_root" rev-parse --short HEAD 2>/dev/null || echo unknown)

tags=()
if [[ -n "$tag" ]]; then
  tags+=("$image:$tag")
else
  tags+=("$image:$version" "$image:latest")
fi

cmd=("$engine" build --file "$repo_root/deploy/docker/Dockerfile" --target "$target")
cmd+=(--build-arg "ELECTRA_VERSION=$version" --build-arg "VCS_REF=$vcs_ref")
[[ -n "$base_image" ]] && cmd+=(--build-arg "NODE_IMAGE=$base_image")
[[ -n "$pg_client" ]] && cmd+=(--build-arg "PG_CLIENT_MAJOR=$pg_client")
[[ "$no_cache" == true ]] && cmd+=(--no-cache --pull)
for t in "${tags[@]}"; do cmd+=(--tag "$t"); done
cmd+=("$repo_root")

run() {
  if [[ "$dry_run" == true ]]; then
    printf '%q ' "$@"
    printf '\n'
  else
    "$@"
  fi
}

export DOCKER_BUILDKIT=1
run "${cmd[@]}"
if [[ "$push" == true ]]; then
  for t in "${tags[@]}"; do run "$engine" push "$t"; done
fi
