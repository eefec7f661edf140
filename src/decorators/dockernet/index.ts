// SPDX-License-Identifier: MIT
/**
 * @module decorators/dockernet
 *
 * Decorator `dockernet`: for every Docker engine (`docker.com`; podman has its own decorator),
 * lists its networks over the engine API and puts each network's name (alias + labels) on the
 * network's Linux bridge, or on the parent nif of a macvlan network, in the engine process's
 * network namespace. Mapping rules: `mapping.ts`.
 */
import { DockerClient } from '../../engines/index.js';
import { ENGINE_TYPES } from '../../model/container.js';
import { decorateEngines, socketPathOf } from '../common.js';
import type { Decorator, DecoratorContext } from '../decorator.js';
import { dockerNetworkDecorations } from './mapping.js';

export {
  bridgeName,
  dockerNetworkDecorations,
  BRIDGE_NAME_OPTION,
  DEFAULT_BRIDGE_OPTION,
  MACVLAN_PARENT_OPTION,
} from './mapping.js';

/** The `dockernet` decorator. */
export const dockernet: Decorator = {
  name: 'dockernet',
  description: 'Docker network names and labels on their bridges and macvlan parents',
  decorate: (ctx: DecoratorContext) =>
    decorateEngines(ctx, 'dockernet', ENGINE_TYPES.docker, async (engine) => {
      const socket = socketPathOf(engine);
      if (socket === undefined) return { decorations: [], problems: [] };
      const client = new DockerClient(socket, { engine: 'docker', timeoutMs: ctx.apiTimeoutMs });
      try {
        await client.negotiate();
        const networks = await client.networks();
        return {
          decorations: dockerNetworkDecorations(Array.isArray(networks) ? networks : []),
          problems: [],
        };
      } finally {
        client.close();
      }
    }),
};
