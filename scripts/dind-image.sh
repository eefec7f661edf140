#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# dind-image.sh — build the Docker-in-Docker test image localhost/gwtest/dind:latest WITHOUT a
# registry, for test/e2e/dind.
#
# 1. A Debian bookworm rootfs with docker.io is made by debootstrap (--variant=minbase) from the
#    Debian mirror named in the host's apt sources (/etc/apt/sources.list{,.d/*.list,.d/*.sources}).
#    This takes ~80–150 s, so the rootfs tarball is cached as
#    $GW_DIND_CACHE/rootfs-bookworm.tar (default /var/cache/ghostwire-dind) and reused later.
# 2. The tarball is imported into the host dockerd (docker import, CMD dockerd) unless the image
#    already exists with the label recording this very tarball's checksum.
#
# Idempotent; prints the image name on stdout. Needs root and a running host dockerd
# (scripts/engines-up.sh). Installs the debootstrap package if it is missing.
# Exit codes: 0 ok, 1 failure, 2 no Debian mirror reachable (the message says which one failed).
#
# Environment: GW_DIND_CACHE, GW_DIND_MIRROR (overrides the mirror found in the apt sources),
# DOCKER_HOST (default unix:///var/run/docker.sock).
set -euo pipefail

CACHE=${GW_DIND_CACHE:-/var/cache/ghostwire-dind}
IMAGE=localhost/gwtest/dind:latest
SUITE=bookworm
TARBALL=$CACHE/rootfs-$SUITE.tar
INCLUDE=docker.io,iptables,procps,iproute2,ca-certificates
export DOCKER_HOST=${DOCKER_HOST:-unix:///var/run/docker.sock}

say() { echo "dind-image: $*" >&2; }
fail() { say "ERROR: $*"; exit 1; }

[[ $(id -u) == 0 ]] || fail "must run as root"
mkdir -p "$CACHE"

# First http(s) mirror URI of the main Debian archive (not -security) in the apt sources.
find_mirror() {
    local f line
    for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
        [[ -r $f ]] || continue
        while read -r line; do
            # deb [opts] URI SUITE COMPONENTS
            [[ $line =~ ^deb[[:space:]]+(\[[^]]*\][[:space:]]+)?(https?://[^[:space:]]+)[[:space:]]+$SUITE[[:space:]] ]] &&
                { echo "${BASH_REMATCH[2]}"; return 0; }
        done < "$f"
    done
    for f in /etc/apt/sources.list.d/*.sources; do
        [[ -r $f ]] || continue
        # deb822 stanzas: URIs + Suites in the same paragraph
        awk -v suite="$SUITE" '
            /^[[:space:]]*$/ { if (uri != "" && ok) { print uri; exit } uri = ""; ok = 0; next }
            /^URIs:/ { for (i = 2; i <= NF; i++) if ($i ~ /^https?:\/\//) { uri = $i; break } }
            /^Suites:/ { for (i = 2; i <= NF; i++) if ($i == suite) ok = 1 }
            END { if (uri != "" && ok) print uri }
        ' "$f" | head -n 1 | grep . && return 0
    done
    return 1
}

build_rootfs() {
    [[ -s $TARBALL ]] && return 0
    if ! command -v debootstrap >/dev/null; then
        say "installing debootstrap"
        DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends debootstrap >/dev/null 2>&1 || {
            apt-get -o DPkg::Lock::Timeout=600 update -qq
            DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends debootstrap >/dev/null
        }
    fi
    local mirror=${GW_DIND_MIRROR:-}
    [[ -n $mirror ]] || mirror=$(find_mirror) || { say "no Debian $SUITE mirror in the apt sources"; exit 2; }
    curl -sf --max-time 20 -o /dev/null "$mirror/dists/$SUITE/Release" ||
        { say "Debian mirror $mirror not reachable ($mirror/dists/$SUITE/Release)"; exit 2; }
    local dir
    dir=$(mktemp -d "$CACHE/rootfs.XXXXXX")
    # shellcheck disable=SC2064
    trap "rm -rf '$dir' '$TARBALL.new'" EXIT
    say "debootstrap $SUITE from $mirror (this takes a few minutes)"
    local t=$SECONDS
    debootstrap --variant=minbase --include="$INCLUDE" "$SUITE" "$dir" "$mirror" >"$CACHE/debootstrap.log" 2>&1 ||
        { tail -n 20 "$CACHE/debootstrap.log" >&2; fail "debootstrap failed (log $CACHE/debootstrap.log)"; }
    # no package caches in the image
    rm -rf "$dir"/var/cache/apt/archives/*.deb "$dir"/var/lib/apt/lists/*
    tar --numeric-owner -C "$dir" -cf "$TARBALL.new" .
    mv "$TARBALL.new" "$TARBALL"
    rm -rf "$dir"
    trap - EXIT
    say "rootfs cached as $TARBALL after $((SECONDS - t)) s"
}

import_image() {
    local sum have
    [[ -s $TARBALL.sha256 && $TARBALL.sha256 -nt $TARBALL ]] || sha256sum < "$TARBALL" | cut -c1-64 > "$TARBALL.sha256"
    sum=$(<"$TARBALL.sha256")
    have=$(docker image inspect -f '{{index .Config.Labels "ghostwire.dind.rootfs"}}' "$IMAGE" 2>/dev/null || true)
    [[ $have == "$sum" ]] && return 0
    say "importing $IMAGE"
    docker import -c 'CMD ["dockerd"]' -c "LABEL ghostwire.dind.rootfs=$sum" "$TARBALL" "$IMAGE" >/dev/null
}

build_rootfs
import_image
echo "$IMAGE"
