#!/usr/bin/env bash
# An image of Kubeloop itself, built locally with no registry and no image builder: the compiled bundle
# (dist/, `npm run build`), the web UI (web/dist, `npm run build:web`), production node_modules, this
# machine's Node runtime and the openssl CLI (the built-in sim makes its certificates with it), each with
# the shared libraries it links, on a busybox base. Runs as a non-root user (65532).
# Cached by the content of what goes in. Last line of output: the image archive (kubeloop.local/kubeloop:dev).
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
CACHE="${KUBELOOP_CACHE:-$HOME/.cache/kubeloop}/real-node"
REF="${KUBELOOP_IMAGE_REF:-kubeloop.local/kubeloop:dev}"
log() { echo "[kubeloop-image] $*" >&2; }

[ -f "$REPO/dist/main.js" ] || { log "dist/main.js is missing: run 'npm run build' first"; exit 1; }
[ -f "$REPO/web/dist/index.html" ] || { log "web/dist is missing: run 'npm run build:web' first"; exit 1; }
NODE="$(readlink -f "$(command -v node)")"
OPENSSL="$(command -v openssl)" || { log "openssl is missing"; exit 1; }

KEY="$( { cat "$HERE/kubeloop-image.sh" "$HERE/oci-image.sh" "$HERE/busybox-rootfs.sh" "$REPO/package-lock.json"; find "$REPO/dist" "$REPO/web/dist" "$REPO/bin" -type f -print0 | sort -z | xargs -0 cat; "$NODE" --version; } | sha256sum | cut -c1-16)"
OUT="$CACHE/kubeloop-$KEY.tar"
if [ -f "$OUT" ]; then echo "$OUT"; exit 0; fi
mkdir -p "$CACHE"

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
R="$WORK/rootfs"
"$HERE/busybox-rootfs.sh" "$R" kubeloop 65532 /data
mkdir -p "$R/etc/ssl" "$R/app" "$R/data"
chown 65532:65532 "$R/data"

# A binary and every shared library it links (ldd), at the same paths.
with_libs() {
  local bin="$1" dest="$2" lib
  cp "$bin" "$R$dest"
  for lib in $(ldd "$bin" | grep -oE '/[^ ]+\.so[^ ]*'); do
    mkdir -p "$R$(dirname "$lib")"
    cp -L "$lib" "$R$lib"
  done
}
with_libs "$NODE" /usr/local/bin/node
with_libs "$OPENSSL" /usr/bin/openssl
[ -f /usr/lib/ssl/openssl.cnf ] && mkdir -p "$R/usr/lib/ssl" && cp /usr/lib/ssl/openssl.cnf "$R/usr/lib/ssl/openssl.cnf"
[ -f /etc/ssl/certs/ca-certificates.crt ] && mkdir -p "$R/etc/ssl/certs" && cp /etc/ssl/certs/ca-certificates.crt "$R/etc/ssl/certs/"

log "staging the app (production dependencies only)"
A="$R/app"
cp "$REPO/package.json" "$REPO/package-lock.json" "$A/"
cp -r "$REPO/bin" "$REPO/dist" "$A/"
mkdir -p "$A/web" && cp -r "$REPO/web/dist" "$A/web/dist"
# Install scripts off: the one native module (better-sqlite3) is copied from this checkout's build,
# made for this very Node runtime.
( cd "$A" && npm ci --omit=dev --ignore-scripts --no-audit --no-fund --prefer-offline --loglevel=error >&2 )
mkdir -p "$A/node_modules/better-sqlite3/build/Release"
cp "$REPO/node_modules/better-sqlite3/build/Release/better_sqlite3.node" "$A/node_modules/better-sqlite3/build/Release/"
# The compiled bundle is newer than every source only if it is checked that way: there is no src/ here.
mkdir -p "$A/src" && touch -d '2000-01-01' "$A/src"

"$HERE/oci-image.sh" "$R" "$REF" "$OUT.tmp" --env NODE_ENV=production --env HOME=/data --workdir /app --entrypoint -- /usr/local/bin/node /app/bin/kubeloop.mjs
mv "$OUT.tmp" "$OUT"
find "$CACHE" -maxdepth 1 -name 'kubeloop-*.tar' ! -name "kubeloop-$KEY.tar" -delete
log "built $REF: $(du -h "$OUT" | cut -f1)"
echo "$OUT"
