#!/usr/bin/env bash
# Writes a one-layer OCI image-layout archive that `ctr images import` loads, from a root filesystem
# directory, with no registry and no image builder: the layer is a reproducible tar (sorted, owner 0,
# mtime 0), the config, manifest and index are written here and addressed by their sha256.
#   oci-image.sh <rootfs-dir> <image-ref> <out.tar> [--env K=V]... [--workdir DIR] [--entrypoint] [--] [cmd...]
# With --entrypoint the command becomes the image's Entrypoint (a pod's `args` then add to it) instead of its Cmd.
set -euo pipefail
[ $# -ge 3 ] || { echo "usage: $0 <rootfs-dir> <image-ref> <out.tar> [--env K=V]... [--workdir DIR] [cmd...]" >&2; exit 2; }
ROOTFS="$1" REF="$2" OUT="$3"; shift 3
ENV='"PATH=/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin"' WORKDIR=/ AS_ENTRYPOINT=0
while [ $# -gt 0 ]; do
  case "$1" in
    --env) ENV+=",\"$2\""; shift 2 ;;
    --workdir) WORKDIR="$2"; shift 2 ;;
    --entrypoint) AS_ENTRYPOINT=1; shift ;;
    --) shift; break ;;
    *) break ;;
  esac
done
[ -d "$ROOTFS" ] || { echo "oci-image: $ROOTFS is not a directory" >&2; exit 1; }
json_array() { local out="" a; for a in "$@"; do out+="${out:+,}\"${a//\"/\\\"}\""; done; echo "[$out]"; }
if [ "$AS_ENTRYPOINT" = 1 ]; then PROCESS="\"Entrypoint\":$(json_array "$@")"; else PROCESS="\"Cmd\":$(json_array "${@:-sh}")"; fi

STAGE="$(mktemp -d)"
trap 'rm -rf "$STAGE"' EXIT
mkdir -p "$STAGE/blobs/sha256"
blob() {  # blob <file>: moves the file into blobs/ under its digest; prints "<hex> <size>"
  local hex size
  hex="$(sha256sum "$1" | cut -d' ' -f1)"; size="$(stat -c %s "$1")"
  mv "$1" "$STAGE/blobs/sha256/$hex"
  echo "$hex $size"
}

tar --sort=name --owner=0 --group=0 --numeric-owner --mtime=@0 --format=pax --pax-option=delete=atime,delete=ctime \
  -C "$ROOTFS" -cf "$STAGE/layer.tar" .
DIFF_ID="$(sha256sum "$STAGE/layer.tar" | cut -d' ' -f1)"
gzip -n -1 "$STAGE/layer.tar"
read -r LAYER LAYER_SIZE < <(blob "$STAGE/layer.tar.gz")

printf '{"architecture":"amd64","os":"linux","config":{"Env":[%s],%s,"WorkingDir":"%s"},"rootfs":{"type":"layers","diff_ids":["sha256:%s"]},"history":[{"created_by":"kubeloop scripts/real-cluster/oci-image.sh"}]}' \
  "$ENV" "$PROCESS" "$WORKDIR" "$DIFF_ID" > "$STAGE/config.json"
read -r CONFIG CONFIG_SIZE < <(blob "$STAGE/config.json")

printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:%s","size":%s},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":"sha256:%s","size":%s}]}' \
  "$CONFIG" "$CONFIG_SIZE" "$LAYER" "$LAYER_SIZE" > "$STAGE/manifest.json"
read -r MANIFEST MANIFEST_SIZE < <(blob "$STAGE/manifest.json")

printf '{"imageLayoutVersion":"1.0.0"}' > "$STAGE/oci-layout"
# io.containerd.image.name is the name `ctr images import` gives the image.
printf '{"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:%s","size":%s,"platform":{"architecture":"amd64","os":"linux"},"annotations":{"org.opencontainers.image.ref.name":"%s","io.containerd.image.name":"%s"}}]}' \
  "$MANIFEST" "$MANIFEST_SIZE" "$REF" "$REF" > "$STAGE/index.json"
tar --owner=0 --group=0 --numeric-owner -C "$STAGE" -cf "$OUT.tmp" oci-layout index.json blobs
mv "$OUT.tmp" "$OUT"
