// SPDX-License-Identifier: MIT
/**
 * @module components/TenantMarks
 *
 * State, engine and privilege marks of a card's tenants: each mark is a glyph plus text, with a
 * tooltip describing it ("running privileged Docker container").
 */
import type { TenantNode } from '@gw/wiring';

const STATE_GLYPH: Record<string, string> = {
  running: '●',
  paused: '⏸',
  exited: '■',
  restarting: '↻',
};

/** Describes a tenant in words. */
export function describeTenant(t: TenantNode): string {
  const what =
    t.type === 'proc'
      ? 'process'
      : t.type === 'bindmount'
        ? 'bind-mounted netns'
        : `${t.typeText} container`;
  const extra = t.privileged ? ' privileged' : '';
  const caps = t.extraCaps && !t.privileged ? ' with additional non-default capabilities' : '';
  return `${t.status !== '' ? `${t.status}${extra} ` : extra}${what}${caps}${t.sandbox ? ' (pod sandbox)' : ''}`.trim();
}

/** The marks of up to three tenants, then "+N". */
export function TenantMarks({ tenants }: { tenants: readonly TenantNode[] }) {
  const shown = tenants.filter((t) => !t.sandbox).slice(0, 3);
  const more = tenants.filter((t) => !t.sandbox).length - shown.length;
  return (
    <>
      {shown.map((t) => (
        <span
          key={t.id}
          className={`mark state-${t.status || 'none'}`}
          title={`${t.name}: ${describeTenant(t)}`}
        >
          {t.status !== '' ? <span aria-hidden="true">{STATE_GLYPH[t.status] ?? '●'} </span> : null}
          {t.type === 'proc' || t.type === 'bindmount'
            ? t.type === 'proc'
              ? 'proc'
              : 'bind'
            : t.type}
          {t.status !== '' && t.status !== 'running' ? ` ${t.status}` : ''}
          {t.privileged ? <span className="priv"> PRIV</span> : null}
          {t.extraCaps && !t.privileged ? <span className="caps"> CAP+</span> : null}
        </span>
      ))}
      {more > 0 ? <span className="mark muted">+{more}</span> : null}
    </>
  );
}
