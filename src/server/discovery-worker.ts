// SPDX-License-Identifier: MIT
/**
 * @module server/discovery-worker
 *
 * Entry module of the discovery worker thread. The worker OWNS the service's
 * {@link DiscoveryContext} (and with it the engine tracker and its background watchers), runs
 * every discovery, maps it to the v1 `/json` and `/mobyshark` documents, serialises them, and
 * diffs it against its previous discovery for the change feed. The HTTP thread only ever sees
 * strings and small summaries, so parsing, mapping and `JSON.stringify` of a 500-netns
 * document never block it.
 *
 * Started by `DiscoveryService` (discovery-service.ts) with `workerData` = {@link WorkerConfig};
 * see {@link discoveryWorkerEntry} there for how the file is found (and the SEA/bundle option).
 */
import { statSync } from 'node:fs';
import { getPriority, setPriority } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import { lint, why } from '../analysis/index.js';
import { toTargetsV1, toV1 } from '../api/v1/index.js';
import type { FeedChangeV1, FeedContainerV1 } from '../api/v1/index.js';
import type { DiscoveryResult } from '../model/discovery.js';
import type { NetnsFactsModel } from '../model/netns-facts.js';
import { NetnsMonitor, readNetnsFacts, type MonitorBatch } from '../network/index.js';
import type { Problem } from '../model/problem.js';
import { DiscoveryContext, discover } from '../discovery/index.js';
import { errorCode, errorMessage } from '../errors.js';
import { gettid } from '../native/index.js';
import { applyEngineContainers, engineFeedContainers } from './feed-engine.js';
import { applyNotifications } from './feed-netlink.js';
import { diffFeedStates, feedStateOf, type FeedState } from './feed-state.js';
import { WorkerHistory } from './history.js';
import {
  summarize,
  type AnalysisRequest,
  type FromWorker,
  type ToWorker,
  type WatcherInfo,
  type WorkerConfig,
  WORKER_NICE,
} from './worker-protocol.js';

const port = parentPort;
if (port === null) throw new Error('discovery-worker must run in a worker thread');
const config = workerData as WorkerConfig;

const post = (m: FromWorker): void => port.postMessage(m);

let changeTimer: NodeJS.Timeout | undefined;
const context = new DiscoveryContext({
  engineWaitMs: config.engineWaitMs,
  watch: true,
  onContainersChange: () => {
    // coalesce bursts (a compose up starts several containers within milliseconds)
    if (changeTimer !== undefined) return;
    changeTimer = setTimeout(() => {
      changeTimer = undefined;
      publishEngineChanges();
      post({ type: 'containers-changed', watchers: watcherInfo() });
    }, 25);
  },
});

function watcherInfo(): WatcherInfo[] {
  return (context.tracker?.watchers() ?? []).map((w) => ({
    engine: w.adapter.type,
    endpoint: w.adapter.endpoint,
    state: w.state,
  }));
}

// --- the history store (docs/history.md): recorded after each result is posted
const opened = WorkerHistory.open(config.history);
const history = opened.history;
const postProblems = (problems: string[]): void => {
  if (problems.length > 0) post({ type: 'problems', problems });
};

let previous: FeedState | undefined;

/** Inode of a process's netns through the configured procfs, or undefined. */
function netnsOfPid(pid: number): number | undefined {
  try {
    return statSync(`${config.procRoot ?? '/proc'}/${pid}/ns/net`).ino;
  } catch {
    return undefined; // gone, or not ours to read: the reconcile that follows decides
  }
}

/**
 * The feed's containers as the engine source sees them (feed-engine.ts): the watchers'
 * current containers, with `processes` (of the latest discovery) for PID translation.
 * Undefined without engines, or when the tracker fails (then the document's view is used).
 */
function engineContainers(
  processes: DiscoveryResult['namespaces']['processes'],
): Map<string, FeedContainerV1> | undefined {
  const tracker = context.tracker;
  if (tracker === undefined) return undefined;
  try {
    return engineFeedContainers(tracker.snapshot(processes), netnsOfPid);
  } catch (e: unknown) {
    postProblems([`${errorCode(e) ?? 'GW_ERR_SERVER_WORKER'} engine feed: ${errorMessage(e)}`]);
    return undefined;
  }
}

/**
 * An engine event: the containers are diffed against the feed state at once (source
 * `engine`), without waiting for a discovery. While one runs, it does this step itself when
 * it ends (its process table may predate the event); before the first one there is no state.
 */
function publishEngineChanges(): void {
  if (previous === undefined || latest === undefined || duringDiscovery !== undefined) return;
  const now = engineContainers(latest.result.namespaces.processes);
  if (now === undefined) return;
  postEngineChanges(applyEngineContainers(previous, now));
}

/** Publishes container changes of the engine source and records them in the history. */
function postEngineChanges(changes: FeedChangeV1[]): void {
  if (changes.length === 0) return;
  post({ type: 'engine-changes', changes });
  postProblems(history.recordEvents(changes));
}
/** Discoveries run one at a time; the HTTP side already coalesces concurrent requests. */
let chain: Promise<void> = Promise.resolve();

// --- the change feed's netlink source (docs/server.md, "Netlink source")
const monitorMs = config.monitorMs ?? 20;
const monitor = monitorMs > 0 ? new NetnsMonitor() : undefined;
/**
 * Notifications that arrived while a discovery was in flight: replayed onto its state before
 * diffing, because its dumps may predate them (else the reconcile would report a change the
 * netlink source just published as undone).
 */
let duringDiscovery: MonitorBatch[] | undefined;

const problemLine = (p: Problem): string =>
  `${p.code} ${p.subject}: ${p.message}${p.cause === undefined ? '' : ` (${p.cause})`}`;

function pollMonitor(): void {
  if (monitor === undefined) return;
  let r;
  try {
    r = monitor.poll();
  } catch (e: unknown) {
    post({
      type: 'monitor-problems',
      overruns: [],
      problems: [`${errorCode(e) ?? 'GW_ERR_NETWORK_MONITOR'} monitor: ${errorMessage(e)}`],
    });
    return;
  }
  if (r.batches.length > 0) {
    duringDiscovery?.push(...r.batches);
    if (previous !== undefined) {
      const changes = r.batches.flatMap((b) =>
        applyNotifications(previous as FeedState, b.netns, b.notifications),
      );
      if (changes.length > 0) {
        post({ type: 'netlink-changes', changes });
        postProblems(history.recordEvents(changes));
      }
    }
  }
  if (r.overruns.length > 0 || r.problems.length > 0)
    post({ type: 'monitor-problems', overruns: r.overruns, problems: r.problems.map(problemLine) });
}
const monitorTimer = monitor === undefined ? undefined : setInterval(pollMonitor, monitorMs);
monitorTimer?.unref();

async function runOne(id: number): Promise<void> {
  try {
    pollMonitor(); // what is queued predates this discovery: publish it against the old state
    duringDiscovery = [];
    const result = await discover({
      context,
      ...(config.procRoot === undefined ? {} : { procRoot: config.procRoot }),
      ...(monitor === undefined ? {} : { ignoreSocketInodes: monitor.socketInodes() }),
    });
    const doc = toV1(result, { creatorVersion: config.creatorVersion });
    const targets = toTargetsV1(result, { creatorVersion: config.creatorVersion });
    const state = feedStateOf(doc, result);
    pollMonitor();
    for (const b of duringDiscovery) applyNotifications(state, b.netns, b.notifications);
    duringDiscovery = undefined;
    // containers always come from the engine source, so the two never disagree (feed-engine.ts)
    const engineNow = engineContainers(result.namespaces.processes);
    if (engineNow !== undefined) {
      if (previous !== undefined) postEngineChanges(applyEngineContainers(previous, engineNow));
      applyEngineContainers(state, engineNow);
    }
    const changes = previous === undefined ? [] : diffFeedStates(previous, state);
    const diffed = previous !== undefined;
    previous = state;
    latest = { result, facts: undefined };
    if (monitor !== undefined) {
      // subscribe new netns, close the sockets of vanished ones (which frees them)
      const sync = monitor.sync(result.namespaces.byType.net, result.namespaces.own.net);
      if (sync.problems.length > 0)
        post({ type: 'monitor-problems', overruns: [], problems: sync.problems.map(problemLine) });
    }
    post({
      type: 'result',
      id,
      json: `${JSON.stringify(doc)}\n`,
      mobyshark: `${JSON.stringify(targets)}\n`,
      summary: summarize(result, doc),
      changes,
      diffed,
      watchers: watcherInfo(),
      problems: result.problems.map(
        (p) =>
          `${p.code} ${p.subject}: ${p.message}${p.cause === undefined ? '' : ` (${p.cause})`}`,
      ),
    });
    postProblems(history.record(doc, changes));
  } catch (e: unknown) {
    duringDiscovery = undefined;
    post({
      type: 'error',
      id,
      code: errorCode(e) ?? 'GW_ERR_SERVER_DISCOVERY',
      message: errorMessage(e),
    });
  }
}

/** The latest discovery with its netns facts (read on the first analysis that needs them). */
let latest: { result: DiscoveryResult; facts: Promise<NetnsFactsModel> | undefined } | undefined;

async function analyse(id: number, req: AnalysisRequest): Promise<void> {
  if (req.kind === 'history' || req.kind === 'diff') {
    const a = history.answer(req);
    post(
      'json' in a ? { type: 'analysis', id, json: a.json } : { type: 'analysis-error', id, ...a },
    );
    return;
  }
  const l = latest;
  if (l === undefined) {
    post({
      type: 'analysis-error',
      id,
      statusCode: 503,
      code: 'GW_ERR_HTTP_UNAVAILABLE',
      message: 'no discovery yet',
    });
    return;
  }
  try {
    l.facts ??= readNetnsFacts(l.result.namespaces, l.result.network).then((f) => f.facts);
    const facts = await l.facts;
    if (req.kind === 'lint') {
      post({
        type: 'analysis',
        id,
        json: `${JSON.stringify({ findings: lint({ result: l.result, facts }) })}\n`,
      });
      return;
    }
    const r = why(l.result, facts, req);
    if (!r.ok) {
      post({
        type: 'analysis-error',
        id,
        statusCode: 400,
        code: 'GW_ERR_HTTP_BAD_REQUEST',
        message: r.message,
      });
      return;
    }
    post({ type: 'analysis', id, json: `${JSON.stringify(r.answer)}\n` });
  } catch (e: unknown) {
    post({
      type: 'analysis-error',
      id,
      statusCode: 500,
      code: errorCode(e) ?? 'GW_ERR_SERVER_DISCOVERY',
      message: errorMessage(e),
    });
  }
}

port.on('message', (m: ToWorker) => {
  if (m.type === 'discover') {
    chain = chain.then(() => runOne(m.id));
  } else if (m.type === 'analyse') {
    chain = chain.then(() => analyse(m.id, m.request));
  } else {
    if (changeTimer !== undefined) clearTimeout(changeTimer);
    if (monitorTimer !== undefined) clearInterval(monitorTimer);
    monitor?.close();
    history.close();
    context.close();
    port.close();
  }
});
/** Lowers this thread's priority (see WORKER_NICE); never raises it. */
function lowerPriority(): FromWorker {
  let tid = 0;
  try {
    tid = gettid();
    const now = getPriority(tid);
    if (now < WORKER_NICE) setPriority(tid, WORKER_NICE);
    return { type: 'ready', tid, nice: getPriority(tid) };
  } catch (e: unknown) {
    return { type: 'ready', tid, nice: null, niceError: errorMessage(e) };
  }
}
post(lowerPriority());
postProblems(opened.problems);
