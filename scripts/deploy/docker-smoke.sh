#!/usr/bin/env bash
# Real-engine smoke test of the Docker deployment: builds docker/proxy and docker/dashboard with
# every builder this machine has (legacy, BuildKit), runs docker-compose.yml with
# `compose up -d --build` on the host network against a loopback TLS mock upstream and checks
# migrate, health, team mode, recorded requests, the dashboard's read-only role and login, the CA
# across a restart, a clean stop, /data 0700, and that no host CA or secret is in any image
# layer (scripts/deploy/smoke/). It prints build and start times and image sizes, and removes
# the containers, volumes and images it made.
#
# Prepares what it needs, as root, on Debian: docker.io (and docker-compose when no Compose
# plugin is there) via apt-get; a Docker engine — when none answers it starts dockerd (no bridge,
# no iptables: containers use the host network) and stops it again at the end; local stand-ins
# for BUN_IMAGE / POSTGRES_IMAGE when they are neither present nor pullable
# (scripts/deploy/standins/build.sh; kept as a cache for the next run).
#
#   scripts/deploy/docker-smoke.sh
# Env: DOCKER (CLI, default docker), BUN_IMAGE, POSTGRES_IMAGE, SMOKE_POSTGRES_PORT /
# SMOKE_PROXY_PORT / SMOKE_DASHBOARD_PORT (default: free loopback ports), SMOKE_BUILD_CA (the
# CA bundle for the builds' registry access; default NODE_EXTRA_CA_CERTS, else the system
# bundle), SMOKE_KEEP_WORKDIR=1, DOCKERD_LOG (default /var/tmp/tokentap-smoke-dockerd.log).
set -euo pipefail
here=$(CDPATH='' cd -- "$(dirname -- "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
export DOCKER=${DOCKER:-docker}
export BUN_IMAGE=${BUN_IMAGE:-oven/bun:1.4.5-slim}
export POSTGRES_IMAGE=${POSTGRES_IMAGE:-postgres:18.4-alpine}
started=$(date +%s)

apt_install() {
  echo "docker-smoke: apt-get install $*"
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@") > /dev/null
}

command -v "$DOCKER" > /dev/null 2>&1 || apt_install docker.io
if ! "$DOCKER" compose version > /dev/null 2>&1 && ! command -v docker-compose > /dev/null 2>&1; then
  apt_install docker-compose
fi
command -v curl > /dev/null 2>&1 || apt_install curl

dockerd_pid=''
stop_dockerd() {
  [ -n "$dockerd_pid" ] || return 0
  kill "$dockerd_pid" 2> /dev/null || true
  for _ in $(seq 1 100); do kill -0 "$dockerd_pid" 2> /dev/null || break; sleep 0.1; done
}
trap stop_dockerd EXIT
if ! "$DOCKER" info > /dev/null 2>&1; then
  command -v dockerd > /dev/null 2>&1 || apt_install docker.io
  log=${DOCKERD_LOG:-/var/tmp/tokentap-smoke-dockerd.log}
  echo "docker-smoke: no engine answers; starting dockerd --bridge none --iptables=false (log $log)"
  dockerd --bridge none --iptables=false > "$log" 2>&1 &
  dockerd_pid=$!
  for _ in $(seq 1 300); do
    "$DOCKER" info > /dev/null 2>&1 && break
    kill -0 "$dockerd_pid" 2> /dev/null || { tail -n 20 "$log" >&2; exit 1; }
    sleep 0.1
  done
  "$DOCKER" info > /dev/null 2>&1 || { echo "docker-smoke: dockerd did not answer in 30 s" >&2; exit 1; }
fi

t0=$(date +%s)
sh "$here/standins/build.sh"
echo "docker-smoke: base images ready in $(( $(date +%s) - t0 )) s"

bun "$here/smoke/main.ts"
echo "docker-smoke: $(( $(date +%s) - started )) s in all (engine and base images included)"
