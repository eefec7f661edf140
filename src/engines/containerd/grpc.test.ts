// SPDX-License-Identifier: MIT
/**
 * containerd and CRI clients/adapters against a grpc-js test server on a temp unix socket that
 * speaks the same minimal protos: namespace header, ignored namespaces, task states, event
 * payload decoding (exec exits ignored), CRI PIDs from verbose status, the UNIMPLEMENTED
 * fallback to polling, and no handles left behind.
 */
import * as grpc from '@grpc/grpc-js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type protobuf from 'protobufjs';
import { afterEach, describe, expect, it } from 'vitest';
import { decode, encode } from '../grpc.js';
import { CriAdapter } from '../cri/adapter.js';
import { CriClient } from '../cri/client.js';
import { CONTAINER_STATE, criType } from '../cri/proto.js';
import { EngineWatcher } from '../watcher.js';
import { ContainerdAdapter, toWatchEvent } from './adapter.js';
import { ContainerdClient } from './client.js';
import { CONTAINERD_METHODS, TASK_STATUS, containerdType as T } from './proto.js';

type Impl = grpc.UntypedServiceImplementation;

function method(
  path: string,
  req: protobuf.Type,
  res: protobuf.Type,
  stream = false,
): grpc.MethodDefinition<unknown, unknown> {
  return {
    path,
    requestStream: false,
    responseStream: stream,
    requestSerialize: (v: unknown) => encode(req, v as Record<string, unknown>),
    requestDeserialize: (b: Buffer) => decode(req, b),
    responseSerialize: (v: unknown) => encode(res, v as Record<string, unknown>),
    responseDeserialize: (b: Buffer) => decode(res, b),
  };
}

async function serve(
  defs: Record<string, grpc.MethodDefinition<unknown, unknown>>,
  impl: Impl,
): Promise<{ sock: string; stop(): Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'gw-grpc-'));
  const sock = join(dir, 'api.sock');
  const server = new grpc.Server();
  server.addService(defs, impl);
  await new Promise<void>((resolve, reject) =>
    server.bindAsync(`unix://${sock}`, grpc.ServerCredentials.createInsecure(), (e) =>
      e === null ? resolve() : reject(e),
    ),
  );
  return {
    sock,
    stop: () =>
      new Promise<void>((r) => {
        server.forceShutdown();
        rmSync(dir, { recursive: true, force: true });
        r();
      }),
  };
}

const until = async (fn: () => boolean, ms = 5_000): Promise<boolean> => {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (fn()) return true;
    await new Promise((r) => setTimeout(r, 10));
  }
  return fn();
};

const Empty = T('google.protobuf.Empty');

describe('containerd over gRPC', () => {
  let stop: (() => Promise<void>) | undefined;
  let watcher: EngineWatcher | undefined;
  afterEach(async () => {
    watcher?.close();
    watcher = undefined;
    await stop?.();
    stop = undefined;
  });

  it('lists per namespace with the namespace header, skips moby/k8s.io, follows events', async () => {
    const seenNs: string[] = [];
    const tasks: Record<string, Array<{ id: string; pid: number; status: number }>> = {
      default: [
        { id: 'run', pid: 10, status: TASK_STATUS.RUNNING },
        { id: 'stopped', pid: 11, status: TASK_STATUS.STOPPED },
      ],
      other: [{ id: 'p', pid: 12, status: TASK_STATUS.PAUSED }],
      moby: [{ id: 'dock', pid: 13, status: TASK_STATUS.RUNNING }],
    };
    let events: grpc.ServerWritableStream<unknown, unknown> | undefined;
    const labels = { 'nerdctl/name': 'pretty' };
    const defs = {
      Version: method(
        CONTAINERD_METHODS.version,
        Empty,
        T('containerd.services.version.v1.VersionResponse'),
      ),
      Server: method(
        CONTAINERD_METHODS.introspectionServer,
        Empty,
        T('containerd.services.introspection.v1.ServerResponse'),
      ),
      Namespaces: method(
        CONTAINERD_METHODS.namespacesList,
        T('containerd.services.namespaces.v1.ListNamespacesRequest'),
        T('containerd.services.namespaces.v1.ListNamespacesResponse'),
      ),
      Containers: method(
        CONTAINERD_METHODS.containersList,
        T('containerd.services.containers.v1.ListContainersRequest'),
        T('containerd.services.containers.v1.ListContainersResponse'),
      ),
      Get: method(
        CONTAINERD_METHODS.containersGet,
        T('containerd.services.containers.v1.GetContainerRequest'),
        T('containerd.services.containers.v1.GetContainerResponse'),
      ),
      Tasks: method(
        CONTAINERD_METHODS.tasksList,
        T('containerd.services.tasks.v1.ListTasksRequest'),
        T('containerd.services.tasks.v1.ListTasksResponse'),
      ),
      Task: method(
        CONTAINERD_METHODS.tasksGet,
        T('containerd.services.tasks.v1.GetRequest'),
        T('containerd.services.tasks.v1.GetResponse'),
      ),
      Subscribe: method(
        CONTAINERD_METHODS.eventsSubscribe,
        T('containerd.services.events.v1.SubscribeRequest'),
        T('containerd.types.Envelope'),
        true,
      ),
    };
    const ns = (call: { metadata: grpc.Metadata }): string =>
      String(call.metadata.get('containerd-namespace')[0] ?? '');
    const impl: Impl = {
      Version: (_c: unknown, cb: grpc.sendUnaryData<unknown>) =>
        cb(null, { version: '9.9', revision: 'abc' }),
      Server: (_c: unknown, cb: grpc.sendUnaryData<unknown>) =>
        cb(null, { uuid: 'u-1', pid: 1, pidns: 2 }),
      Namespaces: (_c: unknown, cb: grpc.sendUnaryData<unknown>) =>
        cb(null, { namespaces: Object.keys(tasks).map((name) => ({ name, labels: {} })) }),
      Containers: (c: grpc.ServerUnaryCall<unknown, unknown>, cb: grpc.sendUnaryData<unknown>) => {
        seenNs.push(ns(c));
        cb(null, {
          containers: (tasks[ns(c)] ?? []).map((t) => ({
            id: t.id,
            labels: t.id === 'p' ? labels : { k: 'v' },
          })),
        });
      },
      Get: (c: grpc.ServerUnaryCall<{ id: string }, unknown>, cb: grpc.sendUnaryData<unknown>) => {
        const t = (tasks[ns(c)] ?? []).find((x) => x.id === c.request.id);
        if (t === undefined) cb({ code: grpc.status.NOT_FOUND, details: 'nope' }, null);
        else cb(null, { container: { id: t.id, labels: {} } });
      },
      Tasks: (c: grpc.ServerUnaryCall<unknown, unknown>, cb: grpc.sendUnaryData<unknown>) =>
        cb(null, {
          tasks: (tasks[ns(c)] ?? []).map((t) => ({
            container_id: '',
            id: t.id,
            pid: t.pid,
            status: t.status,
          })),
        }),
      Task: (
        c: grpc.ServerUnaryCall<{ container_id: string }, unknown>,
        cb: grpc.sendUnaryData<unknown>,
      ) => {
        const t = (tasks[ns(c)] ?? []).find((x) => x.id === c.request.container_id);
        if (t === undefined) cb({ code: grpc.status.NOT_FOUND, details: 'nope' }, null);
        else cb(null, { process: { container_id: t.id, id: t.id, pid: t.pid, status: t.status } });
      },
      Subscribe: (call: grpc.ServerWritableStream<{ filters: string[] }, unknown>) => {
        expect(call.request.filters).toContain('topic=="/tasks/exit"');
        expect(call.metadata.get('containerd-namespace')).toEqual([]);
        events = call;
      },
    };
    const srv = await serve(defs, impl);
    stop = srv.stop;
    const client = new ContainerdClient(srv.sock, { timeoutMs: 2_000 });
    expect(await client.version()).toEqual({ version: '9.9', revision: 'abc' });
    expect((await client.introspectionServer()).uuid).toBe('u-1');
    const w = new EngineWatcher(new ContainerdAdapter(client), { backoffInitialMs: 20 });
    watcher = w;
    expect(await w.waitSynced(5_000)).toBe(true);
    expect(seenNs.sort()).toEqual(['default', 'other']);
    const got = w.containers().sort((a, b) => a.id.localeCompare(b.id));
    expect(got).toEqual([
      { id: 'other/p', name: 'other/pretty', labels, pid: 12, paused: true, privileged: false },
      { id: 'run', name: 'run', labels: { k: 'v' }, pid: 10, paused: false, privileged: false },
    ]);
    const envelope = (
      namespace: string,
      topic: string,
      typeName: string,
      payload: Record<string, unknown>,
    ): unknown => ({
      namespace,
      topic,
      event: { type_url: typeName, value: encode(T(typeName), payload) },
    });
    // a new task starts, an exec ends (ignored), the paused one resumes, the running one exits
    (tasks['default'] as Array<{ id: string; pid: number; status: number }>).push({
      id: 'new',
      pid: 20,
      status: TASK_STATUS.RUNNING,
    });
    events?.write(
      envelope('default', '/tasks/start', 'containerd.events.TaskStart', {
        container_id: 'new',
        pid: 20,
      }),
    );
    events?.write(
      envelope('default', '/tasks/exit', 'containerd.events.TaskExit', {
        container_id: 'run',
        id: 'exec-1',
        pid: 30,
      }),
    );
    (tasks['other'] as Array<{ id: string; pid: number; status: number }>)[0] = {
      id: 'p',
      pid: 12,
      status: TASK_STATUS.RUNNING,
    };
    events?.write(
      envelope('other', '/tasks/resumed', 'containerd.events.TaskResumed', { container_id: 'p' }),
    );
    events?.write(
      envelope('moby', '/tasks/start', 'containerd.events.TaskStart', {
        container_id: 'dock',
        pid: 13,
      }),
    );
    expect(
      await until(() => w.containers().length === 3 && w.containers().every((c) => !c.paused)),
    ).toBe(true);
    expect(w.containers().some((c) => c.id === 'run')).toBe(true);
    events?.write(
      envelope('default', '/tasks/exit', 'containerd.events.TaskExit', {
        container_id: 'run',
        id: 'run',
        pid: 10,
      }),
    );
    expect(await until(() => !w.containers().some((c) => c.id === 'run'))).toBe(true);
    expect(w.containers().some((c) => c.id.startsWith('moby'))).toBe(false);
  });

  it('maps envelopes: exec exits and ignored namespaces give nothing', () => {
    expect(
      toWatchEvent({
        namespace: 'default',
        topic: '/tasks/exit',
        event: { container_id: 'a', id: 'a' },
      }),
    ).toEqual({ kind: 'gone', id: 'a' });
    expect(
      toWatchEvent({
        namespace: 'x',
        topic: '/tasks/exit',
        event: { container_id: 'a', id: 'e1' },
      }),
    ).toBeUndefined();
    expect(
      toWatchEvent({ namespace: 'k8s.io', topic: '/tasks/start', event: { container_id: 'a' } }),
    ).toBeUndefined();
    expect(
      toWatchEvent({ namespace: 'x', topic: '/containers/update', event: { id: 'a' } }),
    ).toEqual({ kind: 'changed', id: 'x/a' });
  });
});

describe('CRI over gRPC', () => {
  let stop: (() => Promise<void>) | undefined;
  let watcher: EngineWatcher | undefined;
  afterEach(async () => {
    watcher?.close();
    watcher = undefined;
    await stop?.();
    stop = undefined;
  });

  it('lists containers and sandboxes with PIDs and pod labels; polls without GetContainerEvents', async () => {
    const before = process
      .getActiveResourcesInfo()
      .filter((r) => r === 'Timeout' || r === 'PipeWrap').length;
    const sandbox = {
      id: 'sb1',
      metadata: { name: 'web', uid: 'u1', namespace: 'prod', attempt: 0 },
      state: 0,
      labels: { app: 'web' },
      annotations: {},
    };
    const containers = [
      {
        id: 'c1',
        pod_sandbox_id: 'sb1',
        metadata: { name: 'nginx', attempt: 0 },
        state: CONTAINER_STATE.RUNNING,
        labels: { tier: 'fe' },
        annotations: { note: 'n' },
      },
    ];
    const pids: Record<string, number> = { c1: 501, sb1: 500, c2: 502 };
    const filters: unknown[] = [];
    const defs = {
      Version: method(
        '/runtime.v1.RuntimeService/Version',
        criType('VersionRequest'),
        criType('VersionResponse'),
      ),
      ListContainers: method(
        '/runtime.v1.RuntimeService/ListContainers',
        criType('ListContainersRequest'),
        criType('ListContainersResponse'),
      ),
      ListPodSandbox: method(
        '/runtime.v1.RuntimeService/ListPodSandbox',
        criType('ListPodSandboxRequest'),
        criType('ListPodSandboxResponse'),
      ),
      ContainerStatus: method(
        '/runtime.v1.RuntimeService/ContainerStatus',
        criType('ContainerStatusRequest'),
        criType('ContainerStatusResponse'),
      ),
      PodSandboxStatus: method(
        '/runtime.v1.RuntimeService/PodSandboxStatus',
        criType('PodSandboxStatusRequest'),
        criType('PodSandboxStatusResponse'),
      ),
    };
    const impl: Impl = {
      Version: (_c: unknown, cb: grpc.sendUnaryData<unknown>) =>
        cb(null, {
          version: '0.1.0',
          runtime_name: 'fake',
          runtime_version: '1.0',
          runtime_api_version: 'v1',
        }),
      ListContainers: (
        c: grpc.ServerUnaryCall<{ filter: { id: string } | null }, unknown>,
        cb: grpc.sendUnaryData<unknown>,
      ) => {
        filters.push(c.request.filter);
        const id = c.request.filter?.id ?? '';
        cb(null, { containers: containers.filter((x) => id === '' || x.id === id) });
      },
      ListPodSandbox: (
        c: grpc.ServerUnaryCall<
          { filter: { id: string; state: { state: number } | null } | null },
          unknown
        >,
        cb: grpc.sendUnaryData<unknown>,
      ) => {
        filters.push(c.request.filter);
        const id = c.request.filter?.id ?? '';
        cb(null, { items: id === '' || id === 'sb1' ? [sandbox] : [] });
      },
      ContainerStatus: (
        c: grpc.ServerUnaryCall<{ container_id: string; verbose: boolean }, unknown>,
        cb: grpc.sendUnaryData<unknown>,
      ) =>
        cb(null, {
          info: c.request.verbose
            ? { info: JSON.stringify({ pid: pids[c.request.container_id] }) }
            : {},
        }),
      PodSandboxStatus: (
        c: grpc.ServerUnaryCall<{ pod_sandbox_id: string; verbose: boolean }, unknown>,
        cb: grpc.sendUnaryData<unknown>,
      ) => cb(null, { info: { info: JSON.stringify({ pid: pids[c.request.pod_sandbox_id] }) } }),
    };
    const srv = await serve(defs, impl);
    stop = srv.stop;
    const client = new CriClient(srv.sock, { timeoutMs: 2_000 });
    expect(await client.version()).toEqual({
      runtimeName: 'fake',
      runtimeVersion: '1.0',
      runtimeApiVersion: 'v1',
    });
    const w = new EngineWatcher(new CriAdapter(client, { pollMs: 50 }), { backoffInitialMs: 20 });
    watcher = w;
    expect(await w.waitSynced(5_000)).toBe(true);
    // the READY filter (enum zero) must be sent as a present, empty wrapper message
    expect(filters).toContainEqual(expect.objectContaining({ state: { state: 0 } }));
    const got = w.containers().sort((a, b) => a.id.localeCompare(b.id));
    expect(got[0]).toMatchObject({
      id: 'c1',
      name: 'nginx',
      pid: 501,
      labels: {
        tier: 'fe',
        'io.kubernetes.annotation/note': 'n',
        'io.kubernetes.pod.name': 'web',
        'io.kubernetes.pod.namespace': 'prod',
        'io.kubernetes.pod.uid': 'u1',
        'io.kubernetes.container.name': 'nginx',
      },
    });
    expect(got[1]).toMatchObject({
      id: 'sb1',
      name: 'sb1',
      pid: 500,
      labels: { 'io.kubernetes.sandbox': '', app: 'web' },
    });
    // no GetContainerEvents on this server: changes arrive by polling
    containers.push({
      id: 'c2',
      pod_sandbox_id: 'sb1',
      metadata: { name: 'side', attempt: 0 },
      state: CONTAINER_STATE.RUNNING,
      labels: { tier: 'x' },
      annotations: { note: 'n' },
    });
    expect(await until(() => w.containers().some((c) => c.id === 'c2' && c.pid === 502))).toBe(
      true,
    );
    containers.splice(0, 1);
    expect(await until(() => !w.containers().some((c) => c.id === 'c1'))).toBe(true);
    w.close();
    watcher = undefined;
    await stop();
    stop = undefined;
    expect(
      await until(
        () =>
          process.getActiveResourcesInfo().filter((r) => r === 'Timeout' || r === 'PipeWrap')
            .length <= before,
      ),
    ).toBe(true);
  });
});
