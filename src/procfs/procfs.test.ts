// SPDX-License-Identifier: MIT
/** Unit tests of the procfs parsers and readers against strings and the fake tree `basic`. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ProcfsError, sysErrorCode } from '../errors.js';
import {
  isVanished,
  listPids,
  listTasks,
  parseCmdline,
  parseCpuList,
  parseFdTarget,
  parseMountinfo,
  parseMountinfoLine,
  parseNsLink,
  parseSocketInodes,
  parseStat,
  parseStatus,
  readCmdline,
  readFdLinks,
  readMountinfo,
  readNetnsSocketInodes,
  readNsLink,
  readStat,
  readStatus,
  unescapeOctal,
} from './index.js';

const ROOT = fileURLToPath(new URL('../../test/fixtures/proc/basic', import.meta.url));

const STAT_TAIL =
  'S 1 42 0 0 -1 4194560 100 0 0 0 1 2 0 0 20 -5 1 0 12345 1000000 100 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 0 7 2 0 0 0 0 0 0 0 0 0 0 0';

describe('parseStat', () => {
  it('takes comm between the first ( and the last )', () => {
    const s = parseStat(`42 (a) (b c) ${STAT_TAIL}`);
    expect(s).toEqual({
      pid: 42,
      comm: 'a) (b c',
      state: 'S',
      ppid: 1,
      nice: -5,
      starttime: 12345,
      rtPriority: 7,
      policy: 2,
    });
  });
  it('keeps an empty comm and spaces', () => {
    expect(parseStat(`7 () ${STAT_TAIL}`).comm).toBe('');
    expect(parseStat(`7 ( x ) ${STAT_TAIL}`).comm).toBe(' x ');
  });
  it('rejects truncated lines with GW_ERR_PROCFS_PARSE', () => {
    expect(() => parseStat('61 (trunc', '/p/61/stat')).toThrow(ProcfsError);
    try {
      parseStat('61 (x) S 1 2 3');
    } catch (e: unknown) {
      expect((e as ProcfsError).code).toBe('GW_ERR_PROCFS_PARSE');
    }
    expect(() => parseStat(`x (a) ${STAT_TAIL}`)).toThrow(/bad pid/);
    expect(() => parseStat(`5 (a) ${STAT_TAIL.replace(' 12345 ', ' zz ')}`)).toThrow(/field 22/);
  });
});

describe('parseCmdline / parseStatus / parseCpuList', () => {
  it('splits on NUL without a trailing empty element', () => {
    expect(parseCmdline('a\0b c\0')).toEqual(['a', 'b c']);
    expect(parseCmdline('')).toEqual([]);
    expect(parseCmdline('one string')).toEqual(['one string']);
    expect(parseCmdline('a\0\0b\0')).toEqual(['a', '', 'b']);
  });
  it('reads NSpid, CapBnd, Cpus_allowed_list', () => {
    const s = parseStatus(
      'Name:\tx y\nTgid:\t9\nNSpid:\t9\t3\t1\nCapBnd:\t000001ffffffffff\nCpus_allowed_list:\t0-2,5\n',
    );
    expect(s).toEqual({
      name: 'x y',
      tgid: 9,
      nspid: [9, 3, 1],
      capBnd: 0x1ffffffffffn,
      cpusAllowedList: '0-2,5',
      cpusAllowed: [0, 1, 2, 5],
    });
    expect(parseStatus('Name:\tk\n')).toMatchObject({
      nspid: [],
      capBnd: undefined,
      cpusAllowed: [],
    });
  });
  it('rejects malformed values', () => {
    expect(() => parseStatus('NSpid:\t1 x\n')).toThrow(/NSpid/);
    expect(() => parseStatus('CapBnd:\tzz\n')).toThrow(/CapBnd/);
    expect(() => parseCpuList('3-1')).toThrow(/range/);
    expect(() => parseCpuList('a')).toThrow(/item/);
  });
});

describe('links', () => {
  it('parses nsfs link texts', () => {
    expect(parseNsLink('net:[4026531992]')).toEqual({ type: 'net', ino: 4026531992 });
    expect(parseNsLink('time:[1]')).toEqual({ type: 'time', ino: 1 });
    expect(parseNsLink('bogus:[1]')).toBeUndefined();
    expect(parseNsLink('net:[x]')).toBeUndefined();
    expect(parseNsLink('/run/netns/x')).toBeUndefined();
  });
  it('classifies fd targets', () => {
    expect(parseFdTarget('socket:[5]')).toEqual({ kind: 'socket', ino: 5 });
    expect(parseFdTarget('pipe:[6]')).toEqual({ kind: 'pipe', ino: 6 });
    expect(parseFdTarget('net:[7]')).toEqual({ kind: 'ns', type: 'net', ino: 7 });
    expect(parseFdTarget('anon_inode:[eventpoll]')).toEqual({ kind: 'anon', name: '[eventpoll]' });
    expect(parseFdTarget('/dev/null')).toEqual({ kind: 'path', path: '/dev/null' });
    expect(parseFdTarget('socket:[x]')).toEqual({ kind: 'other', text: 'socket:[x]' });
    expect(parseFdTarget('memfd:foo (deleted)')).toEqual({
      kind: 'other',
      text: 'memfd:foo (deleted)',
    });
  });
});

describe('mountinfo', () => {
  it('parses optional fields, the separator and octal escapes', () => {
    const m = parseMountinfoLine(
      '42 22 0:30 / /a\\040b\\011c\\134 rw,nosuid master:3 propagate_from:2 - proc my\\040src rw',
    );
    expect(m).toEqual({
      mountId: 42,
      parentId: 22,
      major: 0,
      minor: 30,
      root: '/',
      mountPoint: '/a b\tc\\',
      mountOptions: 'rw,nosuid',
      optionalFields: ['master:3', 'propagate_from:2'],
      fsType: 'proc',
      source: 'my src',
      superOptions: 'rw',
    });
    expect(parseMountinfoLine('1 0 8:1 / / rw - ext4 /dev/sda1 rw').optionalFields).toEqual([]);
  });
  it('rejects lines without separator or with bad ids', () => {
    expect(() => parseMountinfoLine('1 0 8:1 / / rw shared:1 ext4 /dev/sda1 rw')).toThrow(
      /malformed/,
    );
    expect(() => parseMountinfoLine('x 0 8:1 / / rw - ext4 /dev/sda1 rw')).toThrow(/malformed ids/);
    expect(() =>
      parseMountinfo('1 0 8:1 / / rw - ext4 /dev/sda1 rw\n1 0 8:1 / / rw - ext4\n'),
    ).toThrow(ProcfsError);
  });
  it('unescapes only octal triples', () => {
    expect(unescapeOctal('plain')).toBe('plain');
    expect(unescapeOctal('a\\040\\012b\\x')).toBe('a \nb\\x');
  });
});

describe('socket tables', () => {
  it('collects inodes from the right column and skips the header and junk', () => {
    const into = new Set<number>();
    parseSocketInodes(
      '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n' +
        '   0: 00000000:07E8 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1605 1 x 100 0 0 10 0\n' +
        'garbage\n',
      9,
      into,
    );
    parseSocketInodes(
      'Num       RefCount Protocol Flags    Type St Inode Path\n00: 00000003 00000000 00000000 0001 03  1601 /run/x\n',
      6,
      into,
    );
    expect([...into]).toEqual([1605, 1601]);
  });
});

describe('readers on the fake tree', () => {
  it('lists PIDs numerically and ignores self', () => {
    expect(listPids(ROOT)).toEqual([1, 42, 43, 50, 60, 61]);
    expect(listTasks(43, ROOT)).toEqual([43, 44]);
  });
  it('reads stat, cmdline, status, ns links, fds, mountinfo', () => {
    expect(readStat(42, ROOT)).toMatchObject({ pid: 42, comm: 'a) (b c', ppid: 1, starttime: 20 });
    expect(readStat(43, ROOT, 44)).toMatchObject({ pid: 44, comm: 'worker' });
    expect(readCmdline(1, ROOT)).toEqual(['/sbin/init', 'splash']);
    expect(readStatus(50, ROOT).nspid).toEqual([50, 1]);
    expect(readNsLink(42, 'net', ROOT)).toEqual({ type: 'net', ino: 4026532200 });
    expect(readNsLink(43, 'net', ROOT, 44)).toEqual({ type: 'net', ino: 4026532555 });
    const fds = readFdLinks(42, ROOT).sort((a, b) => a.fd - b.fd);
    expect(fds.map((f) => f.target.kind)).toEqual(['ns', 'socket', 'socket', 'anon', 'pipe', 'ns']);
    const mi = readMountinfo(1, ROOT);
    expect(mi.filter((m) => m.fsType === 'nsfs').map((m) => [m.root, m.mountPoint])).toEqual([
      ['net:[4026532100]', '/run/netns/blue'],
      ['net:[4026532101]', '/run/netns/with space'],
    ]);
  });
  it('reports vanished processes and truncated files distinctly', () => {
    let err: unknown;
    try {
      readStat(60, ROOT);
    } catch (e: unknown) {
      err = e;
    }
    expect(err).toBeInstanceOf(ProcfsError);
    expect((err as ProcfsError).code).toBe('GW_ERR_PROCFS_READ');
    expect(isVanished(err)).toBe(true);
    expect(sysErrorCode(err)).toBe('ENOENT');
    try {
      readStat(61, ROOT);
      expect.unreachable();
    } catch (e: unknown) {
      expect((e as ProcfsError).code).toBe('GW_ERR_PROCFS_PARSE');
      expect(isVanished(e)).toBe(false);
    }
    expect(() => readNsLink(60, 'net', ROOT)).toThrow(/cannot read/);
    expect(() => readFdLinks(60, ROOT)).toThrow(ProcfsError);
  });
  it('works against the live /proc for the own process', () => {
    const me = readStat(process.pid);
    expect(me.pid).toBe(process.pid);
    expect(readCmdline(process.pid).length).toBeGreaterThan(0);
    expect(readStatus(process.pid).nspid[0]).toBe(process.pid);
    expect(readNsLink(process.pid, 'net').type).toBe('net');
    expect(readMountinfo(process.pid).length).toBeGreaterThan(0);
  });
});

describe('readNetnsSocketInodes (readers throw)', () => {
  const tcpLine = (ino: number): string =>
    `   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 ${ino} 1 0000000000000000 100 0 0 10 0\n`;
  const HEADER_TCP =
    '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n';

  it('skips missing tables, throws for unreadable ones and for a vanished process', () => {
    const root = mkdtempSync(join(tmpdir(), 'gw-netsock-'));
    try {
      mkdirSync(join(root, '7', 'net'), { recursive: true });
      writeFileSync(join(root, '7', 'net', 'udp'), HEADER_TCP + tcpLine(4242));
      // only udp exists: the other tables are "protocol not built"
      expect([...(readNetnsSocketInodes(7, root) ?? [])]).toEqual([4242]);
      mkdirSync(join(root, '7', 'net', 'raw')); // a directory: EISDIR, a real failure
      let err: unknown;
      try {
        readNetnsSocketInodes(7, root);
      } catch (e: unknown) {
        err = e;
      }
      expect(err).toBeInstanceOf(ProcfsError);
      expect(sysErrorCode(err)).toBe('EISDIR');
      expect(() => readNetnsSocketInodes(8, root)).toThrow(ProcfsError);
      try {
        readNetnsSocketInodes(8, root);
      } catch (e: unknown) {
        expect(isVanished(e)).toBe(true);
      }
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
