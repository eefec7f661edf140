// SPDX-License-Identifier: MIT
/**
 * @module scripts/bench/plan
 *
 * Pure planning of the benchmark's synthetic host: which network namespaces, links,
 * addresses, routes, rules and processes to create for N namespaces, as `ip -batch` command
 * lines grouped by the namespace they run in. No I/O here (see build.mjs).
 *
 * Topology for N namespaces (all names start with the run prefix `gwt-bench-<rand>`):
 * - one hub netns `<prefix>-hub` with B = ceil(N / 100) bridges `br<k>` (+ 10.<64+k>.0.1/16,
 *   fd00:<k>::1/64) — the hub is counted in N;
 * - "leaf" netns `<prefix>-<i>`, each with `eth0`, the peer of `v<i>` on bridge `br<i mod B>`,
 *   an IPv4 and an IPv6 address, a default route v4+v6, one extra route, a route in table 100
 *   and a policy rule for it;
 * - every 10th leaf also gets a macvlan `mv0` whose lower device is a hub bridge (created in
 *   the hub, moved into the leaf: a cross-netns macvlan);
 * - every 10th leaf (offset 5) gets a vxlan `vx0` over its `eth0`, and the hub one vxlan
 *   `vxh<i>` over the bridge that is moved into the leaf (cross-netns vxlan underlay);
 * - every 20th leaf (offset 7) heads a nested chain: two more netns created from inside the
 *   leaf (`ip -n leaf netns add`), linked leaf → c1 → c2 by veth pairs created in the upper
 *   netns and moved down; they count towards N;
 * - some leaves get a process (`ip netns exec … sleep`), and a few process-only netns
 *   (`unshare --net sleep`, no bind mount) get a veth from the hub moved in by PID.
 * The kernel this was written on lacks vlan, dummy, ipvlan and bond, so the plan uses only
 * veth, bridge, macvlan and vxlan.
 */

/** Plans a host of about `n` netns (hub + leaves + chain members; process-only netns extra). */
export function planHost(n, prefix) {
  if (!Number.isInteger(n) || n < 2) throw new Error(`N must be an integer >= 2, got ${n}`);
  const hub = `${prefix}-hub`;
  const bridges = Math.max(1, Math.ceil(n / 100));
  const netns = [hub];
  const hubCmds = [];
  const nsCmds = new Map(); // netns name -> ip -batch lines run inside it
  const addNs = (name) => {
    netns.push(name);
    nsCmds.set(name, ['link set lo up']);
  };
  const cmds = (name) => nsCmds.get(name);
  nsCmds.set(hub, ['link set lo up']);
  for (let k = 0; k < bridges; k++) {
    hubCmds.push(`link add br${k} type bridge`);
    cmds(hub).push(
      `link set br${k} up`,
      `addr add 10.${64 + k}.0.1/16 dev br${k}`,
      `addr add fd00:${k}::1/64 dev br${k} nodad`,
    );
  }
  const chainHeads = [];
  let budget = n - 1; // netns still to create after the hub
  let i = 0;
  const sleepers = [];
  while (budget > 0) {
    const leaf = `${prefix}-${i}`;
    addNs(leaf);
    budget--;
    const k = i % bridges;
    const h = i + 2;
    const v4 = `10.${64 + k}.${h >> 8}.${h & 255}`;
    hubCmds.push(`link add v${i} type veth peer name eth0 netns ${leaf}`);
    cmds(hub).push(`link set v${i} master br${k}`, `link set v${i} up`);
    cmds(leaf).push(
      'link set eth0 up',
      `addr add ${v4}/16 dev eth0`,
      `addr add fd00:${k}::${h.toString(16)}/64 dev eth0 nodad`,
      `route add default via 10.${64 + k}.0.1`,
      `route add 192.168.${i % 256}.0/24 via 10.${64 + k}.0.1 metric 50`,
      `route add 172.16.${i % 256}.0/24 via 10.${64 + k}.0.1 table 100`,
      `rule add from ${v4} table 100 priority 1000`,
      `route add ::/0 via fd00:${k}::1 metric 1024`,
    );
    if (i % 10 === 0) {
      hubCmds.push(
        `link add mvh${i} link br${k} type macvlan mode bridge`,
        `link set mvh${i} netns ${leaf}`,
      );
      cmds(leaf).push(`link set mvh${i} name mv0`, 'link set mv0 up');
    }
    if (i % 10 === 5) {
      cmds(leaf).push(
        `link add vx0 type vxlan id ${1000 + i} local ${v4} dev eth0 dstport 4789`,
        'link set vx0 up',
      );
      hubCmds.push(
        `link add vxh${i} type vxlan id ${5000 + i} local 10.${64 + k}.0.1 dev br${k} dstport 4790`,
        `link set vxh${i} netns ${leaf}`,
      );
    }
    if (i % 20 === 7 && budget >= 2) {
      const c1 = `${leaf}-c1`;
      const c2 = `${leaf}-c2`;
      chainHeads.push({ head: leaf, members: [c1, c2] });
      netns.push(c1, c2);
      budget -= 2;
    }
    if (i % 25 === 3) sleepers.push(leaf);
    i++;
  }
  const processOnly = Math.min(3, Math.max(1, Math.floor(n / 100)));
  return { hub, bridges, netns, hubCmds, nsCmds, chainHeads, sleepers, processOnly };
}

/**
 * Batch lines for one nested chain. `inHead` runs (via nsenter, so only the netns changes) in
 * the head netns: it creates c1 from inside the head, then a veth pair whose one end is moved
 * into c1. `inC1` does the same one level down. Addresses/routes follow in `inC1Post`/`inC2`
 * after both levels exist.
 */
export function chainCommands(chain) {
  const [c1, c2] = chain.members;
  return {
    inHead: [
      `netns add ${c1}`,
      'link add ch1 type veth peer name up0',
      `link set up0 netns ${c1}`,
      'link set ch1 up',
      'addr add 10.250.1.1/30 dev ch1',
    ],
    inC1: [
      `netns add ${c2}`,
      'link set lo up',
      'link set up0 up',
      'addr add 10.250.1.2/30 dev up0',
      'link add ch2 type veth peer name dn0',
      `link set dn0 netns ${c2}`,
      'link set ch2 up',
      'addr add 10.250.2.1/30 dev ch2',
      'route add default via 10.250.1.1',
    ],
    inC2: [
      'link set lo up',
      'link set dn0 up',
      'addr add 10.250.2.2/30 dev dn0',
      'route add default via 10.250.2.1',
    ],
  };
}

/** Median of numbers. */
export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m] : (s[m - 1] + s[m]) / 2;
}
