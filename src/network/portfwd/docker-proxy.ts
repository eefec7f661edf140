// SPDX-License-Identifier: MIT
/**
 * @module network/portfwd/docker-proxy
 *
 * The `docker-proxy` fallback (reference §3.8 "dockerproxy"): Docker's userland proxy runs one
 * process per published port with `-proto`, `-host-ip`, `-host-port`, `-container-ip`,
 * `-container-port` (Go flag syntax: `-x v`, `--x v`, `-x=v`). A process whose name or argv[0]
 * ends in `docker-proxy` and whose five values are all valid yields a forward in its own
 * netns; the caller adds it only when no rule already covers (protocol, host IP, host port).
 * Pure.
 */
import type { ForwardProtocol } from '../../model/forward.js';
import type { Process } from '../../model/namespace.js';
import { formatIPv4, formatIPv6, parseIp } from '../../netlink/index.js';

const canon = (p: { family: 2 | 10; bytes: Buffer }): string =>
  p.family === 10 ? formatIPv6(p.bytes, 0) : formatIPv4(p.bytes, 0);

/** One published port as a docker-proxy process states it. */
export interface DockerProxyForward {
  readonly protocol: ForwardProtocol;
  readonly family: 4 | 6;
  readonly hostIp: string;
  readonly hostPort: number;
  readonly containerIp: string;
  readonly containerPort: number;
}

/** True for a docker-proxy process (by comm or argv[0]). */
export function isDockerProxy(p: Process): boolean {
  const argv0 = p.cmdline[0] ?? '';
  return p.comm.endsWith('docker-proxy') || argv0.endsWith('docker-proxy');
}

function port(v: string | undefined): number | undefined {
  if (v === undefined || !/^\d{1,5}$/.test(v)) return undefined;
  const n = Number(v);
  return n >= 1 && n <= 65535 ? n : undefined;
}

/** Parses a docker-proxy command line; undefined when any of the five values is missing or invalid. */
export function parseDockerProxy(cmdline: readonly string[]): DockerProxyForward | undefined {
  const args = new Map<string, string>();
  for (let i = 1; i < cmdline.length; i++) {
    const a = cmdline[i] ?? '';
    const m = /^--?([a-z-]+)(?:=(.*))?$/.exec(a);
    if (m === null) continue;
    const name = m[1] ?? '';
    if (m[2] !== undefined) args.set(name, m[2]);
    else if (i + 1 < cmdline.length && !(cmdline[i + 1] ?? '').startsWith('-')) {
      args.set(name, cmdline[i + 1] ?? '');
      i++;
    } else args.set(name, '');
  }
  const proto = args.get('proto');
  if (proto !== 'tcp' && proto !== 'udp' && proto !== 'sctp') return undefined;
  const hostIp = parseIp(args.get('host-ip') ?? '');
  const containerIp = parseIp(args.get('container-ip') ?? '');
  const hostPort = port(args.get('host-port'));
  const containerPort = port(args.get('container-port'));
  if (hostIp === undefined || containerIp === undefined) return undefined;
  if (hostPort === undefined || containerPort === undefined) return undefined;
  return {
    protocol: proto,
    family: hostIp.family === 10 ? 6 : 4,
    hostIp: canon(hostIp),
    hostPort,
    containerIp: canon(containerIp),
    containerPort,
  };
}
