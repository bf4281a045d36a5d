#!/bin/sh
# The build and run steps of the tokentap images, in one place: docker/*/Dockerfile call them,
# and scripts/deploy/image-steps.test.ts runs the same steps in a clean copy of the repository
# (no Docker engine needed), then starts the result and checks its health endpoint.
#
#   image-steps.sh SERVICE manifests           paths copied before the install (cache layer)
#   image-steps.sh SERVICE sources             paths copied after it
#   image-steps.sh SERVICE install DIR         production install of SERVICE's workspaces in DIR
#   image-steps.sh SERVICE assemble DIR OUT    copy what SERVICE runs from DIR to OUT, minus tests
#                                              and files no runtime loads (types, source maps …)
#   image-steps.sh SERVICE run [APP]           exec the service (APP: defaults to this script's ../)
#   image-steps.sh SERVICE health [APP]        exit 0 when the service answers its health check
#   image-steps.sh proxy migrate [APP]         migrations + dashboard login role (compose's one-shot)
#
# SERVICE is proxy or dashboard. IMAGE_STEPS_INSTALL_FLAGS adds flags to `bun install`
# (the test passes --offline: it installs from the Bun cache only). docker/build-ca/*.crt in DIR
# (copied into the build stage only) are extra CA certificates for reaching the registry.
set -eu

usage() {
  echo "usage: image-steps.sh proxy|dashboard manifests|sources|install DIR|assemble DIR OUT|run|health|migrate" >&2
  exit 2
}

[ $# -ge 2 ] || usage
service=$1
step=$2
shift 2

case $service in
  proxy)
    package=@tokentap/proxy
    workspace=services/proxy
    entry=services/proxy/src/main.ts
    sources="packages/shared/src packages/shared/drizzle services/proxy/src"
    ;;
  dashboard)
    package=@tokentap/dashboard
    workspace=services/dashboard
    entry=services/dashboard/src/main.ts
    sources="packages/shared/src services/dashboard/src"
    ;;
  *) usage ;;
esac
# Every workspace's manifest before the install: bun refuses a checkout that lacks a workspace
# another one names (the CLI, the test-only @tokentap/testing), even one it does not install;
# --filter installs SERVICE's workspace and its dependencies only. The app keeps its own.
workspace_manifests="packages/shared/package.json packages/cli/package.json packages/pgserver/package.json
  packages/testing/package.json services/proxy/package.json services/dashboard/package.json"
manifests="package.json bun.lock $workspace_manifests scripts/image-steps.sh"
app_manifests="package.json bun.lock packages/shared/package.json $workspace/package.json scripts/image-steps.sh"
# Copied before the install, read by it, never assembled into the app.
build_only=docker/build-ca
here=$(CDPATH='' cd -- "$(dirname -- "$0")" && pwd)

case $step in
  manifests)
    for p in $manifests $build_only; do echo "$p"; done
    ;;
  sources)
    for p in $sources; do echo "$p"; done
    ;;
  install)
    [ $# -eq 1 ] || usage
    cd "$1"
    if ls docker/build-ca/*.crt > /dev/null 2>&1; then
      bundle=$(mktemp)
      { [ -f "${NODE_EXTRA_CA_CERTS:-}" ] && cat "$NODE_EXTRA_CA_CERTS"; cat docker/build-ca/*.crt; } > "$bundle"
      export NODE_EXTRA_CA_CERTS="$bundle"
    fi
    # Only SERVICE's workspace and its workspace deps are on disk: bun skips the others listed
    # in bun.lock, --production leaves out the root's devDependencies and --omit=peer the
    # optional peers nothing here uses (drizzle-orm lists every SQL driver as one).
    # shellcheck disable=SC2086 # IMAGE_STEPS_INSTALL_FLAGS is a word list on purpose
    bun install --frozen-lockfile --production --omit=peer --linker isolated --filter "$package" \
      ${IMAGE_STEPS_INSTALL_FLAGS:-}
    rm -f "${bundle:-}"
    ;;
  assemble)
    [ $# -eq 2 ] || usage
    from=$1
    out=$2
    mkdir -p "$out"
    for p in $app_manifests $sources node_modules packages/shared/node_modules "$workspace/node_modules"; do
      [ -e "$from/$p" ] || { echo "image-steps: $from/$p is missing" >&2; exit 1; }
      mkdir -p "$out/$(dirname "$p")"
      # -P: node_modules is a tree of relative symlinks (isolated linker), kept as links.
      cp -RP "$from/$p" "$out/$p"
    done
    find "$out/packages" "$out/services" \
      \( -name node_modules -prune \) -o \
      \( -type d \( -name testing \) -prune -exec rm -rf {} + \) -o \
      \( -type f -name '*.test.ts' -exec rm -f {} + \)
    # What no runtime loads: type declarations, source maps, type-only packages, and the parts of
    # js-tiktoken the proxy does not use (the full build of every encoding, and the ranks other
    # than the two estimate/tokens.ts loads; image-steps.test.ts counts tokens with them).
    store=$out/node_modules/.bun
    find "$store" -type f \( -name '*.d.ts' -o -name '*.d.cts' -o -name '*.d.mts' -o -name '*.map' \
      -o -iname 'readme.md' -o -iname 'changelog.md' \) -delete
    find "$store" -mindepth 1 -maxdepth 1 -type d -name '@types+*' -exec rm -rf {} +
    for dist in "$store"/js-tiktoken@*/node_modules/js-tiktoken/dist; do
      [ -d "$dist" ] || continue
      rm -f "$dist/index.js" "$dist/index.cjs"
      for f in "$dist"/ranks/*; do
        case ${f##*/} in
          cl100k_base.js | cl100k_base.cjs | o200k_base.js | o200k_base.cjs) ;;
          *) rm -f "$f" ;;
        esac
      done
    done
    ;;
  run)
    app=${1:-$here/..}
    cd "$app"
    exec bun "$entry"
    ;;
  migrate)
    [ "$service" = proxy ] || usage
    app=${1:-$here/..}
    cd "$app"
    exec bun services/proxy/src/provision.ts
    ;;
  health)
    if [ "$service" = proxy ]; then
      host=${PROXY_HOST:-127.0.0.1}
      port=${PROXY_PORT:-8080}
      path=/health
    else
      host=${DASHBOARD_HOST:-127.0.0.1}
      port=${DASHBOARD_PORT:-3000}
      path=/api/health
    fi
    case $host in
      0.0.0.0 | '') host=127.0.0.1 ;;
      :: | '[::]') host='[::1]' ;;
      *:*) host="[$host]" ;;
    esac
    # No proxy variables: the health request goes straight to the service.
    exec env -u HTTPS_PROXY -u https_proxy -u HTTP_PROXY -u http_proxy \
      bun -e "
        const r = await fetch('http://$host:$port$path', { signal: AbortSignal.timeout(4000) })
          .catch((e) => { console.error('unreachable: ' + e.message); process.exit(1) })
        if (!r.ok) { console.error('health: HTTP ' + r.status + ' ' + (await r.text())); process.exit(1) }
      "
    ;;
  *) usage ;;
esac
