#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# Builds Ghostwire's runtime container image from a locally built single executable, on a
# machine without any image registry (docs/deploy.md#container-image):
#
#   scripts/image.sh [--exe dist/ghostwire] [--tag ghostwire:latest] [--rootfs-only DIR]
#
# 1. a root file system with only: /ghostwire (file capabilities = deploy/capabilities, +ep),
#    the shared libraries `ldd` lists for it and the dynamic loader, /etc/passwd and
#    /etc/group (root and nobody 65534), /etc/services (port service names), an empty /tmp
#    (1777, where the embedded addon is placed) — no shell, no package manager;
# 2. `docker build` (classic builder, DOCKER_BUILDKIT=0) of the Dockerfile's runtime stage,
#    taken verbatim from ./Dockerfile with its one `COPY --from=build /rootfs/ /` replaced by
#    `ADD rootfs.tar /` (a tar keeps the file capabilities, which the CLI's build context
#    drops): the same runtime image the multi-stage build makes.
#
# --rootfs-only DIR writes step 1 into DIR and stops (the Dockerfile's build stage uses it).
# Prints the image ID and size. Needs root (setcap) or CAP_SETFCAP.
set -euo pipefail
cd "$(dirname "$0")/.."
EXE=dist/ghostwire
TAG=ghostwire:latest
ROOTFS_ONLY=
while (($#)); do
  case $1 in
    --exe) EXE=$2; shift 2 ;;
    --tag) TAG=$2; shift 2 ;;
    --rootfs-only) ROOTFS_ONLY=$2; shift 2 ;;
    *) echo "image.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
[[ -x $EXE ]] || { echo "image.sh: $EXE missing: run npm run package first" >&2; exit 1; }

caps=$(grep -v '^#' deploy/capabilities | tr 'A-Z' 'a-z' | paste -sd, -)

make_rootfs() { # make_rootfs <dir>
  local root=$1 lib
  mkdir -p "$root/etc" "$root/tmp"
  chmod 1777 "$root/tmp"
  install -m 0755 "$EXE" "$root/ghostwire"
  setcap "$caps+ep" "$root/ghostwire"
  for lib in $(ldd "$EXE" | grep -o '/[^ ]*'); do
    mkdir -p "$root$(dirname "$lib")"
    cp -L "$lib" "$root$lib"
  done
  printf 'root:x:0:0:root:/:/nonexistent\nnobody:x:65534:65534:nobody:/nonexistent:/nonexistent\n' >"$root/etc/passwd"
  printf 'root:x:0:\nnogroup:x:65534:\n' >"$root/etc/group"
  if [[ -f /etc/services ]]; then cp /etc/services "$root/etc/services"; fi
}

if [[ -n $ROOTFS_ONLY ]]; then
  make_rootfs "$ROOTFS_ONLY"
  exit 0
fi

ctx=$(mktemp -d /tmp/ghostwire-image-XXXXXX)
trap 'rm -rf "$ctx"' EXIT
make_rootfs "$ctx/rootfs"
# The docker CLI's build context drops xattrs (the file capabilities); a tar inside the context
# keeps them: ADD unpacks it in the daemon, as COPY --from does in the multi-stage build.
tar --xattrs --xattrs-include='security.capability' --numeric-owner --owner=0 --group=0 \
  -C "$ctx/rootfs" -cf "$ctx/rootfs.tar" .
rm -rf "$ctx/rootfs"
# the runtime stage of ./Dockerfile, from its FROM line to the end
sed -n '/^FROM scratch AS runtime/,$p' Dockerfile |
  sed 's|^COPY --from=build /rootfs/ /$|ADD rootfs.tar /|' >"$ctx/Dockerfile"
grep -q '^ADD rootfs.tar /$' "$ctx/Dockerfile" || { echo "image.sh: runtime stage of Dockerfile not found" >&2; exit 1; }
version=$("$EXE" --version | sed -n 's/^ghostwire \([^ ]*\) (commit \([^)]*\))$/\1 \2/p')
# the classic builder warns that it is deprecated: show its output only when it fails
if ! DOCKER_BUILDKIT=0 docker build -q -t "$TAG" \
  --label "org.opencontainers.image.version=${version%% *}" \
  --label "org.opencontainers.image.revision=${version#* }" \
  "$ctx" >"$ctx/build.log" 2>&1; then
  cat "$ctx/build.log" >&2
  exit 1
fi
docker image inspect "$TAG" --format "image.sh: $TAG {{.Id}} {{.Size}} bytes"
