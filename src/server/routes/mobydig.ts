// SPDX-License-Identifier: MIT
/**
 * @module server/routes/mobydig
 *
 * `/mobydig?target=NAME` (websocket, reference §1.4): the DNS names under which the Docker
 * container NAME reaches its neighbours on its user-defined networks, resolved and pinged from
 * inside its netns; one JSON text frame per verdict `{fqdn, address, quality, error}` (empty
 * fields omitted). Closes with 1000 when done, with 4400 and `Docker container "NAME" not
 * found` for an unknown name, with 4400 and `cannot start digging and address verification
 * for "NAME"` when digging cannot start. Exactly one `target` is required: anything else is
 * refused with 400 before the upgrade (and nothing else happens). Client frames are ignored;
 * a client that closes stops the digging.
 */
import type { DiscoveryResultV1 } from '../../api/v1/index.js';
import type { RoutePlugin } from '../context.js';
import { sendError } from '../http-errors.js';
import { dig, type Verdict } from '../mobydig/dig.js';
import { digPlan } from '../mobydig/plan.js';

const BAD_TARGET = 'missing or multiple target query parameters';

/** Close reason capped at the 123 bytes a close frame can carry. */
function reason(text: string): string {
  let r = text;
  while (Buffer.byteLength(r) > 123) r = `${r.slice(0, -5)}…"`;
  return r;
}

function targetOf(params: URLSearchParams): string | undefined {
  const all = params.getAll('target');
  return all.length === 1 && all[0] !== '' ? all[0] : undefined;
}

export const mobydigRoutes: RoutePlugin = {
  name: 'mobydig',
  register(app) {
    app.get('/mobydig', async (req, reply) => {
      const q = new URLSearchParams(req.url.slice(req.url.indexOf('?') + 1 || req.url.length));
      if (targetOf(q) === undefined)
        return sendError(reply, 400, { code: 'GW_ERR_HTTP_BAD_REQUEST', message: BAD_TARGET });
      return sendError(reply.header('upgrade', 'websocket'), 426, {
        code: 'GW_ERR_HTTP_UPGRADE_REQUIRED',
        message: '/mobydig is a websocket',
      });
    });
  },
  websockets: (ctx) => [
    {
      path: '/mobydig',
      check(url) {
        return targetOf(url.searchParams) === undefined
          ? { status: 400, code: 'GW_ERR_HTTP_BAD_REQUEST', message: BAD_TARGET }
          : undefined;
      },
      handle(ws, _req, url) {
        const target = targetOf(url.searchParams) ?? '';
        const ac = new AbortController();
        ws.on('close', () => ac.abort());
        ws.on('message', () => undefined);
        const send = (v: Verdict): void => {
          if (ws.readyState !== ws.OPEN) return;
          const out: Record<string, string> = { fqdn: v.fqdn };
          if (v.address !== undefined && v.address !== '') out['address'] = v.address;
          out['quality'] = v.quality;
          if (v.error !== undefined && v.error !== '') out['error'] = v.error;
          ws.send(JSON.stringify(out));
        };
        void (async () => {
          let plan;
          try {
            const snap = await ctx.service.get({ maxAgeMs: 0, signal: ac.signal });
            plan = digPlan(JSON.parse(snap.json) as DiscoveryResultV1, target);
          } catch {
            if (!ac.signal.aborted)
              ws.close(
                4400,
                reason(`cannot start digging and address verification for "${target}"`),
              );
            return;
          }
          if (plan === undefined) {
            ws.close(4400, reason(`Docker container "${target}" not found`));
            return;
          }
          try {
            await dig(plan, send, ac.signal);
          } catch {
            if (!ac.signal.aborted)
              ws.close(
                4400,
                reason(`cannot start digging and address verification for "${target}"`),
              );
            return;
          }
          if (ws.readyState === ws.OPEN) ws.close(1000);
        })();
      },
    },
  ],
};
