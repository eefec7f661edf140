// SPDX-License-Identifier: MIT
import { describe, expect, it } from 'vitest';
import { ProjectError } from '../errors.js';
import type { ContainerModel } from '../model/container.js';
import type { NamespaceModel } from '../model/namespace.js';
import type { Decorator, DecoratorContext, DecoratorInput } from './decorator.js';
import { runDecoratorList } from './run.js';

function input(extra: Partial<DecoratorInput> = {}): DecoratorInput {
  return {
    namespaces: { processes: new Map() } as unknown as NamespaceModel,
    network: { netns: new Map() },
    containers: { engines: [], containers: [], groups: [] } as ContainerModel,
    ...extra,
  };
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('runDecoratorList', () => {
  it('passes a context with defaults and collects every decorator’s problems in list order', async () => {
    const seen: DecoratorContext[] = [];
    const a: Decorator = {
      name: 'a',
      description: 'a',
      decorate: async (ctx) => {
        seen.push(ctx);
        await sleep(5);
        return [{ code: 'GW_ERR_DECORATOR_CONFIG', message: 'a1', subject: 'x' }];
      },
    };
    const b: Decorator = {
      name: 'b',
      description: 'b',
      decorate: () => Promise.resolve([{ code: 'GW_ERR_ENGINE_API', message: 'b1', subject: 'y' }]),
    };
    const problems = await runDecoratorList(input(), [a, b]);
    expect(problems.map((p) => p.message)).toEqual(['a1', 'b1']);
    expect(seen[0]?.procRoot).toBe('/proc');
    expect(seen[0]?.apiTimeoutMs).toBe(3000);
    expect(seen[0]?.signal.aborted).toBe(true); // released after the run: late writes are refused
  });

  it('isolates failures: a throwing (also synchronously throwing) decorator is one problem, others still run', async () => {
    let ran = false;
    const bad: Decorator = {
      name: 'bad',
      description: '',
      decorate: () => Promise.reject(new ProjectError('GW_ERR_ENGINE_UNREACHABLE', 'socket gone')),
    };
    const worse: Decorator = {
      name: 'worse',
      description: '',
      decorate: () => {
        throw new TypeError('boom');
      },
    };
    const good: Decorator = {
      name: 'good',
      description: '',
      decorate: () => ((ran = true), Promise.resolve([])),
    };
    const problems = await runDecoratorList(input(), [bad, worse, good]);
    expect(ran).toBe(true);
    expect(problems).toEqual([
      {
        code: 'GW_ERR_DECORATOR_FAILED',
        message: 'decorator bad failed: socket gone',
        subject: 'decorator:bad',
        cause: 'GW_ERR_ENGINE_UNREACHABLE',
      },
      {
        code: 'GW_ERR_DECORATOR_FAILED',
        message: 'decorator worse failed: boom',
        subject: 'decorator:worse',
      },
    ]);
  });

  it('bounds the time: a hanging decorator is reported and its context is aborted', async () => {
    let ctxOfSlow: DecoratorContext | undefined;
    const slow: Decorator = {
      name: 'slow',
      description: '',
      decorate: (ctx) => {
        ctxOfSlow = ctx;
        return new Promise(() => undefined);
      },
    };
    const fast: Decorator = { name: 'fast', description: '', decorate: () => Promise.resolve([]) };
    const t0 = Date.now();
    const problems = await runDecoratorList(input({ timeoutMs: 50 }), [slow, fast]);
    expect(Date.now() - t0).toBeLessThan(1000);
    expect(problems.map((p) => [p.code, p.subject])).toEqual([
      ['GW_ERR_DECORATOR_TIMEOUT', 'decorator:slow'],
    ]);
    expect(ctxOfSlow?.signal.aborted).toBe(true);
    expect(ctxOfSlow?.apiTimeoutMs).toBe(50); // capped at the budget
  });

  it('a caller abort ends the run early', async () => {
    const ac = new AbortController();
    const slow: Decorator = {
      name: 'slow',
      description: '',
      decorate: () => new Promise(() => undefined),
    };
    setTimeout(() => ac.abort(), 10);
    const problems = await runDecoratorList(input({ signal: ac.signal, timeoutMs: 60_000 }), [
      slow,
    ]);
    expect(problems.map((p) => p.code)).toEqual(['GW_ERR_DECORATOR_TIMEOUT']);
    const pre = await runDecoratorList(input({ signal: ac.signal }), [slow]);
    expect(pre.map((p) => p.code)).toEqual(['GW_ERR_DECORATOR_TIMEOUT']);
  });
});
