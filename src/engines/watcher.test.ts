// SPDX-License-Identifier: MIT
/** @module engines/watcher.test */
import { describe, expect, it } from 'vitest';
import { ENGINE_TYPES } from '../model/container.js';
import {
  EngineWatcher,
  type EngineAdapter,
  type Subscription,
  type TrackedContainer,
  type WatchEvent,
} from './watcher.js';

const c1: TrackedContainer = {
  id: 'c1',
  name: 'one',
  labels: {},
  pid: 101,
  paused: false,
  privileged: false,
};
const c2: TrackedContainer = {
  id: 'c2',
  name: 'two',
  labels: {},
  pid: 102,
  paused: false,
  privileged: false,
};

/** Fake adapter recording its calls; `emit` sends an event on the open subscription. */
class FakeAdapter implements EngineAdapter {
  readonly type = ENGINE_TYPES.docker;
  readonly endpoint = 'unix:///fake.sock';
  readonly calls: string[] = [];
  containers = new Map<string, TrackedContainer>([[c1.id, c1]]);
  listFailures = 0;
  closed = false;
  #onEvent: ((e: WatchEvent) => void) | undefined;

  subscribe(onEvent: (e: WatchEvent) => void): Promise<Subscription> {
    this.calls.push('subscribe');
    this.#onEvent = onEvent;
    return Promise.resolve({ close: () => this.calls.push('unsubscribe') });
  }
  list(): Promise<TrackedContainer[]> {
    this.calls.push('list');
    if (this.listFailures > 0) {
      this.listFailures--;
      return Promise.reject(new Error('list failed'));
    }
    return Promise.resolve([...this.containers.values()]);
  }
  inspect(id: string): Promise<TrackedContainer | undefined> {
    this.calls.push(`inspect ${id}`);
    return Promise.resolve(this.containers.get(id));
  }
  close(): void {
    this.closed = true;
  }
  emit(e: WatchEvent): void {
    this.#onEvent?.(e);
  }
}

const tick = (): Promise<void> => new Promise((r) => setTimeout(r, 5));

describe('EngineWatcher', () => {
  it('watching (default): subscribes before listing and applies later events', async () => {
    const a = new FakeAdapter();
    const w = new EngineWatcher(a);
    expect(await w.waitSynced(1_000)).toBe(true);
    expect(a.calls).toEqual(['subscribe', 'list']);
    a.containers.set(c2.id, c2);
    a.emit({ kind: 'changed', id: c2.id });
    await tick();
    expect(
      w
        .containers()
        .map((c) => c.id)
        .sort(),
    ).toEqual(['c1', 'c2']);
    w.close();
    expect(a.calls).toContain('unsubscribe');
    expect(a.closed).toBe(true);
  });

  it('snapshot mode (watch: false): lists once and never subscribes', async () => {
    const a = new FakeAdapter();
    const w = new EngineWatcher(a, { watch: false });
    expect(await w.waitSynced(1_000)).toBe(true);
    expect(a.calls).toEqual(['list']);
    expect(w.containers()).toEqual([c1]);
    expect(w.state).toBe('synced');
    // later changes are not seen: no subscription exists to deliver them
    a.containers.set(c2.id, c2);
    a.emit({ kind: 'changed', id: c2.id });
    await tick();
    expect(w.containers()).toEqual([c1]);
    w.close();
    expect(a.calls).toEqual(['list']);
    expect(a.closed).toBe(true);
  });

  it('snapshot mode retries a failed list with backoff', async () => {
    const a = new FakeAdapter();
    a.listFailures = 1;
    const errors: unknown[] = [];
    const w = new EngineWatcher(a, {
      watch: false,
      backoffInitialMs: 1,
      onError: (e) => errors.push(e),
    });
    expect(await w.waitSynced(1_000)).toBe(true);
    expect(a.calls).toEqual(['list', 'list']);
    expect(errors).toHaveLength(1);
    expect(w.containers()).toEqual([c1]);
    w.close();
  });
});
