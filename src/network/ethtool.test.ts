// SPDX-License-Identifier: MIT
import { describe, expect, it } from 'vitest';
import {
  DRVINFO_LAYOUT,
  drvinfoRequest,
  ETHTOOL_GDRVINFO,
  parseDrvinfo,
  toDriverInfo,
} from './ethtool.js';

/** A reply as the kernel would fill it (layout written out by hand from linux/ethtool.h). */
function reply(fields: Record<string, string>, counters: number[] = [0, 0, 0, 0, 0]): Buffer {
  const b = Buffer.alloc(196);
  b.writeUInt32LE(3, 0);
  const offs: Record<string, number> = { driver: 4, version: 36, fw: 68, bus: 100, erom: 132 };
  for (const [k, v] of Object.entries(fields)) b.write(v, offs[k] ?? -1, 'utf8');
  counters.forEach((c, i) => b.writeUInt32LE(c, 176 + 4 * i));
  return b;
}

describe('ethtool drvinfo', () => {
  it('builds a 196-byte request carrying ETHTOOL_GDRVINFO and nothing else', () => {
    const r = drvinfoRequest();
    expect(r.length).toBe(196);
    expect(DRVINFO_LAYOUT.size).toBe(196);
    expect(r.readUInt32LE(0)).toBe(ETHTOOL_GDRVINFO);
    expect(r.subarray(4).every((b) => b === 0)).toBe(true);
  });

  it('parses all string fields and counters', () => {
    const b = reply(
      { driver: 'ixgbe', version: '6.1.0-1', fw: '0x800003df', bus: '0000:3b:00.1', erom: '1.2.3' },
      [1, 2, 3, 4, 5],
    );
    expect(parseDrvinfo(b)).toEqual({
      driver: 'ixgbe',
      version: '6.1.0-1',
      fwVersion: '0x800003df',
      busInfo: '0000:3b:00.1',
      eromVersion: '1.2.3',
      nPrivFlags: 1,
      nStats: 2,
      testinfoLen: 3,
      eedumpLen: 4,
      regdumpLen: 5,
    });
  });

  it('returns empty strings for fields the driver left zeroed', () => {
    const d = toDriverInfo(
      parseDrvinfo(reply({ driver: 'virtio_net', version: '1.0.0', bus: 'virtio2' })),
    );
    expect(d).toEqual({
      driver: 'virtio_net',
      version: '1.0.0',
      fwVersion: '',
      busInfo: 'virtio2',
      eromVersion: '',
    });
  });

  it('reads a field that fills its whole array without a terminator', () => {
    const name = 'd'.repeat(32);
    expect(parseDrvinfo(reply({ driver: name, version: 'v' })).driver).toBe(name);
  });

  it('rejects short buffers and foreign commands', () => {
    expect(() => parseDrvinfo(Buffer.alloc(100))).toThrow(RangeError);
    const b = reply({ driver: 'x' });
    b.writeUInt32LE(0x41, 0);
    expect(() => parseDrvinfo(b)).toThrow(/cmd is 65/);
  });
});
