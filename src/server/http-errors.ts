// SPDX-License-Identifier: MIT
/**
 * @module server/http-errors
 *
 * The one place that maps errors to HTTP answers: every error body is JSON
 * `{code: "GW_ERR_…", message}`, never a stack trace. Project errors with a `statusCode`
 * (`ApiError`) keep it; fastify's own 4xx errors (body too large, bad content type, …) become
 * `GW_ERR_HTTP_BAD_REQUEST` with their status; everything else is a 500 with a generic
 * message (the details go to the log).
 */
import type { FastifyReply } from 'fastify';
import { errorCode, errorMessage } from '../errors.js';

/** A JSON error body. */
export interface ErrorBody {
  code: string;
  message: string;
}

/** Status and body for any thrown value. */
export function httpError(e: unknown): { status: number; body: ErrorBody; internal: boolean } {
  const code = errorCode(e);
  const status =
    typeof e === 'object' && e !== null && 'statusCode' in e
      ? Number((e as { statusCode: unknown }).statusCode)
      : 500;
  const valid = Number.isInteger(status) && status >= 400 && status <= 599 ? status : 500;
  if (code?.startsWith('GW_ERR_') === true && valid !== 500)
    return { status: valid, body: { code, message: errorMessage(e) }, internal: false };
  if (code?.startsWith('GW_ERR_SERVER_') === true)
    return { status: valid, body: { code, message: errorMessage(e) }, internal: true };
  if (valid < 500)
    return {
      status: valid,
      body: { code: 'GW_ERR_HTTP_BAD_REQUEST', message: errorMessage(e) },
      internal: false,
    };
  return {
    status: 500,
    body: { code: 'GW_ERR_HTTP_INTERNAL', message: 'internal server error (see the service log)' },
    internal: true,
  };
}

/** Sends a JSON error. */
export function sendError(reply: FastifyReply, status: number, body: ErrorBody): FastifyReply {
  return reply.code(status).header('cache-control', 'no-store').type('application/json').send(body);
}
