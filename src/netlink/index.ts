// SPDX-License-Identifier: MIT
/**
 * @module netlink
 *
 * Public entry point of the netlink codec: framing and attributes (`core/`), rtnetlink decoders
 * and request builders (`rtnetlink/`), and the socket/batch layer over the native addon
 * (`socket.ts`). Outputs are plain decoded objects; this layer never imports `network/`,
 * `namespaces/` or `model/`.
 */
export type * from './core/types.js';
export type * from './rtnetlink/types.js';
