// SPDX-License-Identifier: MIT
/**
 * @module api/v1/check-references
 *
 * Consistency check of a v1 document: every ID is unique and every ID reference resolves to
 * an object of the right type inside the same document. NifRefs must also carry the index
 * and name of the interface they point to; a route's interface must be in the route's netns.
 * Empty-string references (`""`) mean "none" where v1 allows it (`pidns-idref`, `group`,
 * `vxlan.idref`). Used by unit tests and by `ghostwire dump --check`.
 */
import type { DiscoveryResultV1, NetworkInterfaceV1, NifRefV1, OwnerV1, PidnsV1 } from './types.js';

/** One dangling or inconsistent reference. */
export interface V1ReferenceIssue {
  /** JSON path of the referencing field, e.g. `network-namespaces[1].network-interfaces[3].peer`. */
  readonly path: string;
  /** The offending reference value. */
  readonly ref: string;
  readonly problem: string;
}

/** Checks all references of `doc`; returns the issues found (empty when consistent). */
export function checkV1References(doc: DiscoveryResultV1): V1ReferenceIssue[] {
  const issues: V1ReferenceIssue[] = [];
  const nifs = new Map<string, { nif: NetworkInterfaceV1; netns: string }>();
  const containers = new Set<string>();
  const groups = new Set<string>();
  const pidns = new Set<string>();
  const netns = new Set<string>();

  const unique = (set: Set<string>, id: string, path: string): void => {
    if (set.has(id)) issues.push({ path, ref: id, problem: 'duplicate id' });
    set.add(id);
  };

  const walkPidns = (list: readonly PidnsV1[], path: string): void => {
    list.forEach((p, i) => {
      unique(pidns, p.id, `${path}[${i}].id`);
      walkPidns(p.children, `${path}[${i}].children`);
    });
  };
  walkPidns(doc['pid-namespaces'], 'pid-namespaces');

  doc['network-namespaces'].forEach((n, i) => {
    const base = `network-namespaces[${i}]`;
    unique(netns, n.id, `${base}.id`);
    if (n.id !== `netns-${n.netnsid}`)
      issues.push({
        path: `${base}.id`,
        ref: n.id,
        problem: `does not match netnsid ${n.netnsid}`,
      });
    n['network-interfaces'].forEach((nif, j) => {
      if (nifs.has(nif.id))
        issues.push({
          path: `${base}.network-interfaces[${j}].id`,
          ref: nif.id,
          problem: 'duplicate id',
        });
      nifs.set(nif.id, { nif, netns: n.id });
    });
    n.containers.forEach((c, j) => unique(containers, c.id, `${base}.containers[${j}].id`));
    n['container-groups'].forEach((g, j) =>
      unique(groups, g.id, `${base}.container-groups[${j}].id`),
    );
  });

  const nifId = (ref: string, path: string): void => {
    if (!nifs.has(ref)) issues.push({ path, ref, problem: 'no such network interface' });
  };
  const nifRef = (r: NifRefV1 | undefined, path: string): void => {
    if (r === undefined) return;
    const target = nifs.get(r.idref);
    if (target === undefined) {
      issues.push({ path, ref: r.idref, problem: 'no such network interface' });
    } else if (target.nif.index !== r.index || target.nif.name !== r.name) {
      issues.push({
        path,
        ref: r.idref,
        problem: `index/name ${r.index}/${r.name} differ from ${target.nif.index}/${target.nif.name}`,
      });
    }
  };
  const containerId = (ref: string, path: string): void => {
    if (!containers.has(ref)) issues.push({ path, ref, problem: 'no such container' });
  };
  const owners = (list: readonly OwnerV1[], path: string): void => {
    list.forEach((o, k) => {
      if (o['container-idref'] !== undefined)
        containerId(o['container-idref'], `${path}[${k}].container-idref`);
    });
  };

  doc['network-namespaces'].forEach((n, i) => {
    const base = `network-namespaces[${i}]`;
    n['network-interfaces'].forEach((nif, j) => {
      const p = `${base}.network-interfaces[${j}]`;
      if (!nif.id.startsWith(`nif-${n.netnsid}-`) || nif.id !== `nif-${n.netnsid}-${nif.index}`) {
        issues.push({
          path: `${p}.id`,
          ref: nif.id,
          problem: `does not match netns ${n.netnsid} and index ${nif.index}`,
        });
      }
      nifRef(nif.master, `${p}.master`);
      nifRef(nif.macvlan, `${p}.macvlan`);
      nif.macvlans?.forEach((r, k) => nifRef(r, `${p}.macvlans[${k}]`));
      nif.slaves?.forEach((r, k) => nifRef(r, `${p}.slaves[${k}]`));
      nifRef(nif.pf, `${p}.pf`);
      if (nif.peer !== undefined) {
        nifRef(
          {
            idref: nif.peer['peer-idref'],
            index: nif.peer['peer-index'],
            name: nif.peer['peer-name'],
          },
          `${p}.peer`,
        );
      }
      if (nif.vxlan !== undefined && nif.vxlan.idref !== '')
        nifId(nif.vxlan.idref, `${p}.vxlan.idref`);
      if (nif.tuntap !== undefined) owners(nif.tuntap.processors, `${p}.tuntap.processors`);
    });
    for (const fam of ['ipv4', 'ipv6'] as const) {
      n.routes[fam].forEach((r, j) => {
        const ref = r['network-interface-idref'];
        if (ref === undefined) return;
        const path = `${base}.routes.${fam}[${j}].network-interface-idref`;
        const target = nifs.get(ref);
        if (target === undefined) issues.push({ path, ref, problem: 'no such network interface' });
        else if (target.netns !== n.id)
          issues.push({ path, ref, problem: `interface is not in ${n.id}` });
        else if (r.index !== target.nif.index)
          issues.push({ path, ref, problem: `index ${r.index} differs from ${target.nif.index}` });
      });
      n['transport-ports'][fam].forEach((tp, j) => {
        const p = `${base}.transport-ports.${fam}[${j}]`;
        owners(tp.owners, `${p}.owners`);
        tp['network-interface-idrefs'].forEach((ref, k) =>
          nifId(ref, `${p}.network-interface-idrefs[${k}]`),
        );
      });
      n['forwarded-ports'][fam].forEach((fp, j) => {
        const p = `${base}.forwarded-ports.${fam}[${j}]`;
        owners(fp.owners, `${p}.owners`);
        fp['network-interface-refs'].forEach((ref, k) =>
          nifId(ref, `${p}.network-interface-refs[${k}]`),
        );
      });
    }
    n.containers.forEach((c, j) => {
      const p = `${base}.containers[${j}]`;
      if (c['pidns-idref'] !== '' && !pidns.has(c['pidns-idref'])) {
        issues.push({
          path: `${p}.pidns-idref`,
          ref: c['pidns-idref'],
          problem: 'no such PID namespace',
        });
      }
      if (c.group !== '' && !groups.has(c.group))
        issues.push({ path: `${p}.group`, ref: c.group, problem: 'no such container group' });
    });
    n['container-groups'].forEach((g, j) =>
      g['container-idrefs'].forEach((ref, k) =>
        containerId(ref, `${base}.container-groups[${j}].container-idrefs[${k}]`),
      ),
    );
  });

  const walkPidnsRefs = (list: readonly PidnsV1[], path: string): void => {
    list.forEach((p, i) => {
      p['container-idrefs'].forEach((ref, k) =>
        containerId(ref, `${path}[${i}].container-idrefs[${k}]`),
      );
      walkPidnsRefs(p.children, `${path}[${i}].children`);
    });
  };
  walkPidnsRefs(doc['pid-namespaces'], 'pid-namespaces');
  return issues;
}
