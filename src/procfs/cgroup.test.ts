// SPDX-License-Identifier: MIT
import { describe, expect, it } from 'vitest';
import { cgroupDir, findCgroupMounts, parseCgroup } from './cgroup.js';
import { parseMountinfo } from './mountinfo.js';

const HYBRID = [
  '31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755',
  '32 31 0:29 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu',
  '37 31 0:34 / /sys/fs/cgroup/freezer rw,relatime - cgroup cgroup rw,freezer',
  '40 31 0:37 / /sys/fs/cgroup/systemd rw,relatime - cgroup cgroup rw,name=systemd',
  '41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw',
].join('\n');

describe('parseCgroup', () => {
  it('parses v1 and v2 lines, skipping malformed ones', () => {
    expect(
      parseCgroup(
        '9:name=systemd:/\n6:freezer:/gwt/a:b\n4:cpu,cpuacct:/x\n0::/user.slice\nbogus\n',
      ),
    ).toEqual([
      { hierarchy: 9, controllers: ['name=systemd'], path: '/' },
      { hierarchy: 6, controllers: ['freezer'], path: '/gwt/a:b' },
      { hierarchy: 4, controllers: ['cpu', 'cpuacct'], path: '/x' },
      { hierarchy: 0, controllers: [], path: '/user.slice' },
    ]);
  });
});

describe('findCgroupMounts / cgroupDir', () => {
  it('finds freezer and unified mounts on a hybrid host', () => {
    const m = findCgroupMounts(parseMountinfo(HYBRID));
    expect(m.freezer?.mountPoint).toBe('/sys/fs/cgroup/freezer');
    expect(m.unified?.mountPoint).toBe('/sys/fs/cgroup/unified');
    expect(cgroupDir(m.freezer!, '/gwt-1')).toBe('/sys/fs/cgroup/freezer/gwt-1');
    expect(cgroupDir(m.freezer!, '/')).toBe('/sys/fs/cgroup/freezer');
    expect(cgroupDir(m.unified!, '/a/b (deleted)', '/fx')).toBe('/fx/sys/fs/cgroup/unified/a/b');
  });

  it('finds nothing without cgroup mounts', () => {
    expect(findCgroupMounts(parseMountinfo('1 0 8:1 / / rw - ext4 /dev/sda1 rw'))).toEqual({
      freezer: undefined,
      unified: undefined,
    });
  });

  it('maps paths below a bind-mounted sub-tree and rejects paths outside it', () => {
    const [m] = parseMountinfo('50 1 0:38 /kubepods/pod1 /sys/fs/cgroup rw - cgroup2 cgroup2 rw');
    expect(cgroupDir(m!, '/kubepods/pod1/c1')).toBe('/sys/fs/cgroup/c1');
    expect(cgroupDir(m!, '/kubepods/pod1')).toBe('/sys/fs/cgroup');
    expect(cgroupDir(m!, '/kubepods/pod10')).toBeUndefined();
    expect(cgroupDir(m!, 'relative')).toBeUndefined();
  });
});
