#!/usr/bin/env bash
# A busybox root filesystem: Debian's busybox-static with a link for each applet, the usual top-level
# directories, /tmp world-writable, and root plus one unprivileged user.
#   busybox-rootfs.sh <dir> <user> <uid> <home>
set -euo pipefail
[ $# -eq 4 ] || { echo "usage: $0 <dir> <user> <uid> <home>" >&2; exit 2; }
R="$1" USER_NAME="$2" USER_ID="$3" USER_HOME="$4"
mkdir -p "$R/bin" "$R/etc" "$R/tmp" "$R/proc" "$R/sys" "$R/dev" "$R/root" "$R/var" "$R/usr/bin" "$R/usr/local/bin" "$R/sbin"
cp /bin/busybox "$R/bin/busybox"
for a in $("$R/bin/busybox" --list); do [ "$a" = busybox ] || ln -sf busybox "$R/bin/$a"; done
printf 'root:x:0:0:root:/root:/bin/sh\n%s:x:%s:%s:%s:%s:/bin/false\n' "$USER_NAME" "$USER_ID" "$USER_ID" "$USER_NAME" "$USER_HOME" > "$R/etc/passwd"
printf 'root:x:0:\n%s:x:%s:\n' "$USER_NAME" "$USER_ID" > "$R/etc/group"
chmod 1777 "$R/tmp"
