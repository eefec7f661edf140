#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# engines-down.sh — undo scripts/engines-up.sh, and only that.
#
# 1. Force-removes left-over test objects named gwt-* (containers, pods, networks, containerd
#    containers and tasks) in the engines that engines-up.sh started — tests remove their own
#    objects; this is the safety net after an aborted run. Nothing else is touched.
# 2. Stops the daemons recorded in $GW_ENGINES_STATE (podman, dockerd, containerd): SIGTERM to
#    the recorded PID, SIGKILL to that same PID after 30 s. A PID is signalled only while its
#    start time still matches the recorded one (no recycled PIDs, never by name).
# 3. Restores net.ipv4.ip_forward, removes the files engines-up.sh created and, if no other
#    docker/podman engine is running, the host leftovers the engines created while up (docker0,
#    cni-podman0, DOCKER*/CNI-* iptables chains and the rules jumping to them,
#    /run/docker/netns/default) — each only if it did not exist before engines-up.sh ran.
# Safe to run repeatedly and when nothing runs. Exits non-zero if a recorded daemon survives.
set -uo pipefail

STATE=${GW_ENGINES_STATE:-/tmp/ghostwire-engines}
CONTAINERD_SOCK=/run/containerd/containerd.sock
DOCKER_SOCK=/var/run/docker.sock
PODMAN_SOCK=/run/podman/podman.sock

say() { echo "engines-down: $*" >&2; }
[[ $(id -u) == 0 ]] || { say "ERROR: must run as root"; exit 1; }
[[ -d $STATE ]] || { say "nothing to do (no $STATE)"; exit 0; }

starttime_of() {
    local stat
    stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 0
    stat=${stat##*) }
    # shellcheck disable=SC2086
    set -- $stat
    echo "${20}"
}
recorded_alive() {
    local pid st
    [[ -s $STATE/$1.pid ]] || return 1
    read -r pid st < "$STATE/$1.pid"
    [[ -n $pid && $(starttime_of "$pid") == "$st" ]]
}

# --- 1. test leftovers -------------------------------------------------------------------------
if recorded_alive docker; then
    d() { docker -H "unix://$DOCKER_SOCK" "$@"; }
    ids=$(d ps -aq --filter 'name=^gwt-' 2>/dev/null)
    [[ -n $ids ]] && d rm -f $ids >/dev/null 2>&1 && say "docker: removed gwt-* containers"
    # compose v1 names containers <project>_<service>_<n>: tests use gwt-* projects
    ids=$(d ps -aq --filter 'label=com.docker.compose.project' --format '{{.ID}} {{.Label "com.docker.compose.project"}}' 2>/dev/null | awk '$2 ~ /^gwt/ {print $1}')
    [[ -n $ids ]] && d rm -f $ids >/dev/null 2>&1
    nets=$(d network ls -q --filter 'name=^gwt' 2>/dev/null)
    [[ -n $nets ]] && d network rm $nets >/dev/null 2>&1 && say "docker: removed gwt* networks"
fi
if recorded_alive podman; then
    pods=$(podman pod ps -q --filter 'name=^gwt-' 2>/dev/null)
    [[ -n $pods ]] && podman pod rm -f $pods >/dev/null 2>&1 && say "podman: removed gwt-* pods"
    ids=$(podman ps -aq --filter 'name=^gwt-' 2>/dev/null)
    [[ -n $ids ]] && podman rm -f $ids >/dev/null 2>&1 && say "podman: removed gwt-* containers"
    nets=$(podman network ls -q --filter 'name=^gwt-' 2>/dev/null)
    [[ -n $nets ]] && podman network rm -f $nets >/dev/null 2>&1 && say "podman: removed gwt-* networks"
fi
if recorded_alive containerd; then
    c() { ctr --address "$CONTAINERD_SOCK" --connect-timeout 2s "$@"; }
    for ns in $(c namespaces ls -q 2>/dev/null); do
        [[ $ns == moby ]] && continue   # docker's own; its gwt-* containers went above
        for id in $(c -n "$ns" containers ls -q 2>/dev/null | grep '^gwt-'); do
            c -n "$ns" tasks kill -s KILL "$id" >/dev/null 2>&1
            for _ in $(seq 50); do c -n "$ns" tasks delete "$id" >/dev/null 2>&1 && break; sleep 0.1; done
            c -n "$ns" containers delete "$id" >/dev/null 2>&1 && say "containerd: removed $ns/$id"
        done
    done
fi

# --- 2. daemons --------------------------------------------------------------------------------
stop() {
    local name=$1 pid st
    recorded_alive "$name" || { rm -f "$STATE/$name.pid"; return 0; }
    read -r pid st < "$STATE/$name.pid"
    kill -TERM "$pid" 2>/dev/null
    for _ in $(seq 300); do
        [[ $(starttime_of "$pid") == "$st" ]] || break
        sleep 0.1
    done
    if [[ $(starttime_of "$pid") == "$st" ]]; then
        say "$name (pid $pid) ignored SIGTERM for 30 s: SIGKILL"
        kill -KILL "$pid" 2>/dev/null
        sleep 0.5
    fi
    if [[ $(starttime_of "$pid") == "$st" ]]; then say "ERROR: $name (pid $pid) still alive"; return 1; fi
    rm -f "$STATE/$name.pid"
    say "$name (pid $pid) stopped"
}
rc=0
stop podman || rc=1
stop docker || rc=1
stop containerd || rc=1

# --- 3. host state -----------------------------------------------------------------------------
if [[ -f $STATE/ip_forward.orig ]]; then
    cat "$STATE/ip_forward.orig" > /proc/sys/net/ipv4/ip_forward && rm -f "$STATE/ip_forward.orig"
fi
if [[ -f $STATE/created ]]; then
    while read -r kind path; do
        [[ $kind == file ]] && rm -f -- "$path"
    done < "$STATE/created"
    rm -f "$STATE/created"
fi

# any other engine still using the leftovers? (judged by executable, not by name)
other_engine() {
    local exe
    for exe in /proc/[0-9]*/exe; do
        case $(readlink "$exe" 2>/dev/null) in
            */dockerd | */podman) [[ $(readlink /proc/self/ns/net) == $(readlink "${exe%/exe}/ns/net" 2>/dev/null) ]] && return 0 ;;
        esac
    done
    return 1
}
preexisting() { grep -qxF -- "$1" "$STATE/preexisting" 2>/dev/null; }
if [[ -f $STATE/preexisting ]] && ! other_engine; then
    for l in docker0 cni-podman0; do
        preexisting "link $l" || { ip link show "$l" >/dev/null 2>&1 && ip link delete "$l" && say "removed $l"; }
    done
    if ! preexisting "chain DOCKER"; then
        for t in filter nat; do
            # delete rules that jump to or mention the engines' chains/bridges, then the chains
            iptables-save -t "$t" 2>/dev/null | grep '^-A ' | grep -E -- '-j (DOCKER|CNI-)|docker0|cni-podman0' |
                grep -vE '^-A (DOCKER|CNI-)' | while read -r _ rule; do
                    eval "iptables -t $t -D $rule" 2>/dev/null
                done
            for ch in $(iptables-save -t "$t" 2>/dev/null | awk '/^:(DOCKER|CNI-)/ {print substr($1, 2)}'); do
                iptables -t "$t" -F "$ch" 2>/dev/null
            done
            for ch in $(iptables-save -t "$t" 2>/dev/null | awk '/^:(DOCKER|CNI-)/ {print substr($1, 2)}'); do
                iptables -t "$t" -X "$ch" 2>/dev/null
            done
        done
        say "removed DOCKER*/CNI-* iptables chains"
    fi
    preexisting "mount /run/docker/netns/default" || { mountpoint -q /run/docker/netns/default 2>/dev/null && umount /run/docker/netns/default; }
    rm -f "$STATE/preexisting"
fi
exit $rc
