// SPDX-License-Identifier: MIT
/// <reference types="vite/client" />
/** The web UI's version, from package.json at build time. */
declare const __GW_VERSION__: string;
