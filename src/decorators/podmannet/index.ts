// SPDX-License-Identifier: MIT
/**
 * @module decorators/podmannet
 *
 * Decorator `podmannet`: for every podman engine (`podman.io`, podman ≥ 4), lists its networks
 * through the libpod API and puts each network's name (alias + labels) on its bridge or
 * macvlan parent in the podman service process's network namespace. Mapping: `mapping.ts`.
 */
import { ENGINE_TYPES } from '../../model/container.js';
import { decorateEngines, socketPathOf } from '../common.js';
import type { Decorator, DecoratorContext } from '../decorator.js';
import { libpodNetworks } from './libpod.js';
import { podmanNetworkDecorations } from './mapping.js';

export { libpodNetworks, type LibpodNetwork } from './libpod.js';
export { podmanNetworkDecorations, PODMAN_DECORATED_DRIVERS } from './mapping.js';

/** The `podmannet` decorator. */
export const podmannet: Decorator = {
  name: 'podmannet',
  description: 'podman network names and labels on their bridges and macvlan parents (libpod API)',
  decorate: (ctx: DecoratorContext) =>
    decorateEngines(ctx, 'podmannet', ENGINE_TYPES.podman, async (engine) => {
      const socket = socketPathOf(engine);
      if (socket === undefined) return { decorations: [], problems: [] };
      return {
        decorations: podmanNetworkDecorations(await libpodNetworks(socket, ctx.apiTimeoutMs)),
        problems: [],
      };
    }),
};
