// SPDX-License-Identifier: MIT
/**
 * @module analysis/lint/exposure
 *
 * What is exposed and how: forwarded (published) ports on all addresses of a netns instead of
 * loopback only, forwards whose target nobody serves, privileged containers and containers
 * sharing the host's netns. Pure.
 */
import { tenantIdOf } from '../../api/v1/index.js';
import type { Forward } from '../../model/forward.js';
import type { Tenant } from '../../model/tenant.js';
import { isLoopbackIp } from '../reach/index.js';
import { isHostNetns } from './objects.js';
import type { LintFinding, LintObject, LintRuleFamily } from './types.js';

function forwardObject(f: Forward): LintObject {
  const ip = f.ip.includes(':') ? `[${f.ip}]` : f.ip;
  const port = f.portMin === f.portMax ? String(f.portMin) : `${f.portMin}-${f.portMax}`;
  const target = `${f.targetIp.includes(':') ? `[${f.targetIp}]` : f.targetIp}:${f.targetPortMin === f.targetPortMax ? f.targetPortMin : `${f.targetPortMin}-${f.targetPortMax}`}`;
  return {
    kind: 'forward',
    id: `fwd-${f.netns.id.ino}-${f.protocol}-${f.ip}-${port}`,
    name: `${f.protocol} ${ip}:${port} -> ${target} (${f.backend})`,
  };
}

function containerObject(t: Tenant): LintObject {
  return { kind: 'container', id: tenantIdOf(t), name: t.name };
}

export const exposureRules: LintRuleFamily = {
  name: 'exposure',
  codes: {
    'port-published-all-addresses': {
      severity: 'warning',
      summary:
        'a forwarded port is published on all addresses (0.0.0.0 / ::), not on loopback only',
    },
    'forward-target-unserved': {
      severity: 'error',
      summary: 'a forward sends traffic to a target nobody serves',
    },
    'container-privileged': { severity: 'warning', summary: 'a container runs privileged' },
    'container-host-netns': {
      severity: 'info',
      summary: "a container shares the host's network namespace",
    },
  },
  check(ctx) {
    const { result } = ctx;
    const out: LintFinding[] = [];
    for (const list of result.forwards?.values() ?? []) {
      for (const f of list) {
        const o = forwardObject(f);
        if (f.ip === '0.0.0.0' || f.ip === '::') {
          out.push({
            code: 'port-published-all-addresses',
            severity: 'warning',
            objects: [o],
            message: `${o.name} accepts connections on every address of its netns; publish on 127.0.0.1 / ::1 if only local clients need it`,
          });
        }
        const r = f.resolution;
        if (r === undefined) continue;
        if (!r.resolved || r.ports.length === 0) {
          if (isLoopbackIp(f.targetIp) && !r.resolved) continue; // local redirects resolve in-place
          out.push({
            code: 'forward-target-unserved',
            severity: 'error',
            objects: [o],
            message: r.resolved
              ? `${o.name}: nothing listens on the target`
              : `${o.name}: the target cannot be reached (${r.reason}: ${r.detail})`,
          });
        }
      }
    }
    for (const [ino, tenants] of result.tenants) {
      const netns = result.network.netns.get(ino);
      for (const t of tenants) {
        if (t.type !== 'proc' || t.container === undefined) continue;
        if (t.container.privileged) {
          out.push({
            code: 'container-privileged',
            severity: 'warning',
            objects: [containerObject(t)],
            message: `container ${t.name} runs privileged: it has every capability and all host devices`,
          });
        }
        if (netns !== undefined && isHostNetns(result, netns)) {
          out.push({
            code: 'container-host-netns',
            severity: 'info',
            objects: [containerObject(t)],
            message: `container ${t.name} uses the host's network namespace: its ports are the host's, and it sees all host interfaces`,
          });
        }
      }
    }
    return out;
  },
};
