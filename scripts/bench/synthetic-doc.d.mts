// SPDX-License-Identifier: MIT
import type { DiscoveryResultV1 } from '../../src/api/v1/types.js';
/** The synthetic document with `n` container netns. */
export function syntheticDoc(n: number): DiscoveryResultV1;
