#!/usr/bin/env bash
# Builds kube-apiserver, kube-controller-manager, kube-scheduler and kubelet from Debian's `kubernetes`
# source package and caches them outside the repo, keyed by the source version. Idempotent: a cached
# build returns at once.
# Last line of output: the directory holding the binaries.
set -euo pipefail

CACHE_ROOT="${KUBELOOP_CACHE:-$HOME/.cache/kubeloop}/real-k8s"
WORK="${KUBELOOP_BUILD_DIR:-/tmp/kubeloop-k8s-build}"
export DEBIAN_FRONTEND=noninteractive

log() { echo "[real-cluster] $*" >&2; }

# One build.sh at a time per machine: test files start real clusters in parallel, and two apt runs
# on one lists directory fail on its lock.
mkdir -p "$(dirname "$WORK")"
exec 9>"$WORK.lock"
flock 9

# Apt configuration that adds deb-src entries derived from the machine's own sources (no host names here).
APT_DIR="$WORK/apt"
setup_apt() {
  mkdir -p "$APT_DIR/sources.list.d" "$APT_DIR/lists/partial"
  local src=/etc/apt/sources.list.d/debian.sources
  if [ -f "$src" ]; then
    sed 's/^Types: deb$/Types: deb-src/' "$src" > "$APT_DIR/sources.list.d/debian-src.sources"
  elif [ -f /etc/apt/sources.list ]; then
    grep -E '^deb ' /etc/apt/sources.list | sed 's/^deb /deb-src /' > "$APT_DIR/sources.list.d/debian-src.list"
  else
    log "no Debian sources file found in /etc/apt"; exit 1
  fi
}
apt_src() {
  "${APT_TOOL:-apt-get}" -o Dir::Etc::SourceParts="$APT_DIR/sources.list.d" -o Dir::Etc::SourceList=/dev/null \
    -o Dir::State::Lists="$APT_DIR/lists" "$@"
}

setup_apt
# The source index is refreshed at most every 12 hours: each test file that starts a real cluster
# runs this script, and a cached build only needs the version the index names.
if [ -z "$(find "$APT_DIR/lists" -maxdepth 1 -name '*Sources*' -mmin -720 2>/dev/null | head -1)" ]; then
  apt_src update -qq >&2
fi
VERSION="$(APT_TOOL=apt-cache apt_src showsrc kubernetes 2>/dev/null | awk '/^Version:/ {print $2; exit}')"
[ -n "$VERSION" ] || { log "apt cannot see the kubernetes source package"; exit 1; }
OUT="$CACHE_ROOT/$VERSION"
COMMANDS=(kube-apiserver kube-controller-manager kube-scheduler kubelet)
cached=1
for cmd in "${COMMANDS[@]}"; do [ -x "$OUT/bin/$cmd" ] || cached=0; done
# A build made before the version was stamped reports v0.0.0-master: rebuild it.
[ -f "$OUT/stamped" ] || cached=0
if [ "$cached" = 1 ]; then
  log "cached build of kubernetes $VERSION"
  echo "$OUT/bin"
  exit 0
fi

START=$(date +%s)
log "installing the build toolchain"
apt-get update -qq >&2
apt-get install -y -qq --no-install-recommends golang-go etcd-server golang-github-modern-go-reflect2-dev dpkg-dev openssl make rsync ca-certificates >&2

log "fetching the kubernetes $VERSION source package"
rm -rf "$WORK/src" && mkdir -p "$WORK/src"
( cd "$WORK/src" && apt_src source -qq --download-only kubernetes >&2 && dpkg-source --no-check -x ./*.dsc tree >&2 )

export GOPATH="$WORK/gopath"
K="$GOPATH/src/k8s.io/kubernetes"
rm -rf "$GOPATH" && mkdir -p "$(dirname "$K")"
mv "$WORK/src/tree" "$K"

# reflect2 1.0.1 (vendored) crashes kube-apiserver under Go >= 1.18 (mapiterinit); use Debian's 1.0.2.
rm -rf "$K/vendor/github.com/modern-go/reflect2"
cp -r /usr/share/gocode/src/github.com/modern-go/reflect2 "$K/vendor/github.com/modern-go/reflect2"

export GO111MODULE=off GOPROXY=off CGO_ENABLED=0 GOFLAGS=-mod=vendor
export GOCACHE="$WORK/gocache"
unset GOFLAGS
cd "$K"
log "generating the OpenAPI definitions (make gen_openapi)"
make gen_openapi >&2
mkdir -p "$OUT/bin"
# GOPATH mode needs the vendor/ prefix, or every binary reports v0.0.0-master (in /version and in the
# node's kubeletVersion, which the differential tests compare). -s -w drops a third of the size.
UPSTREAM="${VERSION%%-*}"; UPSTREAM="v${UPSTREAM##*really}"; UPSTREAM="${UPSTREAM#v*:}"
case "$UPSTREAM" in v[0-9]*) ;; *) UPSTREAM="v${UPSTREAM#v}";; esac
MINOR="${UPSTREAM#v*.}"; MINOR="${MINOR%%.*}"
VPKG=k8s.io/kubernetes/vendor/k8s.io/component-base/version
LDFLAGS="-s -w -X $VPKG.gitVersion=$UPSTREAM -X $VPKG.gitMajor=1 -X $VPKG.gitMinor=$MINOR -X $VPKG.gitTreeState=clean"
LDFLAGS+=" -X k8s.io/kubernetes/vendor/k8s.io/client-go/pkg/version.gitVersion=$UPSTREAM"
for cmd in "${COMMANDS[@]}"; do
  log "building $cmd ($UPSTREAM)"
  t0=$(date +%s)
  nice -n 10 go build -ldflags "$LDFLAGS" -o "$OUT/bin/$cmd.tmp" "./cmd/$cmd" >&2
  mv "$OUT/bin/$cmd.tmp" "$OUT/bin/$cmd"
  echo "$cmd $(( $(date +%s) - t0 ))" >> "$OUT/build-times.txt"
done
touch "$OUT/stamped"
END=$(date +%s)
echo "$((END - START))" > "$OUT/build-seconds.txt"
echo "$VERSION" > "$OUT/version.txt"
log "built in $((END - START)) s; removing the build tree"
rm -rf "$WORK/gopath" "$WORK/gocache" "$WORK/src"
echo "$OUT/bin"
