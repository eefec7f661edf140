// SPDX-License-Identifier: MIT
/**
 * @module test/helpers/python
 *
 * The Debian python3 for test children. A `python3` found on PATH may be a version-manager shim
 * (a shell script that takes locks and re-execs), which made children stall intermittently under
 * `ip netns exec`; the system interpreter starts directly. scripts/test.sh installs it when
 * missing (Debian package python3-minimal).
 */
import { existsSync } from 'node:fs';

/** Absolute path of the system python3 (falls back to PATH lookup). */
export const PYTHON: string = ['/usr/bin/python3', '/bin/python3'].find((p) => existsSync(p)) ?? 'python3';
