// SPDX-License-Identifier: MIT
/**
 * @module components/Icons
 *
 * Small inline-SVG glyphs. Every use pairs them with text or an aria-label/tooltip: no icon
 * carries meaning alone.
 */
import type { NifKindName } from '@gw/wiring';

/** Short kind text of a badge. */
export const KIND_TEXT: Record<NifKindName, string> = {
  loopback: 'lo',
  physical: 'nic',
  bridge: 'bridge',
  veth: 'veth',
  macvlan: 'macvlan',
  vlan: 'vlan',
  vxlan: 'vxlan',
  tun: 'tun',
  tap: 'tap',
  dummy: 'dummy',
  other: 'if',
};

/** Long description of a kind for tooltips. */
export const KIND_DESCRIPTION: Record<NifKindName, string> = {
  loopback: 'loopback interface',
  physical: 'physical network interface',
  bridge: 'virtual bridge (its ports hang off the rail)',
  veth: 'virtual Ethernet pair end',
  macvlan: 'MACVLAN on a master interface',
  vlan: 'VLAN on a lower interface',
  vxlan: 'VXLAN overlay',
  tun: 'TUN device (IP level, held by a process)',
  tap: 'TAP device (Ethernet level, held by a process)',
  dummy: 'dummy interface',
  other: 'network interface',
};

const PATHS: Record<NifKindName, string> = {
  loopback: 'M8 3a5 5 0 1 0 0 10A5 5 0 1 0 8 3zm0 2a3 3 0 1 1 0 6 3 3 0 0 1 0-6z',
  physical: 'M2 4h12v7H2zM4 11v2m8-2v2M5 6h1v3H5zm2.5 0h1v3h-1zm2.5 0h1v3h-1z',
  bridge: 'M1 10h14M3 10V6m10 4V6M3 6c2-3 8-3 10 0M8 4v6',
  veth: 'M1 8h4m6 0h4M5 5h2v6H5zm4 0h2v6H9z',
  macvlan: 'M2 8h5M7 8l5-4M7 8l5 4M7 8h6',
  vlan: 'M2 5h12M2 8h12M2 11h12',
  vxlan: 'M2 11c2-6 10-6 12 0M5 11V8m6 3V8',
  tun: 'M3 4h10v8H3zM6 7h4v2H6z',
  tap: 'M3 4h10v8H3zM5 6h6v4H5z',
  dummy: 'M3 8h7m0-3v6',
  other: 'M3 4h10v8H3z',
};

/** The glyph of an interface kind. */
export function KindIcon({ kind }: { kind: NifKindName }) {
  return (
    <svg className="icon" viewBox="0 0 16 16" aria-hidden="true" focusable="false">
      <path d={PATHS[kind]} fill="none" stroke="currentColor" strokeWidth="1.4" />
    </svg>
  );
}

/** Operstate as a glyph plus text for screen readers. */
export function OperIcon({ up, state }: { up: boolean; state: string }) {
  return (
    <span className={`oper ${up ? 'up' : 'down'}`} title={`operstate ${state}`}>
      <span aria-hidden="true">{up ? '▲' : '▼'}</span>
      <span className="sr-only">{state}</span>
    </span>
  );
}

/** The shark-fin capture glyph. */
export function FinIcon() {
  return (
    <svg className="icon" viewBox="0 0 16 16" aria-hidden="true" focusable="false">
      <path d="M2 13c3-1 5-5 6-10 1 4 3 8 6 10z" fill="currentColor" />
    </svg>
  );
}
