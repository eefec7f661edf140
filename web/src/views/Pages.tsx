// SPDX-License-Identifier: MIT
/**
 * @module views/Pages
 *
 * Settings, help and about.
 */
import { useApp } from '../app/context';
import { DEFAULT_FILTERS, type Filters } from '../models/url-state';

/** Theme preference (localStorage `ghostwire.theme`). */
export type ThemePref = 'system' | 'light' | 'dark';

/** Applies a theme preference to the document. */
export function applyTheme(t: ThemePref): void {
  if (t === 'system') delete document.documentElement.dataset['theme'];
  else document.documentElement.dataset['theme'] = t;
}

/** Reads the stored theme preference. */
export function storedTheme(): ThemePref {
  try {
    const v = localStorage.getItem('ghostwire.theme');
    return v === 'light' || v === 'dark' ? v : 'system';
  } catch {
    return 'system';
  }
}

const FILTER_TEXT: Record<keyof Filters, string> = {
  showLoOnly: 'show network namespaces that have only a loopback interface',
  ipv6: 'show IPv6 addresses, routes and ports',
  macs: 'show MAC addresses in the details',
  sandboxes: 'show pod sandbox (pause) containers',
  addresses: 'list addresses on the wiring badges',
};

/** Settings page. */
export function SettingsView({
  theme,
  setTheme,
}: {
  theme: ThemePref;
  setTheme: (t: ThemePref) => void;
}) {
  const { url, navigate } = useApp();
  return (
    <main className="page narrow">
      <h1>Settings</h1>
      <fieldset>
        <legend>Appearance</legend>
        {(['system', 'light', 'dark'] as const).map((t) => (
          <label key={t} className="row">
            <input type="radio" name="theme" checked={theme === t} onChange={() => setTheme(t)} />{' '}
            {t === 'system' ? 'follow the system' : t}
          </label>
        ))}
      </fieldset>
      <fieldset>
        <legend>Display filters (kept in the URL, so links carry them)</legend>
        {(Object.keys(FILTER_TEXT) as Array<keyof Filters>).map((k) => (
          <label key={k} className="row">
            <input
              type="checkbox"
              checked={url.filters[k]}
              onChange={(e) =>
                navigate(
                  { ...url, filters: { ...url.filters, [k]: e.target.checked } },
                  { replace: true },
                )
              }
            />{' '}
            {FILTER_TEXT[k]}
            {url.filters[k] !== DEFAULT_FILTERS[k] ? (
              <span className="muted"> (changed)</span>
            ) : null}
          </label>
        ))}
        <button
          type="button"
          onClick={() => navigate({ ...url, filters: DEFAULT_FILTERS }, { replace: true })}
        >
          reset filters
        </button>
      </fieldset>
    </main>
  );
}

/** Help page. */
export function HelpView() {
  return (
    <main className="page narrow help">
      <h1>Help</h1>
      <section id="wiring">
        <h2>Reading the wiring</h2>
        <p>
          Every network namespace (netns) is a card, titled by what lives in it: its pod, its
          containers or its processes. The host's netns is the tall card on the left. Marks under
          the title give each tenant's state (● running, ⏸ paused, ■ exited), its engine,{' '}
          <strong>PRIV</strong> for privileged containers and <strong>CAP+</strong> for containers
          with capabilities beyond the engine's defaults.
        </p>
        <p>
          Interfaces are badges: a glyph and a kind word (veth, bridge, macvlan, vlan, vxlan, tun,
          tap, nic), the name, an alias after “~” (for bridges the engine's network name), and ▲ up
          or ▼ down. A bridge's ports hang off the vertical rail at the left of the card.
        </p>
        <p>
          Wires connect interfaces across namespaces. Their kind shows as a line pattern: veth
          solid, macvlan dash-dot, vlan dotted, vxlan long dashes, SR-IOV long-short, tun/tap short
          dashes, and physical NICs an arrow to the outside. A grey thin wire has a down end. Hover
          or focus (Tab) a badge or wire to light it up end to end; click a badge to keep it lit. A
          wire whose other end is filtered out ends in an arrow with a label naming that end.
        </p>
        <p>
          Compose projects and pods are boxes around their cards; collapse them to one line. Scroll
          to pan, Ctrl+wheel or +/− to zoom, the minimap (right) jumps.
        </p>
      </section>
      <section id="search">
        <h2>Finding things</h2>
        <p>
          Press <kbd>/</kbd> to search. The search matches container, pod, project and process
          names, IP addresses (also an address inside an interface's subnet), port numbers,
          interface names, MAC addresses and labels. Results say what matched; Enter or a click
          opens it. The search and filters are part of the URL: copy it to share exactly what you
          see. Links to a namespace name its container, so they keep working after the container
          restarts.
        </p>
      </section>
      <section id="capture">
        <h2>How capture works</h2>
        <p>
          When Ghostwire runs as part of Edgeshark (the page was served with the{' '}
          <code>Enable-Monolith</code> header), shark-fin buttons appear next to every namespace and
          interface. A click opens a <code>packetflix:</code> link; the Edgeshark Wireshark plugin
          (cshargextcap) must be installed to handle it. Wireshark then streams packets from the
          Packetflix service's <code>capture</code> websocket. Interfaces that are down cannot be
          captured; their button is disabled and says why. The interface set is fixed when the
          capture starts.
        </p>
      </section>
      <section id="live">
        <h2>Live updates</h2>
        <p>
          The header shows the connection to the change feed and when the data was last updated.
          Changes appear in place; namespaces that changed since you opened the page are outlined
          and marked “changed”.
        </p>
      </section>
    </main>
  );
}

/** About page. */
export function AboutView() {
  const { doc, dyn } = useApp();
  const md = doc.metadata;
  return (
    <main className="page narrow">
      <h1>About {dyn.brand}</h1>
      <dl className="props">
        <dt>web UI version</dt>
        <dd>{__GW_VERSION__}</dd>
        <dt>discovery engine</dt>
        <dd>
          {md['creator-id']} {md['creator-version']}
        </dd>
        <dt>host</dt>
        <dd>
          {md.hostname} · {md['osrel-name']} {md['osrel-version']}
        </dd>
        <dt>kernel</dt>
        <dd>{md['kernel-version']}</dd>
        <dt>container engines</dt>
        <dd>
          <ul className="plain">
            {md['container-engines'].map((e) => (
              <li key={e.id}>
                {e.type} {e.version} (PID {e.pid})
              </li>
            ))}
          </ul>
        </dd>
        <dt>packet capture</dt>
        <dd>{dyn.enableMonolith ? 'enabled (Edgeshark)' : 'not enabled'}</dd>
      </dl>
      <p className="muted">MIT licensed.</p>
    </main>
  );
}
