// SPDX-License-Identifier: MIT
/**
 * @module network/netns-sockets
 *
 * The one way the network phases get a socket inside every network namespace: open each
 * namespace's nsfs fd (checking it still names the same namespace), then create all sockets in
 * ONE native call on a throw-away thread that setns()es from netns to netns. The discovering
 * process's own netns needs no setns. Used by the rtnetlink discovery and the sock_diag ports.
 */
import { closeSync, fstatSync } from 'node:fs';
import { errorCode, errorMessage, NativeError, NetlinkError } from '../errors.js';
import type { Namespace } from '../model/namespace.js';
import type { Problem } from '../model/problem.js';
import { AF_NETLINK, SOCK_RAW, openSocketsIn } from '../native/index.js';
import { openNamespace } from '../namespaces/index.js';
import { errnoName } from '../netlink/index.js';
import { netnsSubject } from './subject.js';

/** A netns with its nsfs fd and socket, as far as they could be opened. */
export interface NetnsSocketSlot {
  readonly ns: Namespace;
  nsFd: number | undefined;
  sock: number | undefined;
}

/** System error name behind a thrown value (`EACCES`, …), looking through causes. */
export function sysCause(e: unknown): string | undefined {
  if (e instanceof NativeError && e.sysCode !== undefined) return e.sysCode;
  if (e instanceof NetlinkError && e.errno > 0) return errnoName(e.errno);
  if (e instanceof Error && e.cause !== undefined) {
    const inner = sysCause(e.cause);
    if (inner !== undefined) return inner;
  }
  const c = errorCode(e);
  return c !== undefined && /^E[A-Z0-9]+$/.test(c) ? c : undefined;
}

function unreachable(ns: Namespace, message: string, e?: unknown): Problem {
  const cause = e === undefined ? undefined : sysCause(e);
  const p: Problem = {
    code: 'GW_ERR_NETWORK_NETNS_UNREACHABLE',
    message,
    subject: netnsSubject(ns),
  };
  return cause === undefined ? p : { ...p, cause };
}

/**
 * Fills `nsFd` and `sock` of every slot: a netlink socket of `protocol` in each netns. The own
 * netns (`own`) gets its socket without setns; its nsfs fd is opened only with `ownFd` (best
 * effort). A netns whose fd or socket cannot be had, or whose reference now names another
 * namespace, is left out with a GW_ERR_NETWORK_NETNS_UNREACHABLE problem. Returns the slots that
 * have a socket. The caller closes `nsFd` and `sock` of ALL slots (also the left-out ones).
 */
export function openNetnsSockets<S extends NetnsSocketSlot>(
  slots: readonly S[],
  own: Namespace | undefined,
  protocol: number,
  opts: { readonly ownFd: boolean; readonly what: string },
  problems: Problem[],
): S[] {
  const reachable: S[] = [];
  for (const s of slots) {
    if (s.ns === own) {
      if (opts.ownFd) {
        try {
          s.nsFd = openNamespace(s.ns);
        } catch {
          s.nsFd = undefined; // the own netns needs no fd for its socket
        }
      }
      reachable.push(s);
      continue;
    }
    try {
      s.nsFd = openNamespace(s.ns);
      if (fstatSync(s.nsFd).ino !== s.ns.id.ino) {
        // never let an fd of the wrong namespace be used (e.g. as an RTM_GETNSID candidate)
        closeSync(s.nsFd);
        s.nsFd = undefined;
        problems.push(
          unreachable(
            s.ns,
            `reference ${s.ns.ref.join(' » ')} now names another namespace (gone and reused?)`,
          ),
        );
        continue;
      }
      reachable.push(s);
    } catch (e: unknown) {
      problems.push(unreachable(s.ns, `cannot open netns: ${errorMessage(e)}`, e));
    }
  }
  const socks =
    reachable.length === 0
      ? []
      : openSocketsIn(
          reachable.map((s) => (s.ns === own ? null : (s.nsFd ?? null))),
          AF_NETLINK,
          SOCK_RAW,
          protocol,
        );
  const live: S[] = [];
  reachable.forEach((s, i) => {
    const r = socks[i];
    if (typeof r === 'number') {
      s.sock = r;
      live.push(s);
    } else {
      problems.push(unreachable(s.ns, `no ${opts.what} socket in netns: ${errorMessage(r)}`, r));
    }
  });
  return live;
}
