#!/bin/sh
# Local stand-ins for the images docker-compose.yml and docker/*/Dockerfile start from, for
# machines that reach no image registry (scripts/deploy/docker-smoke.sh calls this). For each of
# BUN_IMAGE and POSTGRES_IMAGE missing from the local image store that cannot be pulled: a
# minimal Debian of this host's release is debootstrapped once (image
# tokentap-standin/debian:SUITE, kept as a cache), the stand-in is built from it with the legacy
# builder (bun.Dockerfile: this machine's bun binary; postgres.Dockerfile: Debian's PostgreSQL)
# and tagged with the real name, labelled tokentap.standin=NAME. Stand-ins stay cached.
#
#   build.sh            prints one line per image: NAME: real image | stand-in (…)
#
# Env: DOCKER (the CLI, default docker), BUN_IMAGE, POSTGRES_IMAGE (the names to provide),
# STANDIN_PULL=0 (do not try a pull first), DEBIAN_MIRROR (default: this host's apt source),
# DEBIAN_SUITE (default: this host's release).
set -eu
here=$(CDPATH='' cd -- "$(dirname -- "$0")" && pwd)
docker=${DOCKER:-docker}
bun_image=${BUN_IMAGE:-oven/bun:1.4.5-slim}
postgres_image=${POSTGRES_IMAGE:-postgres:18.4-alpine}
suite=${DEBIAN_SUITE:-$(. /etc/os-release && echo "${VERSION_CODENAME:-}")}
[ -n "$suite" ] || { echo "standins: set DEBIAN_SUITE (no VERSION_CODENAME in /etc/os-release)" >&2; exit 1; }
base=tokentap-standin/debian:$suite

# The label of a local image ("" for an image without it); exit 1 when the image is absent.
standin_label() {
  label=$($docker image inspect --format '{{index .Config.Labels "tokentap.standin"}}' "$1" 2>/dev/null) || return 1
  [ "$label" = '<no value>' ] && label=''
  echo "$label"
}

# The first Debian archive URI of this host's apt configuration (deb822 or one-line format).
host_mirror() {
  for f in /etc/apt/sources.list.d/*.sources; do
    [ -f "$f" ] || continue
    awk '/^URIs:/ && $2 !~ /security/ { print $2; exit }' "$f"
  done | head -n 1
  awk '$1 == "deb" && $2 !~ /security/ && $3 !~ /-/ { print ($2 ~ /^\[/ ? $3 : $2); exit }' \
    /etc/apt/sources.list 2>/dev/null || true
}

ensure_base() {
  $docker image inspect "$base" > /dev/null 2>&1 && return 0
  command -v debootstrap > /dev/null 2>&1 || {
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap) > /dev/null
  }
  mirror=${DEBIAN_MIRROR:-$(host_mirror | head -n 1)}
  root=$(mktemp -d /var/tmp/tokentap-standin-root.XXXXXX)
  echo "standins: debootstrap $suite (minbase) from ${mirror:-debootstrap's default mirror}" >&2
  # shellcheck disable=SC2086 # an empty mirror means debootstrap's default
  debootstrap --variant=minbase --include=ca-certificates "$suite" "$root" $mirror > "$root.log" 2>&1 || {
    tail -n 20 "$root.log" >&2
    rm -rf "$root" "$root.log"
    exit 1
  }
  rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/* "$root"/usr/share/doc/* \
    "$root"/usr/share/man/* "$root"/usr/share/locale/*
  tar -C "$root" -c . | $docker import \
    --change 'LABEL tokentap.standin="debian base"' --change 'CMD ["/bin/bash"]' - "$base" > /dev/null
  rm -rf "$root" "$root.log"
}

# provide NAME KIND: makes NAME available; prints how.
provide() {
  name=$1
  kind=$2
  if label=$(standin_label "$name"); then
    if [ -n "$label" ]; then echo "$name: LOCAL STAND-IN (cached, $(describe "$name"))"; else echo "$name: real image"; fi
    return 0
  fi
  if [ "${STANDIN_PULL:-1}" != 0 ] && timeout 300 $docker pull -q "$name" > /dev/null 2>&1; then
    echo "$name: real image (pulled)"
    return 0
  fi
  ensure_base
  ctx=$(mktemp -d)
  cp "$here/$kind.Dockerfile" "$ctx/Dockerfile"
  cp "$here/$kind-entrypoint.sh" "$ctx/"
  set -- --build-arg "BASE=$base" --build-arg "STANDIN_FOR=$name"
  if [ "$kind" = bun ]; then
    bun_bin=$(command -v bun) || { echo "standins: bun is not installed on this host" >&2; exit 1; }
    bun_version=$(bun --version)
    cp "$(readlink -f "$bun_bin")" "$ctx/bun"
    set -- "$@" --build-arg "BUN_VERSION=$bun_version"
    case $name in
      *:"$bun_version" | *:"$bun_version"-*) ;;
      *) echo "standins: warning: $name stand-in gets this host's bun $bun_version" >&2 ;;
    esac
  fi
  DOCKER_BUILDKIT=0 $docker build -q --network host "$@" -t "$name" "$ctx" > /dev/null || {
    rm -rf "$ctx"
    echo "standins: building the stand-in for $name failed" >&2
    exit 1
  }
  rm -rf "$ctx"
  echo "$name: LOCAL STAND-IN (built now, $(describe "$name"))"
}

describe() {
  case $1 in
    "$bun_image") echo "Debian $suite + bun $($docker run --rm --entrypoint bun "$1" --version)" ;;
    *) echo "Debian $suite + PostgreSQL $($docker run --rm --entrypoint cat "$1" /usr/local/share/postgres-major), not the tag's version" ;;
  esac
}

provide "$bun_image" bun
provide "$postgres_image" postgres
