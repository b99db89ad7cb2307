#!/usr/bin/env bash
# What a real node needs besides the Kubernetes binaries (build.sh): containerd, runc and the CNI plugins
# from Debian, and the images the tests run, built locally (no registry). Idempotent; the images are
# cached outside the repo and rebuilt when this script or the image tool changes.
# Last line of output: the directory holding the image archives.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
CACHE="${KUBELOOP_CACHE:-$HOME/.cache/kubeloop}/real-node"
export DEBIAN_FRONTEND=noninteractive
log() { echo "[real-node] $*" >&2; }

PACKAGES=(containerd runc containernetworking-plugins busybox-static iptables iproute2 etcd-server openssl util-linux)
missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  log "installing ${missing[*]}"
  apt-get update -qq >&2
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
fi
for b in containerd containerd-shim-runc-v2 runc ctr /usr/lib/cni/bridge /usr/lib/cni/host-local /usr/lib/cni/loopback /bin/busybox; do
  command -v "$b" >/dev/null || { log "$b is missing after installing ${PACKAGES[*]}"; exit 1; }
done

# The cache key covers the scripts that make the images and the busybox they hold.
KEY="$(cat "$HERE/node.sh" "$HERE/oci-image.sh" "$HERE/busybox-rootfs.sh" /bin/busybox | sha256sum | cut -c1-16)"
IMAGES="$CACHE/images-$KEY"
if [ -f "$IMAGES/done" ]; then echo "$IMAGES"; exit 0; fi

log "building the test images"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
R="$WORK/busybox"
"$HERE/busybox-rootfs.sh" "$R" nobody 65534 /
mkdir -p "$IMAGES.tmp"
# Test workloads: busybox, with sh as the default command (as the public busybox image).
"$HERE/oci-image.sh" "$R" kubeloop.local/busybox:1.35 "$IMAGES.tmp/busybox.tar" sh
# The sandbox image: a pod sandbox's PID 1 only has to stay alive (k8s.gcr.io/pause:3.2 is 1.20's default name).
"$HERE/oci-image.sh" "$R" k8s.gcr.io/pause:3.2 "$IMAGES.tmp/pause.tar" /bin/sleep 2147483647
touch "$IMAGES.tmp/done"
rm -rf "$IMAGES" && mv "$IMAGES.tmp" "$IMAGES"
# Older builds (other keys) are never used again.
find "$CACHE" -maxdepth 1 -name 'images-*' ! -name "images-$KEY" -exec rm -rf {} +
log "images: $(ls "$IMAGES" | tr '\n' ' ')"
echo "$IMAGES"
