#!/usr/bin/env bash
# Fetches kubectl 1.20 from Debian's `kubernetes-client` package (built from the same `kubernetes` source
# package as the real control plane) and unpacks it beside that build, keyed by the package version. It is
# never installed: the machine's own kubectl stays the one on PATH. Idempotent: a cached copy returns at once.
# Last line of output: the path of the kubectl binary.
set -euo pipefail

CACHE_ROOT="${KUBELOOP_CACHE:-$HOME/.cache/kubeloop}/real-k8s"
export DEBIAN_FRONTEND=noninteractive
log() { echo "[kubectl-1.20] $*" >&2; }

candidate() { apt-cache policy kubernetes-client 2>/dev/null | awk '/Candidate:/ {print $2; exit}'; }
VERSION="$(candidate)"
if [ -z "$VERSION" ] || [ "$VERSION" = "(none)" ]; then
  apt-get update -qq >&2
  VERSION="$(candidate)"
fi
if [ -z "$VERSION" ] || [ "$VERSION" = "(none)" ]; then
  log "apt knows no kubernetes-client package; the kubectl 1.20 suites cannot run"
  exit 1
fi

DIR="$CACHE_ROOT/$VERSION/kubernetes-client"
BIN="$DIR/usr/bin/kubectl"
if [ -x "$BIN" ] && [ -f "$DIR/unpacked" ]; then
  log "cached kubectl from kubernetes-client $VERSION"
  echo "$BIN"
  exit 0
fi

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
log "downloading kubernetes-client $VERSION"
# apt-get download writes into the current directory; the _apt sandbox user may not write to a root-owned
# temp dir, so it is made readable and writable for it.
chmod 0777 "$WORK"
( cd "$WORK" && apt-get download -qq "kubernetes-client=$VERSION" >&2 )
rm -rf "$DIR" && mkdir -p "$DIR"
dpkg-deb -x "$WORK"/kubernetes-client_*.deb "$DIR"
"$BIN" version --client >&2
touch "$DIR/unpacked"
echo "$BIN"
