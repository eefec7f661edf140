// SPDX-License-Identifier: MIT
/**
 * @module analysis/lint/dns
 *
 * Name resolution: every nameserver of a tenant's resolv.conf is asked through the
 * reachability engine (UDP port 53 from the tenant's netns); a nameserver the engine finds
 * unreachable is a finding (unknown answers — e.g. servers beyond this host — are not). Pure.
 */
import { tenantIdOf } from '../../api/v1/index.js';
import { tenantProcess } from '../../model/tenant.js';
import { why } from '../reach/index.js';
import { netnsObject } from './objects.js';
import type { LintFinding, LintRuleFamily } from './types.js';

export const dnsRules: LintRuleFamily = {
  name: 'dns',
  codes: {
    'nameserver-unreachable': {
      severity: 'error',
      summary: "a nameserver of a tenant's resolv.conf cannot be reached from its netns",
    },
  },
  check(ctx) {
    const { result } = ctx;
    const out: LintFinding[] = [];
    const asked = new Map<string, ReturnType<typeof why>>();
    for (const [ino, tenants] of result.tenants) {
      const netns = result.network.netns.get(ino);
      if (netns === undefined) continue;
      for (const t of tenants) {
        const p = tenantProcess(t);
        const dns = p === undefined ? undefined : result.dns.get(p.pid);
        for (const ns of dns?.nameservers ?? []) {
          const server = ns.replace(/%.*$/, '');
          const key = `${ino}/${server}`;
          let r = asked.get(key);
          if (r === undefined) {
            r = why(result, ctx.facts, {
              from: `netns:${ino}`,
              to: server,
              port: 53,
              protocol: 'udp',
            });
            asked.set(key, r);
          }
          if (!r.ok || r.answer.verdict !== 'unreachable') continue;
          out.push({
            code: 'nameserver-unreachable',
            severity: 'error',
            objects: [
              { kind: 'container', id: tenantIdOf(t), name: t.name },
              netnsObject(result, netns),
              { kind: 'nameserver', id: server, name: `${server}:53/udp` },
            ],
            message: `${t.name} resolves names via ${server}, which is unreachable from its netns: ${r.answer.failure?.message ?? r.answer.failure?.reason ?? ''}`,
          });
        }
      }
    }
    return out;
  },
};
