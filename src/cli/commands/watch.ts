// SPDX-License-Identifier: MIT
/**
 * @module cli/commands/watch
 *
 * `ghostwire watch`: prints the live change feed of a running `ghostwire serve` (its
 * `/api/events` Server-Sent Events) in the terminal, one line per event — or the event JSON
 * with `--json`. `--filter` takes event types or their families (`nif`, `container`, `netns`,
 * `route`, `port`, `forward`). Reconnects with `Last-Event-ID` when the stream breaks; a
 * `resync` (events lost) is printed as such. Ends on SIGINT/SIGTERM.
 */
import { request, type IncomingMessage } from 'node:http';
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { FEED_EVENT_TYPES, type FeedEventV1 } from '../../api/v1/index.js';
import { ProjectError, errorMessage } from '../../errors.js';
import type { CliCommand, CliIo } from '../command.js';

/** Splits an SSE byte stream into events (`data` joined, `id`, `event`); pure and incremental. */
export class SseParser {
  #buf = '';
  #data: string[] = [];
  #id: string | undefined;
  #event: string | undefined;

  /** Feeds text; returns the complete events it finished. */
  push(text: string): Array<{ id?: string; event?: string; data: string }> {
    this.#buf += text;
    const out: Array<{ id?: string; event?: string; data: string }> = [];
    for (let nl = this.#buf.search(/\r?\n/); nl >= 0; nl = this.#buf.search(/\r?\n/)) {
      const line = this.#buf.slice(0, nl);
      this.#buf = this.#buf.slice(this.#buf[nl] === '\r' ? nl + 2 : nl + 1);
      if (line === '') {
        if (this.#data.length > 0)
          out.push({
            ...(this.#id === undefined ? {} : { id: this.#id }),
            ...(this.#event === undefined ? {} : { event: this.#event }),
            data: this.#data.join('\n'),
          });
        this.#data = [];
        this.#event = undefined;
        continue;
      }
      if (line.startsWith(':')) continue;
      const c = line.indexOf(':');
      const field = c < 0 ? line : line.slice(0, c);
      const value = c < 0 ? '' : line.slice(c + 1).replace(/^ /, '');
      if (field === 'data') this.#data.push(value);
      else if (field === 'id') this.#id = value;
      else if (field === 'event') this.#event = value;
    }
    return out;
  }
}

/** Expands `--filter` (types and families) into event types; throws GW_ERR_CLI_USAGE. */
export function expandFilter(spec: string | undefined): string[] | undefined {
  if (spec === undefined || spec.trim() === '') return undefined;
  const out = new Set<string>();
  for (const part of spec
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')) {
    const hits = FEED_EVENT_TYPES.filter((t) => t === part || t.startsWith(`${part}-`));
    if (hits.length === 0)
      throw new ProjectError(
        'GW_ERR_CLI_USAGE',
        `unknown event type or family "${part}" (known: ${FEED_EVENT_TYPES.join(', ')})`,
      );
    for (const h of hits) out.add(h);
  }
  return [...out];
}

/** One human-readable line for an event. */
export function formatEvent(e: FeedEventV1): string {
  const t = e.time.slice(11, 23);
  const head = `${t} #${e.seq} ${e.type.padEnd(18)}`;
  switch (e.type) {
    case 'netns-added':
    case 'netns-removed':
      return `${head} netns:[${e.netns.netns}]`;
    case 'nif-added':
    case 'nif-removed':
      return `${head} ${e.nif.name} (${e.nif.kind === '' ? 'device' : e.nif.kind}, ${e.nif.operstate}) in netns:[${e.nif.netns}]${e.nif.addresses.length > 0 ? ` ${e.nif.addresses.join(' ')}` : ''}`;
    case 'nif-changed':
      return `${head} ${e.nif.name} in netns:[${e.nif.netns}]: ${e.changed
        .map(
          (f) =>
            `${f}=${f === 'addresses' ? e.nif.addresses.join(' ') || '-' : String(e.nif[f]) || '-'}`,
        )
        .join(', ')}`;
    case 'route-added':
    case 'route-removed':
      return `${head} ${e.route.destination}/${e.route['destination-prefixlen']}${e.route['next-hop'] === '' ? '' : ` via ${e.route['next-hop']}`} table ${e.route.table} in netns:[${e.route.netns}]`;
    case 'container-started':
    case 'container-paused':
    case 'container-unpaused':
    case 'container-stopped':
      return `${head} ${e.container.type} ${e.container.name} (pid ${e.container.pid}) in netns:[${e.container.netns}]`;
    case 'port-opened':
    case 'port-closed':
      return `${head} ${e.port.protocol} ${e.port['local-address']}:${e.port['local-port']} ${e.port.state} in netns:[${e.port.netns}]`;
    case 'forward-added':
    case 'forward-removed':
      return `${head} ${e.forward.protocol} ${e.forward.ip}:${e.forward.port} → ${e.forward['forward-ip']}:${e.forward['forward-port']} in netns:[${e.forward.netns}]`;
    case 'resync':
      return `${head} events were lost (oldest kept: #${e.oldest}); reload the document`;
  }
}

interface WatchFlags {
  readonly url: string;
  readonly token?: string;
  readonly tokenFile?: string;
  readonly json?: boolean;
  readonly filter?: string;
}

function openStream(url: URL, headers: Record<string, string>): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers }, resolve);
    req.on('error', reject);
    req.end();
  });
}

/** The `watch` command. */
export const watchCommand: CliCommand = {
  name: 'watch',
  register(program: Command, io: CliIo): void {
    program
      .command('watch')
      .description('print the live change feed of a running `ghostwire serve`')
      .option('--url <url>', 'base URL of the service', 'http://127.0.0.1:5000/')
      .option('--token <t>', 'bearer token of the service (or GHOSTWIRE_TOKEN)')
      .option('--token-file <file>', 'read the token from a file')
      .option('--json', 'print each event as one JSON line')
      .option('--filter <types>', 'comma-separated event types or families (nif, container, …)')
      .action(async (flags: WatchFlags) => {
        const types = expandFilter(flags.filter);
        let token = flags.token ?? process.env['GHOSTWIRE_TOKEN'];
        if (flags.tokenFile !== undefined) {
          try {
            token = readFileSync(flags.tokenFile, 'utf8').replace(/\r?\n$/, '');
          } catch (e: unknown) {
            throw new ProjectError(
              'GW_ERR_CLI_USAGE',
              `cannot read --token-file: ${errorMessage(e)}`,
            );
          }
        }
        let base: URL;
        try {
          base = new URL('api/events', flags.url.endsWith('/') ? flags.url : `${flags.url}/`);
        } catch {
          throw new ProjectError('GW_ERR_CLI_USAGE', `invalid --url ${flags.url}`);
        }
        if (types !== undefined) base.searchParams.set('types', types.join(','));
        let lastId: string | undefined;
        let stop = false;
        let current: IncomingMessage | undefined;
        const onSignal = (): void => {
          stop = true;
          current?.destroy();
        };
        process.once('SIGINT', onSignal);
        process.once('SIGTERM', onSignal);
        try {
          for (let attempt = 0; !stop; attempt++) {
            const headers: Record<string, string> = { accept: 'text/event-stream' };
            if (token !== undefined) headers['authorization'] = `Bearer ${token}`;
            if (lastId !== undefined) headers['last-event-id'] = lastId;
            let res: IncomingMessage;
            try {
              res = await openStream(base, headers);
            } catch (e: unknown) {
              if (attempt === 0)
                throw new ProjectError(
                  'GW_ERR_CLI_USAGE',
                  `cannot reach ${base.origin}: ${errorMessage(e)}`,
                );
              await new Promise((r) => setTimeout(r, 1_000));
              continue;
            }
            if (res.statusCode !== 200) {
              let body = '';
              for await (const chunk of res) body += String(chunk);
              throw new ProjectError(
                'GW_ERR_CLI_USAGE',
                `${base.href}: HTTP ${res.statusCode}: ${body.slice(0, 200)}`,
              );
            }
            current = res;
            const parser = new SseParser();
            res.setEncoding('utf8');
            try {
              for await (const chunk of res) {
                for (const ev of parser.push(String(chunk))) {
                  if (ev.id !== undefined) lastId = ev.id;
                  let e: FeedEventV1;
                  try {
                    e = JSON.parse(ev.data) as FeedEventV1;
                  } catch {
                    continue;
                  }
                  io.stdout.write(flags.json === true ? `${ev.data}\n` : `${formatEvent(e)}\n`);
                }
              }
            } catch {
              // stream broken: reconnect below
            }
            if (!stop) await new Promise((r) => setTimeout(r, 500));
          }
        } finally {
          process.off('SIGINT', onSignal);
          process.off('SIGTERM', onSignal);
        }
      });
  },
};
