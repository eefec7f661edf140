// SPDX-License-Identifier: MIT
/**
 * @module decorators/run
 *
 * Runs decorators isolated and time-bounded: all decorators start together; a decorator that
 * throws becomes one `GW_ERR_DECORATOR_FAILED` problem, one still running when the budget is
 * spent becomes one `GW_ERR_DECORATOR_TIMEOUT` problem, and the shared abort signal tells it to
 * leave the model alone from then on. The other decorators' results are kept.
 */
import { errorCode, errorMessage } from '../errors.js';
import type { Problem } from '../model/problem.js';
import type { Decorator, DecoratorContext, DecoratorInput } from './decorator.js';

/** Default time budget of all decorators together (ms). */
export const DEFAULT_DECORATOR_TIMEOUT_MS = 5_000;
/** Default timeout per engine API call (ms). */
export const DEFAULT_API_TIMEOUT_MS = 3_000;

type Outcome =
  { readonly kind: 'done'; readonly problems: Problem[] } | { readonly kind: 'timeout' };

/**
 * Runs `decorators` over the models in `input` and returns all problems. Never throws for a
 * decorator's failure. When the budget (`timeoutMs`) is spent or `input.signal` aborts, the
 * unfinished decorators are reported and their later changes are suppressed by the context's
 * abort signal.
 */
export async function runDecoratorList(
  input: DecoratorInput,
  decorators: readonly Decorator[],
): Promise<Problem[]> {
  const timeoutMs = input.timeoutMs ?? DEFAULT_DECORATOR_TIMEOUT_MS;
  const controller = new AbortController();
  const onCallerAbort = (): void => controller.abort(input.signal?.reason);
  if (input.signal?.aborted === true) controller.abort(input.signal.reason);
  else input.signal?.addEventListener('abort', onCallerAbort, { once: true });
  const ctx: DecoratorContext = {
    namespaces: input.namespaces,
    network: input.network,
    containers: input.containers,
    procRoot: input.procRoot ?? '/proc',
    apiTimeoutMs: Math.max(1, Math.min(input.apiTimeoutMs ?? DEFAULT_API_TIMEOUT_MS, timeoutMs)),
    signal: controller.signal,
  };
  let timer: NodeJS.Timeout | undefined;
  const timeUp = new Promise<Outcome>((resolve) => {
    timer = setTimeout(() => {
      controller.abort(new Error('decorator time budget spent'));
      resolve({ kind: 'timeout' });
    }, timeoutMs);
    controller.signal.addEventListener('abort', () => resolve({ kind: 'timeout' }), { once: true });
  });
  try {
    const outcomes = await Promise.all(
      decorators.map(async (d): Promise<Problem[]> => {
        if (controller.signal.aborted) return [timeoutProblem(d, timeoutMs)];
        const run = Promise.resolve()
          .then(() => d.decorate(ctx))
          .then(
            (problems): Outcome => ({ kind: 'done', problems }),
            (e: unknown): Outcome => ({ kind: 'done', problems: [failedProblem(d, e)] }),
          );
        const outcome = await Promise.race([run, timeUp]);
        return outcome.kind === 'done' ? outcome.problems : [timeoutProblem(d, timeoutMs)];
      }),
    );
    return outcomes.flat();
  } finally {
    clearTimeout(timer);
    input.signal?.removeEventListener('abort', onCallerAbort);
    // decorators still running must not touch the model any more
    if (!controller.signal.aborted) controller.abort(new Error('decorators finished'));
  }
}

function failedProblem(d: Decorator, e: unknown): Problem {
  const cause = errorCode(e);
  const p = {
    code: 'GW_ERR_DECORATOR_FAILED' as const,
    message: `decorator ${d.name} failed: ${errorMessage(e)}`,
    subject: `decorator:${d.name}`,
  };
  return cause === undefined ? p : { ...p, cause };
}

function timeoutProblem(d: Decorator, timeoutMs: number): Problem {
  return {
    code: 'GW_ERR_DECORATOR_TIMEOUT',
    message: `decorator ${d.name} did not finish within ${timeoutMs} ms; its changes were dropped`,
    subject: `decorator:${d.name}`,
  };
}
