// SPDX-License-Identifier: MIT
/**
 * @module server/feed-engine
 *
 * Pure core of the change feed's engine source. The feed's containers always come from the
 * engine tracker's container model, never from the v1 document: on an engine event (a watcher
 * sees a container start, stop, pause or unpause) the worker builds the entries at once
 * ({@link engineFeedContainers}) and diffs only those against the feed state, which it updates
 * ({@link applyEngineContainers}), instead of waiting for a whole discovery (about a second
 * at 500 netns); after every discovery it does the same step, and puts the same entries into
 * the new state, so the reconcile never reports a container differently or twice. The entries
 * are built as feed-state.ts builds them from a v1 document (id `cont-<pid>`, v1 type name,
 * the initial process's netns).
 *
 * A container (tracked containers run or are paused) is entered when it has a host PID (translated) and its netns
 * can be read — what the document shows, too. A nested engine's new container whose PID is not
 * translatable until the next process scan is entered by the discovery the event triggers.
 */
import type { FeedChangeV1, FeedContainerV1 } from '../api/v1/index.js';
import { containerTypeV1 } from '../api/v1/index.js';
import type { ContainerModel } from '../model/container.js';
import { containerKey, diffFeedStates, emptyFeedState, type FeedState } from './feed-state.js';

/**
 * The feed entries of the engines' running and paused containers, by feed key.
 * `netnsOf(pid)`: inode of the process's netns, or undefined when it cannot be read.
 */
export function engineFeedContainers(
  model: ContainerModel,
  netnsOf: (pid: number) => number | undefined,
): Map<string, FeedContainerV1> {
  const out = new Map<string, FeedContainerV1>();
  for (const c of model.containers) {
    if (c.pid <= 0) continue; // not translatable (yet)
    const netns = netnsOf(c.pid);
    if (netns === undefined) continue;
    const { type } = containerTypeV1(c.type);
    out.set(containerKey(type, c.name, c.prefix), {
      id: `cont-${c.pid}`,
      name: c.name,
      type,
      netns,
      pid: c.pid,
      status: c.status,
    });
  }
  return out;
}

/**
 * Replaces the containers of `state` by `next` and returns the container changes (started,
 * paused, unpaused, stopped), in the order the reconcile would report them.
 */
export function applyEngineContainers(
  state: FeedState,
  next: ReadonlyMap<string, FeedContainerV1>,
): FeedChangeV1[] {
  const before = { ...emptyFeedState(), containers: new Map(state.containers) };
  const after = { ...emptyFeedState(), containers: new Map(next) };
  const changes = diffFeedStates(before, after);
  state.containers.clear();
  for (const [k, c] of next) state.containers.set(k, c);
  return changes;
}
