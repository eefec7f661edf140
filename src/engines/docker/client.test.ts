// SPDX-License-Identifier: MIT
/**
 * Docker client, adapter and the generic watcher against a fake Docker API server on a temp
 * unix socket (no engine, no root): version negotiation, subscribe-then-list under concurrent
 * changes, steady-state events, reconnect with resync, self-close when the engine is gone, and
 * no handles left behind.
 */
import * as http from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ENGINE_TYPES, PRIVILEGED_LABEL } from '../../model/container.js';
import { EngineWatcher } from '../watcher.js';
import { DockerAdapter, toWatchEvent } from './adapter.js';
import { DockerClient, compareApiVersions } from './client.js';

interface FakeContainer {
  id: string;
  name: string;
  pid: number;
  paused: boolean;
  labels: Record<string, string>;
  privileged?: boolean;
}

/** Minimal Docker Engine API server. */
class FakeDocker {
  readonly dir = mkdtempSync(join(tmpdir(), 'gw-fakedocker-'));
  readonly sock = join(this.dir, 'docker.sock');
  readonly containers = new Map<string, FakeContainer>();
  apiVersion = '1.41';
  podman = false;
  /** Runs while a /containers/json request is held (to change state mid-list). */
  duringList: (() => void) | undefined;
  listCalls = 0;
  readonly #streams = new Set<http.ServerResponse>();
  server = this.#make();

  #make(): http.Server {
    return http.createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://x');
      const p = url.pathname.replace(/^\/v[\d.]+/, '');
      const json = (v: unknown, status = 200): void => {
        res.writeHead(status, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify(v));
      };
      if (p === '/_ping') {
        res.writeHead(200, {
          'Api-Version': this.apiVersion,
          ...(this.podman ? { 'Libpod-Api-Version': '4.3.1' } : {}),
        });
        res.end('OK');
      } else if (p === '/info') json({ ID: 'FAKE:ID', Name: 'fake', ServerVersion: '99.0' });
      else if (p === '/containers/json') {
        this.listCalls++;
        const snapshot = [...this.containers.values()].map((c) => ({
          Id: c.id,
          Names: [`/${c.name}`],
          State: c.paused ? 'paused' : 'running',
          Labels: c.labels,
        }));
        this.duringList?.();
        this.duringList = undefined;
        setTimeout(() => json(snapshot), 20);
      } else if (p === '/libpod/containers/json')
        json(
          [...this.containers.values()].map((c) => ({
            Id: c.id,
            Names: [c.name],
            Pid: c.pid,
            Pod: c.labels['pod'] ? 'p1' : '',
            PodName: c.labels['pod'] ?? '',
            State: 'running',
          })),
        );
      else if (p.startsWith('/containers/') && p.endsWith('/json')) {
        const c = this.containers.get(decodeURIComponent(p.split('/')[2] ?? ''));
        if (c === undefined) json({ message: 'no such container' }, 404);
        else
          json({
            Id: c.id,
            Name: `/${c.name}`,
            State: {
              Status: c.paused ? 'paused' : 'running',
              Running: true,
              Paused: c.paused,
              Pid: c.pid,
            },
            Config: { Labels: c.labels },
            HostConfig: { Privileged: c.privileged === true },
            NetworkSettings: null,
          });
      } else if (p === '/events') {
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.flushHeaders();
        this.#streams.add(res);
        res.on('close', () => this.#streams.delete(res));
      } else json({ message: 'not found' }, 404);
    });
  }

  listen(): Promise<void> {
    return new Promise((r) => this.server.listen(this.sock, r));
  }
  emit(action: string, id: string): void {
    const line = JSON.stringify({
      Type: 'container',
      Action: action,
      Actor: { ID: id, Attributes: {} },
    });
    for (const s of this.#streams) s.write(`${line}\n`);
  }
  /** Writes a raw line to every event stream (malformed input). */
  emitRaw(line: string): void {
    for (const s of this.#streams) s.write(`${line}\n`);
  }
  get streamCount(): number {
    return this.#streams.size;
  }
  /** Drops the event streams and stops accepting (engine restart, first half). */
  stop(): Promise<void> {
    for (const s of this.#streams) s.destroy();
    this.server.closeAllConnections();
    return new Promise((r) => this.server.close(() => r()));
  }
  async restart(): Promise<void> {
    await this.stop();
    this.server = this.#make();
    await this.listen();
  }
  async dispose(): Promise<void> {
    await this.stop().catch(() => undefined);
    rmSync(this.dir, { recursive: true, force: true });
  }
}

const until = async (fn: () => boolean, ms = 5_000): Promise<boolean> => {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (fn()) return true;
    await new Promise((r) => setTimeout(r, 10));
  }
  return fn();
};

const handles = (): string[] =>
  process.getActiveResourcesInfo().filter((r) => /Pipe|TCP|Timeout/.test(r));
const noNewHandles = (before: string[]): boolean => {
  const now = handles();
  return ['PipeWrap', 'TCPWrap', 'Timeout'].every(
    (k) => now.filter((x) => x === k).length <= before.filter((x) => x === k).length,
  );
};

describe('docker client', () => {
  let fake: FakeDocker | undefined;
  afterEach(async () => {
    await fake?.dispose();
    fake = undefined;
  });

  it('compares API versions numerically', () => {
    expect(compareApiVersions('1.9', '1.41')).toBe(-1);
    expect(compareApiVersions('1.41', '1.41')).toBe(0);
    expect(compareApiVersions('2.0', '1.99')).toBe(1);
  });

  it('negotiates from /_ping, caps the version and recognises podman', async () => {
    fake = new FakeDocker();
    fake.apiVersion = '1.99';
    fake.podman = true;
    await fake.listen();
    const c = new DockerClient(fake.sock);
    const n = await c.negotiate();
    expect(n.apiVersion).toBe('1.43');
    expect(n.libpodVersion).toBe('4.3.1');
    expect(c.apiVersion).toBe('1.43');
    expect((await c.info()).ID).toBe('FAKE:ID');
    expect(await c.inspect('nope')).toBeUndefined();
    c.close();
    await expect(c.info()).rejects.toMatchObject({ code: 'GW_ERR_ENGINE_UNREACHABLE' });
  });

  it('reports an unreachable socket as GW_ERR_ENGINE_UNREACHABLE', async () => {
    const c = new DockerClient('/nonexistent/gw.sock', { timeoutMs: 500 });
    await expect(c.negotiate()).rejects.toMatchObject({
      code: 'GW_ERR_ENGINE_UNREACHABLE',
      engine: 'docker',
    });
    c.close();
  });

  it('maps events to watcher events', () => {
    expect(toWatchEvent({ Type: 'container', Action: 'start', Actor: { ID: 'a' } })).toEqual({
      kind: 'changed',
      id: 'a',
    });
    expect(toWatchEvent({ Type: 'container', Action: 'died', Actor: { ID: 'a' } })).toEqual({
      kind: 'gone',
      id: 'a',
    });
    expect(toWatchEvent({ status: 'destroy', id: 'b' })).toEqual({ kind: 'gone', id: 'b' });
    expect(
      toWatchEvent({ Type: 'container', Action: 'exec_start: sh', Actor: { ID: 'a' } }),
    ).toBeUndefined();
    expect(
      toWatchEvent({ Type: 'network', Action: 'connect', Actor: { ID: 'n' } }),
    ).toBeUndefined();
  });
});

describe('watcher over the docker adapter', () => {
  let fake: FakeDocker | undefined;
  let watcher: EngineWatcher | undefined;
  afterEach(async () => {
    watcher?.close();
    watcher = undefined;
    await fake?.dispose();
    fake = undefined;
  });

  async function start(
    opts: { alive?: () => boolean; podman?: boolean } = {},
  ): Promise<EngineWatcher> {
    const client = new DockerClient((fake as FakeDocker).sock);
    await client.negotiate();
    const w = new EngineWatcher(
      new DockerAdapter(client, opts.podman === true ? ENGINE_TYPES.podman : ENGINE_TYPES.docker),
      {
        backoffInitialMs: 20,
        backoffMaxMs: 100,
        ...(opts.alive === undefined ? {} : { isAlive: opts.alive }),
      },
    );
    watcher = w;
    return w;
  }

  it('subscribes first, then lists: changes during the list are not lost', async () => {
    const before = handles();
    fake = new FakeDocker();
    fake.containers.set('a', {
      id: 'a',
      name: 'alpha',
      pid: 100,
      paused: false,
      labels: { x: '1' },
    });
    fake.containers.set('b', {
      id: 'b',
      name: 'beta',
      pid: 101,
      paused: false,
      labels: {},
      privileged: true,
    });
    fake.containers.set('z', { id: 'z', name: 'zombie', pid: 0, paused: false, labels: {} });
    await fake.listen();
    const f = fake;
    f.duringList = () => {
      f.containers.set('c', { id: 'c', name: 'gamma', pid: 102, paused: false, labels: {} });
      f.emit('start', 'c');
      f.containers.delete('a');
      f.emit('die', 'a');
    };
    const w = await start();
    expect(await w.waitSynced(5_000)).toBe(true);
    const got = w.containers().sort((x, y) => x.id.localeCompare(y.id));
    expect(got.map((c) => c.id)).toEqual(['b', 'c']);
    expect(got[0]).toMatchObject({
      name: 'beta',
      pid: 101,
      privileged: true,
      labels: { [PRIVILEGED_LABEL]: '' },
    });
    // steady state
    f.containers.set('b', { ...(f.containers.get('b') as FakeContainer), paused: true });
    f.emit('pause', 'b');
    expect(await until(() => w.containers().find((c) => c.id === 'b')?.paused === true)).toBe(true);
    f.containers.delete('c');
    f.emit('destroy', 'c');
    expect(await until(() => w.containers().every((c) => c.id !== 'c'))).toBe(true);
    w.close();
    await f.dispose();
    fake = undefined;
    expect(await until(() => noNewHandles(before))).toBe(true);
  });

  it('counts malformed event lines instead of dropping them silently', async () => {
    fake = new FakeDocker();
    fake.containers.set('a', { id: 'a', name: 'alpha', pid: 100, paused: false, labels: {} });
    await fake.listen();
    const w = await start();
    expect(await w.waitSynced(5_000)).toBe(true);
    expect(w.adapter.malformedMessages?.()).toBe(0);
    // complete top-level objects (the stream splitter counts braces) that are not JSON
    fake.emitRaw('{"Type": container}');
    fake.emitRaw("{'Action': 'start'}");
    fake.containers.set('b', { id: 'b', name: 'beta', pid: 101, paused: false, labels: {} });
    fake.emit('start', 'b'); // a good event after the bad ones still applies
    expect(await until(() => w.containers().some((c) => c.id === 'b'))).toBe(true);
    expect(w.adapter.malformedMessages?.()).toBe(2);
    w.close();
  });

  it('reconnects with backoff and resynchronises after an engine restart', async () => {
    fake = new FakeDocker();
    fake.containers.set('a', { id: 'a', name: 'alpha', pid: 100, paused: false, labels: {} });
    await fake.listen();
    const w = await start();
    expect(await w.waitSynced(5_000)).toBe(true);
    expect(w.syncCount).toBe(1);
    await fake.stop();
    // changed while the engine was away: no event will tell
    fake.containers.delete('a');
    fake.containers.set('n', { id: 'n', name: 'new', pid: 200, paused: false, labels: {} });
    expect(await until(() => w.state === 'backoff' || w.state === 'syncing')).toBe(true);
    expect(w.containers().map((c) => c.id)).toEqual(['a']); // make-before-break: old view kept meanwhile
    await fake.restart();
    expect(await until(() => w.syncCount === 2)).toBe(true);
    expect(w.containers().map((c) => c.id)).toEqual(['n']);
    expect(fake.streamCount).toBe(1);
  });

  it('closes itself when the engine process is gone instead of reconnecting', async () => {
    fake = new FakeDocker();
    await fake.listen();
    let alive = true;
    const w = await start({ alive: () => alive });
    expect(await w.waitSynced(5_000)).toBe(true);
    alive = false;
    await fake.stop();
    expect(await until(() => w.state === 'closed')).toBe(true);
    expect(await w.waitSynced(10)).toBe(true);
  });

  it('adds podman pod names from the libpod API', async () => {
    fake = new FakeDocker();
    fake.podman = true;
    fake.containers.set('p', {
      id: 'p',
      name: 'inpod',
      pid: 300,
      paused: false,
      labels: { pod: 'mypod' },
    });
    await fake.listen();
    const w = await start({ podman: true });
    expect(await w.waitSynced(5_000)).toBe(true);
    expect(w.containers()[0]?.pod).toBe('mypod');
  });

  it('waitSynced gives up after its timeout without leaving a timer', async () => {
    const before = handles();
    const client = new DockerClient('/nonexistent/gw.sock', { timeoutMs: 200 });
    const w = new EngineWatcher(new DockerAdapter(client), { backoffInitialMs: 50 });
    watcher = w;
    expect(await w.waitSynced(150)).toBe(false);
    w.close();
    expect(w.state).toBe('closed');
    expect(await until(() => noNewHandles(before))).toBe(true);
  });
});
