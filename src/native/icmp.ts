// SPDX-License-Identifier: MIT
/**
 * @module native/icmp
 *
 * Datagram send and receive on a socket fd (ABI 4), for ICMP echo from inside a network
 * namespace: the socket is opened there with {@link openSocketIn}; these two calls need no
 * namespace switch. {@link sendTo} is synchronous; {@link recvFrom} waits on a libuv pool
 * thread and resolves with one datagram or rejects with ETIMEDOUT.
 */
import { isIP } from 'node:net';
import { call, convert } from './convert.js';
import { getNativeBinding } from './load.js';
import { argError, checkFd, checkInt } from './validate.js';

/** One received datagram. */
export interface Datagram {
  readonly data: Buffer;
  /** Sender address (text form), '' if unknown. */
  readonly from: string;
}

/** An IPv4 or IPv6 address in text form → its 4 or 16 bytes. */
export function addressBytes(address: string): Buffer {
  const v = isIP(address);
  if (v === 4) return Buffer.from(address.split('.').map(Number));
  if (v !== 6) throw argError('sendTo', 'address', address, 'an IPv4 or IPv6 address');
  const [head = '', tail] = address.split('::') as [string, string | undefined];
  const part = (s: string): number[] => (s === '' ? [] : s.split(':').map((g) => parseInt(g, 16)));
  const h = part(head);
  const t = tail === undefined ? [] : part(tail);
  const groups = [...h, ...new Array<number>(8 - h.length - t.length).fill(0), ...t];
  const out = Buffer.alloc(16);
  groups.forEach((g, i) => out.writeUInt16BE(g, i * 2));
  return out;
}

/**
 * sendto(fd, data, address) with MSG_DONTWAIT; returns the bytes sent.
 * @throws NativeError GW_ERR_NATIVE_SYSCALL (sendto), GW_ERR_NATIVE_ARGUMENT.
 */
export function sendTo(fd: number, data: Buffer, address: string): number {
  const fn = 'sendTo';
  checkFd(fn, 'fd', fd);
  if (!Buffer.isBuffer(data)) throw argError(fn, 'data', data, 'a Buffer');
  if (address.includes('%')) throw argError(fn, 'address', address, 'an address without zone');
  const addr = addressBytes(address);
  return call('GW_ERR_NATIVE_SYSCALL', `${fn}(${address})`, { op: fn, fd }, (b) =>
    b.sendTo(fd, data, addr),
  );
}

/**
 * Waits ≤ `timeoutMs` for one datagram on `fd` (off the JS thread).
 * Rejects with NativeError GW_ERR_NATIVE_SYSCALL (sysCode 'ETIMEDOUT' on timeout).
 */
export function recvFrom(fd: number, timeoutMs: number): Promise<Datagram> {
  const fn = 'recvFrom';
  checkFd(fn, 'fd', fd);
  checkInt(fn, 'timeoutMs', timeoutMs, 0, 600_000);
  return new Promise((resolve, reject) => {
    try {
      getNativeBinding().recvFrom(fd, timeoutMs, (err, d) => {
        if (err !== null || d === null)
          reject(convert(err, 'GW_ERR_NATIVE_SYSCALL', fn, { op: fn, fd }));
        else resolve(d);
      });
    } catch (e: unknown) {
      reject(convert(e, 'GW_ERR_NATIVE_SYSCALL', fn, { op: fn, fd }));
    }
  });
}
