// SPDX-License-Identifier: MIT
/**
 * NetlinkSocket and transactBatch against the live kernel through the built addon, in the
 * current network namespace (no root needed: dumps are unprivileged). Read-only.
 */
import { describe, expect, it } from 'vitest';
import { isNativeAvailable } from '../native/index.js';
import { AF_INET } from './core/constants.js';
import * as RT from './rtnetlink/constants.js';
import {
  addrDumpRequest,
  linkDumpRequest,
  nsidDumpRequest,
  routeDumpRequest,
  ruleDumpRequest,
} from './rtnetlink/requests.js';
import { NetlinkSocket, transactBatch } from './socket.js';

const native = isNativeAvailable();

describe.skipIf(!native)('netlink over the native addon (current netns)', () => {
  it('dumps links, addresses, routes of all tables, rules and NSIDs', async () => {
    const s = NetlinkSocket.open(null);
    try {
      const links = await s.dump(linkDumpRequest());
      const lo = links.find((l) => l.name === 'lo');
      expect(lo).toMatchObject({ index: 1, type: 772 });
      const addrs = await s.dump(addrDumpRequest());
      expect(addrs.some((a) => a.local === '127.0.0.1' && a.index === 1)).toBe(true);
      const routes = await s.dump(routeDumpRequest({ family: AF_INET }));
      const tables = new Set(routes.map((r) => r.table));
      expect(tables.has(RT.RT_TABLE_LOCAL)).toBe(true); // all tables without RTA_TABLE
      const local = await s.dump(routeDumpRequest({ family: AF_INET, table: RT.RT_TABLE_LOCAL }));
      expect(local.length).toBeGreaterThan(0);
      expect(local.every((r) => r.table === RT.RT_TABLE_LOCAL)).toBe(true);
      const rules = await s.dump(ruleDumpRequest({ family: AF_INET }));
      expect(rules.some((r) => r.table === RT.RT_TABLE_MAIN)).toBe(true);
      expect(Array.isArray(await s.dump(nsidDumpRequest()))).toBe(true);
    } finally {
      s.close();
    }
    expect(() => s.close()).not.toThrow();
  });

  it('runs a batch over several sockets and isolates a rejected request', async () => {
    const socks = [NetlinkSocket.open(null), NetlinkSocket.open(null)];
    try {
      const bad = routeDumpRequest({ family: AF_INET });
      const badMsg = Buffer.from(bad.message);
      badMsg[16 + 1] = 8; // rtm_dst_len: rejected under strict checking
      const reqs = [
        linkDumpRequest({ extMask: RT.RTEXT_FILTER_SKIP_STATS }),
        { ...bad, message: badMsg },
        ruleDumpRequest(),
      ] as const;
      const res = await transactBatch(
        socks.map((s) => ({ fd: s.fd, requests: reqs })),
        { parallelism: 2, timeoutMs: 5000 },
      );
      for (const [links, route, rules] of res) {
        expect(links.ok).toBe(true);
        expect(route.ok).toBe(false);
        if (!route.ok)
          expect(route.error).toMatchObject({ code: 'GW_ERR_NETLINK_ERROR', errno: 22 });
        expect(rules.ok).toBe(true);
      }
    } finally {
      for (const s of socks) s.close();
    }
  });
});
