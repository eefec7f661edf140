// SPDX-License-Identifier: MIT
/**
 * @module model/problem
 *
 * A problem is a recorded, typed failure of one item during discovery: discovery goes on and
 * returns partial results plus the list of problems (house style §6).
 */
import { errorCode, errorMessage, ProjectError, type ErrorCode } from '../errors.js';

/** One recorded failure of one discovery item. */
export interface Problem {
  /** Registered `GW_ERR_*` code. */
  readonly code: ErrorCode;
  /** Human-readable message (no stack trace). */
  readonly message: string;
  /**
   * What failed, in the one format of docs/errors.md ("Problem subjects"): `pid 4711 (nginx)`,
   * `netns:[4026532456]`, `netns:[…] nif 3 (eth0)`, `mnt:[…]`, `container <id>`,
   * `phase:network`, `decorator:<name>`, a path, or one of those followed by a path.
   */
  readonly subject: string;
  /** Underlying system error code if any (`EACCES`, `ENOENT`, …). */
  readonly cause?: string;
}

/** Result of a discovery phase: its value plus the problems it recorded on the way. */
export interface PhaseResult<T> {
  readonly value: T;
  readonly problems: Problem[];
}

/**
 * Builds a problem from any thrown value. A {@link ProjectError} keeps its own code (and its
 * cause's system code); anything else is recorded under `fallback`.
 */
export function toProblem(e: unknown, subject: string, fallback: ErrorCode): Problem {
  if (e instanceof ProjectError) {
    const causeCode = errorCode(e.cause);
    return causeCode === undefined
      ? { code: e.code, message: e.message, subject }
      : { code: e.code, message: e.message, subject, cause: causeCode };
  }
  const sys = errorCode(e);
  return sys === undefined
    ? { code: fallback, message: errorMessage(e), subject }
    : { code: fallback, message: errorMessage(e), subject, cause: sys };
}
