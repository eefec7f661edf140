#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# engines-up.sh — provision real container engines for Ghostwire's end-to-end engine tests.
#
# Installs (only what is missing) Debian's docker.io (+ its containerd and runc), podman with
# catatonit and the CNI plugins, docker-compose v1 and busybox-static; builds the test image
# localhost/gwtest/busybox:latest without any registry; sets net.ipv4.ip_forward=1 BEFORE dockerd
# starts (otherwise dockerd sets the FORWARD policy to DROP and breaks bridged test traffic);
# then starts, each in its own session (setsid) and each waited for until its API answers:
#   containerd  on /run/containerd/containerd.sock
#   dockerd     on /var/run/docker.sock, using that containerd (its containers: namespace "moby")
#   podman      "podman system service --time=0" on /run/podman/podman.sock
# Everything it starts or creates is recorded in $GW_ENGINES_STATE (default
# /tmp/ghostwire-engines): "<pid> <starttime>" per daemon, the original ip_forward value, the
# files it created, the leftovers it may remove later. scripts/engines-down.sh undoes exactly that.
# Idempotent: running engines that this script started are left alone; an engine API that
# answers but was not started by this script makes it fail (it never takes over foreign daemons).
#
# Environment: GW_ENGINES_STATE, GW_ENGINES (default "containerd docker podman"),
# GW_ENGINES_WAIT_S (API wait timeout per engine, default 60), GW_DIND=1 (also build the
# Docker-in-Docker test image with scripts/dind-image.sh; the e2e DinD suite builds it on demand
# otherwise; image and rootfs cache are kept, like the other images).
set -euo pipefail

STATE=${GW_ENGINES_STATE:-/tmp/ghostwire-engines}
ENGINES=${GW_ENGINES:-"containerd docker podman"}
WAIT_S=${GW_ENGINES_WAIT_S:-60}
IMAGE=localhost/gwtest/busybox:latest
CONTAINERD_SOCK=/run/containerd/containerd.sock
DOCKER_SOCK=/var/run/docker.sock
PODMAN_SOCK=/run/podman/podman.sock
PODMAN_DROPIN=/etc/containers/containers.conf.d/60-ghostwire-engines.conf
PACKAGES="docker.io containerd runc docker-compose podman catatonit containernetworking-plugins busybox-static iptables curl"

say() { echo "engines-up: $*" >&2; }
fail() { say "ERROR: $*"; exit 1; }
enabled() { [[ " $ENGINES " == *" $1 "* ]]; }

[[ $(id -u) == 0 ]] || fail "must run as root"
mkdir -p "$STATE"
touch "$STATE/created"

# --- bookkeeping -------------------------------------------------------------------------------
# starttime (proc(5) stat field 22) of PID; empty when PID does not exist.
starttime_of() {
    local stat
    stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 0
    stat=${stat##*) }                 # drop "pid (comm) ", comm may contain spaces/parens
    # shellcheck disable=SC2086
    set -- $stat
    echo "${20}"                      # field 22 overall = 20th after comm
}
# true when the daemon NAME recorded in the state dir is still that very process
recorded_alive() {
    local pid st
    [[ -s $STATE/$1.pid ]] || return 1
    read -r pid st < "$STATE/$1.pid"
    [[ -n $pid && $(starttime_of "$pid") == "$st" ]]
}
remember() { grep -qxF -- "$1" "$STATE/created" || echo "$1" >> "$STATE/created"; }

# --- packages ----------------------------------------------------------------------------------
install_packages() {
    local missing=() p
    for p in $PACKAGES; do
        dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null | grep -qx installed || missing+=("$p")
    done
    ((${#missing[@]} == 0)) && return 0
    say "installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get -o DPkg::Lock::Timeout=600 update -qq
    apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "${missing[@]}" >"$STATE/apt.log" 2>&1 ||
        { tail -n 20 "$STATE/apt.log" >&2; fail "apt-get install failed"; }
}

# --- host preparation --------------------------------------------------------------------------
prepare_host() {
    # ip_forward must be 1 before dockerd starts (see header); remember the original once.
    [[ -f $STATE/ip_forward.orig ]] || cat /proc/sys/net/ipv4/ip_forward > "$STATE/ip_forward.orig"
    echo 1 > /proc/sys/net/ipv4/ip_forward
    # Leftovers engines create on the host; down removes each only if it did not exist before up.
    [[ -f $STATE/preexisting ]] || {
        local l
        for l in docker0 cni-podman0; do ip link show "$l" >/dev/null 2>&1 && echo "link $l"; done
        iptables -t nat -S DOCKER >/dev/null 2>&1 && echo "chain DOCKER"
        [[ -e /run/docker/netns/default ]] && echo "mount /run/docker/netns/default"
        true
    } > "$STATE/preexisting"
    # podman as root asks runc for nofile/nproc limits this machine cannot grant (no
    # CAP_SYS_RESOURCE in the bounding set): cap them at what the shell may have.
    if enabled podman; then
        local nofile nproc
        nofile=$(ulimit -Hn); [[ $nofile == unlimited || $nofile -gt 1048576 ]] && nofile=1048576
        nproc=$(ulimit -Hu); [[ $nproc == unlimited || $nproc -gt 32768 ]] && nproc=32768
        if [[ ! -e $PODMAN_DROPIN ]]; then
            mkdir -p "$(dirname "$PODMAN_DROPIN")"
            printf '# written by ghostwire scripts/engines-up.sh; removed by engines-down.sh\n[containers]\ndefault_ulimits = ["nofile=%s:%s", "nproc=%s:%s"]\n' \
                "$nofile" "$nofile" "$nproc" "$nproc" > "$PODMAN_DROPIN"
            remember "file $PODMAN_DROPIN"
        fi
    fi
}

# --- test image without a registry -------------------------------------------------------------
# One tar that is both an OCI image layout (index.json, blobs/) and a "docker save" archive
# (manifest.json), so docker load, podman load and ctr image import all take the same file.
build_image_tar() {
    local tar=$STATE/gwtest-busybox.tar
    [[ -s $tar && -s $STATE/gwtest-busybox.id ]] && return 0
    local dir root blobs layer cfg man idx sz
    dir=$(mktemp -d "$STATE/img.XXXXXX")
    root=$dir/rootfs blobs=$dir/oci/blobs/sha256
    mkdir -p "$root"/{bin,etc,proc,sys,dev,tmp,root,run,var/www} "$blobs"
    cp /bin/busybox "$root/bin/busybox"
    local applet
    for applet in $("$root/bin/busybox" --list); do
        [[ -e $root/bin/$applet ]] || ln -s busybox "$root/bin/$applet"
    done
    printf 'root:x:0:0:root:/root:/bin/sh\n' > "$root/etc/passwd"
    printf 'root:x:0:\n' > "$root/etc/group"
    printf 'ghostwire test page\n' > "$root/var/www/index.html"
    local tflags=(--sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner)
    tar "${tflags[@]}" -C "$root" -cf "$dir/layer.tar" .
    layer=$(sha256sum < "$dir/layer.tar" | cut -c1-64); sz=$(stat -c %s "$dir/layer.tar")
    mv "$dir/layer.tar" "$blobs/$layer"
    printf '{"architecture":"%s","os":"linux","config":{"Env":["PATH=/bin"],"Cmd":["/bin/sh"],"Labels":{"ghostwire.test":"1"}},"rootfs":{"type":"layers","diff_ids":["sha256:%s"]}}' \
        "$(dpkg --print-architecture)" "$layer" > "$dir/cfg"
    cfg=$(sha256sum < "$dir/cfg" | cut -c1-64)
    local cfgsz; cfgsz=$(stat -c %s "$dir/cfg"); mv "$dir/cfg" "$blobs/$cfg"
    printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:%s","size":%s},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar","digest":"sha256:%s","size":%s}]}' \
        "$cfg" "$cfgsz" "$layer" "$sz" > "$dir/man"
    man=$(sha256sum < "$dir/man" | cut -c1-64)
    local mansz; mansz=$(stat -c %s "$dir/man"); mv "$dir/man" "$blobs/$man"
    idx='{"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:'$man'","size":'$mansz',"annotations":{"io.containerd.image.name":"'$IMAGE'","org.opencontainers.image.ref.name":"latest"}}]}'
    printf '%s' "$idx" > "$dir/oci/index.json"
    printf '{"imageLayoutVersion":"1.0.0"}' > "$dir/oci/oci-layout"
    printf '[{"Config":"blobs/sha256/%s","RepoTags":["%s"],"Layers":["blobs/sha256/%s"]}]' "$cfg" "$IMAGE" "$layer" > "$dir/oci/manifest.json"
    tar "${tflags[@]}" -C "$dir/oci" -cf "$tar.new" oci-layout index.json manifest.json blobs
    mv "$tar.new" "$tar"
    echo "sha256:$cfg" > "$STATE/gwtest-busybox.id"
    rm -rf "$dir"
    say "built $tar (image id sha256:${cfg:0:12})"
}

# --- daemons -----------------------------------------------------------------------------------
# start NAME CMD...: run CMD in a new session, detached, logging to $STATE/NAME.log; record pid.
start() {
    local name=$1 pidfile=$STATE/$1.pid.new pid
    shift
    rm -f "$pidfile"
    # bash writes its own PID and then execs the daemon, so the PID is the daemon's
    setsid bash -c 'echo $$ > "$0"; exec "$@"' "$pidfile" "$@" >>"$STATE/$name.log" 2>&1 </dev/null &
    for _ in $(seq 100); do [[ -s $pidfile ]] && break; sleep 0.05; done
    [[ -s $pidfile ]] || fail "$name did not start"
    pid=$(<"$pidfile"); rm -f "$pidfile"
    echo "$pid $(starttime_of "$pid")" > "$STATE/$name.pid"
    say "$name started: pid $pid (log $STATE/$name.log)"
}
# await NAME CHECK...: poll CHECK until it succeeds; fail when NAME dies or WAIT_S passes.
await() {
    local name=$1 t=$SECONDS
    shift
    until "$@" >/dev/null 2>&1; do
        recorded_alive "$name" || { tail -n 20 "$STATE/$name.log" >&2; fail "$name exited before its API answered"; }
        ((SECONDS - t < WAIT_S)) || { tail -n 20 "$STATE/$name.log" >&2; fail "$name API did not answer within ${WAIT_S}s"; }
        sleep 0.1
    done
    say "$name API answers"
}
ping_http() { curl -sf --max-time 2 --unix-socket "$1" http://engine/_ping | grep -qx OK; }
ping_containerd() { [[ -S $CONTAINERD_SOCK ]] && ctr --address "$CONTAINERD_SOCK" --connect-timeout 2s version; }

up_containerd() {
    recorded_alive containerd && { say "containerd already running"; return 0; }
    ping_containerd >/dev/null 2>&1 && fail "a containerd not started by this script answers on $CONTAINERD_SOCK"
    start containerd containerd --address "$CONTAINERD_SOCK"
    await containerd ping_containerd
}
up_docker() {
    recorded_alive docker && { say "dockerd already running"; return 0; }
    ping_http "$DOCKER_SOCK" && fail "a dockerd not started by this script answers on $DOCKER_SOCK"
    local args=(-H "unix://$DOCKER_SOCK" --pidfile /var/run/docker.pid --storage-driver overlay2)
    enabled containerd && args+=(--containerd="$CONTAINERD_SOCK")
    start docker dockerd "${args[@]}"
    await docker ping_http "$DOCKER_SOCK"
}
up_podman() {
    recorded_alive podman && { say "podman service already running"; return 0; }
    ping_http "$PODMAN_SOCK" && fail "a podman service not started by this script answers on $PODMAN_SOCK"
    mkdir -p "$(dirname "$PODMAN_SOCK")"
    rm -f "$PODMAN_SOCK"
    start podman podman system service --time=0 "unix://$PODMAN_SOCK"
    await podman ping_http "$PODMAN_SOCK"
}

# --- images ------------------------------------------------------------------------------------
load_images() {
    local tar=$STATE/gwtest-busybox.tar id
    id=$(<"$STATE/gwtest-busybox.id")
    if enabled docker && [[ $(docker -H "unix://$DOCKER_SOCK" image inspect -f '{{.Id}}' "$IMAGE" 2>/dev/null) != "$id" ]]; then
        docker -H "unix://$DOCKER_SOCK" load -q -i "$tar" >/dev/null && say "docker: loaded $IMAGE"
    fi
    if enabled podman && [[ sha256:$(podman image inspect -f '{{.Id}}' "$IMAGE" 2>/dev/null) != "$id" ]]; then
        podman load -q -i "$tar" >/dev/null && say "podman: loaded $IMAGE"
    fi
    if enabled containerd && ! ctr --address "$CONTAINERD_SOCK" -n default images ls -q | grep -qxF "$IMAGE"; then
        ctr --address "$CONTAINERD_SOCK" -n default images import "$tar" >/dev/null && say "containerd: imported $IMAGE (namespace default)"
    fi
}

install_packages
prepare_host
build_image_tar
enabled containerd && up_containerd
enabled docker && up_docker
enabled podman && up_podman
load_images
if [[ ${GW_DIND:-0} == 1 ]] && enabled docker; then
    "$(dirname "$0")/dind-image.sh" >/dev/null || fail "scripts/dind-image.sh failed"
    say "docker: DinD image localhost/gwtest/dind:latest ready"
fi
say "ready; state in $STATE"
for n in containerd docker podman; do
    recorded_alive "$n" && echo "$n $(cut -d' ' -f1 "$STATE/$n.pid")"
done
exit 0
