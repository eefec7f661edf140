# SPDX-License-Identifier: MIT
# Build of the Ghostwire C addon (N-API, see docs/native.md).
# Target name must stay `ghostwire_native`: src/native/load.ts looks for
# build/Release/ghostwire_native.node (and prebuilds/linux-<arch>/ghostwire_native.node).
{
  'targets': [
    {
      'target_name': 'ghostwire_native',
      'sources': [
        'native/addon.c',
        'native/errors.c',
        'native/async.c',
        'native/nsthread.c',
        'native/sockets.c',
        'native/netlink.c',
        'native/nsioctl.c',
        'native/fileops.c',
        'native/nsfiles.c',
        'native/xtables.c',
        'native/mntns.c',
        'native/icmp.c',
        'native/monitor.c',
      ],
      'defines': ['NAPI_VERSION=9', '_GNU_SOURCE'],
      'cflags': [
        '-Wall',
        '-Wextra',
        '-Werror',
        '-O2',
        '-fstack-protector-strong',
        '-fvisibility=hidden',
      ],
      'cflags_c': ['-std=c11'],
    },
  ],
}
