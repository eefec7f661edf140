// SPDX-License-Identifier: MIT
/**
 * @module analysis/reach/why
 *
 * `why(FROM, TO[:PORT])`: resolves both endpoints, walks the request from FROM's netns to where
 * it is delivered, checks the listener there and walks the reply back. For a TO naming a netns
 * (container, pod, process, …) every address of it is a candidate; the first reachable one is
 * the answer, otherwise the first decided one. Never claims `reachable` without a listener found
 * (when a port is asked) and a way back. Pure.
 */
import type { DiscoveryResult } from '../../model/discovery.js';
import type { NetnsFactsModel } from '../../model/netns-facts.js';
import type { NetworkNamespace, Nif } from '../../model/network.js';
import { destinationCandidates, hopNetns, resolveEndpoint, type Endpoint } from './endpoints.js';
import { ipFamily } from './ip.js';
import type { ReachAnswer, ReachReason } from './types.js';
import {
  findListener,
  forwardFor,
  newWalk,
  walkPacket,
  type Packet,
  type WalkContext,
} from './walk.js';

/** Back-ends whose forwards are user-space proxies listening on the original port. */
const PROXY_BACKENDS: ReadonlySet<string> = new Set(['docker-proxy']);

/** A `why` question. */
export interface ReachQuery {
  readonly from: string;
  /** `TO` or `TO:PORT` (`[v6]:PORT` for IPv6 with a port). */
  readonly to: string;
  /** Port; overrides a port given in `to`. */
  readonly port?: number;
  readonly protocol?: 'tcp' | 'udp';
}

/** Result of {@link why}: an answer, or an error when an endpoint cannot be resolved. */
export type WhyResult =
  | { readonly ok: true; readonly answer: ReachAnswer }
  | { readonly ok: false; readonly message: string };

/** Splits `TO[:PORT]` (`[v6]:PORT`, bare IPv6 without port). */
export function splitTarget(to: string): { target: string; port: number | undefined } {
  const v6 = /^\[([^\]]+)\](?::(\d+))?$/.exec(to);
  if (v6 !== null)
    return { target: v6[1] as string, port: v6[2] === undefined ? undefined : Number(v6[2]) };
  if (ipFamily(to) === 6) return { target: to, port: undefined };
  const m = /^(.*):(\d+)$/.exec(to);
  if (m !== null && !(m[1] as string).includes(':'))
    return { target: m[1] as string, port: Number(m[2]) };
  return { target: to, port: undefined };
}

function answerOne(
  ctx: WalkContext,
  from: Endpoint,
  to: Endpoint,
  origin: NetworkNamespace,
  dst: string,
  protocol: 'tcp' | 'udp',
  port: number | undefined,
): ReachAnswer {
  const w = newWalk();
  const family = ipFamily(dst) as 4 | 6;
  const pkt: Packet = { family, protocol, src: from.address, dst, port };
  const base = { from: from.info, to: to.info, protocol, port, destination: dst };
  const finish = (
    verdict: ReachAnswer['verdict'],
    issue?: { hop: number; reason: ReachReason; message: string },
    listener?: ReachAnswer['listener'],
  ): ReachAnswer => ({
    verdict,
    ...base,
    source: w.nats.find((n) => n.type === 'snat' || n.type === 'masquerade')?.before ?? pkt.src,
    hops: w.hops,
    ...(issue === undefined ? {} : { failure: issue }),
    ...(listener === undefined ? {} : { listener }),
    notes: w.notes,
  });
  const end = walkPacket(ctx, w, origin, pkt);
  if (end.kind === 'failed') return finish('unreachable', end.issue);
  if (end.kind === 'undecided') return finish('unknown', end.issue);
  if (to.netns !== undefined && end.netns !== to.netns) {
    const hop = w.hops.length - 1;
    return finish('unreachable', {
      hop,
      reason: 'delivered-elsewhere',
      message: `${dst} is delivered in ${hopNetns(ctx.result, end.netns).name}, not in ${to.info.netns?.name ?? to.info.spec}`,
    });
  }
  let listener: ReachAnswer['listener'];
  const dnat = w.nats.filter((n) => n.type === 'dnat' || n.type === 'redirect').pop();
  if (pkt.port !== undefined) {
    const l = findListener(ctx.result, end.netns, end.iif, pkt);
    if (l.kind === 'none') {
      const hop = w.hops.length;
      w.hops.push({
        step: 'listener',
        netns: hopNetns(ctx.result, end.netns),
        text: l.message,
        ok: false,
      });
      if (l.reason === 'ports-unread')
        return finish('unknown', { hop, reason: l.reason, message: l.message });
      if (w.natDoubt && w.uncertain !== undefined) return finish('unknown', w.uncertain);
      if (dnat !== undefined) {
        return finish('unreachable', {
          hop,
          reason: 'forward-target-unserved',
          message: `${dnat.before} is forwarded to ${dnat.after} in ${hopNetns(ctx.result, dnat.netns).name}, but ${l.message}`,
        });
      }
      return finish('unreachable', { hop, reason: l.reason, message: l.message });
    }
    listener = l.listener;
    // a user-space forwarder (docker-proxy) listening here: its target must be served too
    const proxy = forwardFor(ctx, end.netns, pkt, PROXY_BACKENDS);
    if (proxy !== undefined && proxy.resolution !== undefined) {
      const target = `${proxy.targetIp}:${proxy.targetPortMin + ((pkt.port ?? 0) - proxy.portMin)}`;
      const res = proxy.resolution;
      if (!res.resolved || res.ports.length === 0) {
        const hop = w.hops.length;
        const why = res.resolved ? 'nothing listens there' : res.detail;
        w.hops.push({
          step: 'listener',
          netns: hopNetns(ctx.result, end.netns),
          text: `docker-proxy forwards ${pkt.protocol} port ${pkt.port ?? ''} to ${target}: ${why}`,
          ok: false,
        });
        return finish('unreachable', {
          hop,
          reason: 'forward-target-unserved',
          message: `the docker-proxy forward of port ${pkt.port ?? ''} goes to ${target}, but ${why}`,
        });
      }
      w.notes.push(
        `docker-proxy forwards port ${pkt.port ?? ''} to ${target} (served by ${res.servers.map((o) => `${o.process.comm}(${o.process.pid})`).join(', ')})`,
      );
    }
    const who = l.listener.tenants.length > 0 ? ` (${l.listener.tenants.join(', ')})` : '';
    const procs = l.listener.processes.map((p) => `${p.comm}(${p.pid})`).join(', ');
    w.hops.push({
      step: 'listener',
      netns: hopNetns(ctx.result, end.netns),
      text: `${protocol} ${l.listener.address}:${l.listener.port} listened on by ${procs || 'no known process'}${who}`,
      ok: true,
    });
  } else {
    w.notes.push('no port given: the answer is about IP delivery only');
  }
  // the reply: from the delivering netns back to the (possibly translated) source; where a
  // source translation made that address, conntrack restores the original and it goes on
  let replyDst = pkt.src;
  let at = end.netns;
  let startIif: Nif | undefined;
  for (let leg = 0; replyDst !== undefined && leg < 8; leg++) {
    if (at === origin && startIif === undefined) break;
    w.hops.push({
      step: 'return',
      netns: hopNetns(ctx.result, at),
      text: `reply from ${pkt.dst} to ${replyDst}`,
      ok: true,
    });
    const reply: Packet = { family, protocol, src: pkt.dst, dst: replyDst, port: undefined };
    const rw = newWalk(true);
    const back = walkPacket(ctx, rw, at, reply, startIif);
    const offset = w.hops.length;
    w.hops.push(
      ...rw.hops.map((h) => ({ ...h, step: h.step === 'source' ? ('return' as const) : h.step })),
    );
    if (back.kind === 'undecided') {
      w.notes.push(`the reply's way back is undecided: ${back.issue.message}`);
      break;
    }
    if (back.kind === 'delivered' && back.netns === origin) break;
    if (back.kind === 'delivered') {
      const sn = w.nats.find(
        (n) =>
          (n.type === 'snat' || n.type === 'masquerade') &&
          n.netns === back.netns &&
          n.after === replyDst,
      );
      if (sn !== undefined) {
        replyDst = sn.before;
        at = back.netns;
        startIif = back.iif;
        continue;
      }
    }
    const message =
      back.kind === 'failed'
        ? `replies from ${pkt.dst} to ${replyDst} cannot get back: ${back.issue.message}`
        : `replies to ${replyDst} are delivered in ${hopNetns(ctx.result, back.netns).name}, not in ${hopNetns(ctx.result, origin).name}`;
    if (w.natDoubt && w.uncertain !== undefined) return finish('unknown', w.uncertain, listener);
    const hop = back.kind === 'failed' ? offset + back.issue.hop : w.hops.length - 1;
    return finish('unreachable', { hop, reason: 'no-return-route', message }, listener);
  }
  if (w.uncertain !== undefined) return finish('unknown', w.uncertain, listener);
  return finish('reachable', undefined, listener);
}

/** Answers `why FROM TO[:PORT]` over a discovery result and the per-netns facts. */
export function why(
  result: DiscoveryResult,
  facts: NetnsFactsModel | undefined,
  q: ReachQuery,
): WhyResult {
  const { target, port: toPort } = splitTarget(q.to);
  const port = q.port ?? toPort;
  if (port !== undefined && (!Number.isInteger(port) || port < 1 || port > 65535)) {
    return { ok: false, message: `port ${port}: expected 1..65535` };
  }
  const protocol = q.protocol ?? 'tcp';
  const from = resolveEndpoint(result, q.from, 'from');
  if (!from.ok) return from;
  const to = resolveEndpoint(result, target, 'to');
  if (!to.ok) return to;
  const origin = from.endpoint.netns as NetworkNamespace;
  const ctx: WalkContext = { result, facts };
  let candidates: string[];
  if (to.endpoint.address !== undefined) candidates = [to.endpoint.address];
  else {
    const toNetns = to.endpoint.netns as NetworkNamespace;
    candidates = destinationCandidates(toNetns, toNetns === origin);
    if (toNetns !== origin) candidates = candidates.filter((c) => c !== '127.0.0.1');
  }
  const fromFamily =
    from.endpoint.address === undefined ? undefined : ipFamily(from.endpoint.address);
  if (fromFamily !== undefined) candidates = candidates.filter((c) => ipFamily(c) === fromFamily);
  if (candidates.length === 0) {
    return {
      ok: true,
      answer: {
        verdict: 'unreachable',
        from: from.endpoint.info,
        to: to.endpoint.info,
        protocol,
        port,
        source: from.endpoint.address,
        destination: '',
        hops: [],
        failure: { hop: -1, reason: 'no-address', message: `${q.to} has no address to connect to` },
        notes: [],
      },
    };
  }
  const answers = candidates.map((dst) =>
    answerOne(ctx, from.endpoint, to.endpoint, origin, dst, protocol, port),
  );
  const best =
    answers.find((a) => a.verdict === 'reachable') ??
    answers.find((a) => a.verdict === 'unknown') ??
    (answers[0] as ReachAnswer);
  const others = answers
    .filter((a) => a !== best)
    .map(
      (a) =>
        `${a.destination}: ${a.verdict}${a.failure === undefined ? '' : ` (${a.failure.reason})`}`,
    );
  return {
    ok: true,
    answer:
      others.length === 0
        ? best
        : { ...best, notes: [...best.notes, `other addresses of ${q.to}: ${others.join('; ')}`] },
  };
}
