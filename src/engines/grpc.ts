// SPDX-License-Identifier: MIT
/**
 * @module engines/grpc
 *
 * Small shared layer over `@grpc/grpc-js` for the containerd and CRI clients: messages are
 * encoded/decoded with `protobufjs` types parsed from the project's own minimal `.proto` texts
 * (no code generation, no proto-loader); calls go to `unix://<path>` in cleartext HTTP/2.
 * Errors become {@link EngineError}s carrying the gRPC status code.
 */
import * as grpc from '@grpc/grpc-js';
import protobuf from 'protobufjs';
import { EngineError, errorMessage } from '../errors.js';

/** protobufjs conversion used for every decoded message: plain objects, numbers, defaults. */
const TO_OBJECT: protobuf.IConversionOptions = {
  longs: Number,
  enums: Number,
  bytes: Buffer,
  defaults: true,
  arrays: true,
  objects: true,
};

/** Parses `.proto` texts into one root (throws on syntax errors: a programmer error). */
export function parseProto(texts: readonly string[]): protobuf.Root {
  const root = new protobuf.Root();
  for (const text of texts) protobuf.parse(text, root, { keepCase: true });
  return root;
}

/** Encodes a plain object as message `type`. */
export function encode(type: protobuf.Type, value: Record<string, unknown>): Buffer {
  const err = type.verify(value);
  if (err !== null) throw new TypeError(`${type.name}: ${err}`);
  return Buffer.from(type.encode(type.fromObject(value)).finish());
}

/** Decodes bytes as message `type` into a plain object with defaults filled in. */
export function decode<T>(type: protobuf.Type, bytes: Uint8Array): T {
  return type.toObject(type.decode(bytes), TO_OBJECT) as T;
}

/** How long a fresh server stream must survive before it counts as established (ms). */
export const STREAM_GRACE_MS = 150;

/** A unix-socket gRPC connection with typed unary and server-streaming calls. Must be closed. */
export class GrpcConnection {
  readonly endpoint: string;
  readonly #engine: string;
  readonly #timeoutMs: number;
  readonly #client: grpc.Client;
  readonly #calls = new Set<grpc.ClientReadableStream<unknown>>();
  #closed = false;

  constructor(socketPath: string, engine: string, timeoutMs: number) {
    this.endpoint = `unix://${socketPath}`;
    this.#engine = engine;
    this.#timeoutMs = timeoutMs;
    this.#client = new grpc.Client(this.endpoint, grpc.credentials.createInsecure(), {
      // engines answer locally: keep reconnect attempts short so a restarted engine is found fast
      'grpc.initial_reconnect_backoff_ms': 100,
      'grpc.max_reconnect_backoff_ms': 2_000,
    });
  }

  /** Unary call `method` (full path `/pkg.Service/Method`). */
  unary<T>(
    method: string,
    reqType: protobuf.Type,
    resType: protobuf.Type,
    request: Record<string, unknown>,
    metadata: Record<string, string> = {},
  ): Promise<T> {
    if (this.#closed) return Promise.reject(this.#wrap(new Error('connection closed'), method));
    return new Promise((resolve, reject) => {
      this.#client.makeUnaryRequest<Record<string, unknown>, T>(
        method,
        (v) => encode(reqType, v),
        (b) => decode<T>(resType, b),
        request,
        this.#metadata(metadata),
        { deadline: Date.now() + this.#timeoutMs },
        (err, res) => {
          if (err !== null) reject(this.#wrap(err, method));
          else if (res === undefined) reject(this.#wrap(new Error('empty response'), method));
          else resolve(res);
        },
      );
    });
  }

  /**
   * Server-streaming call. Resolves once the server sent response headers or the call
   * survived {@link STREAM_GRACE_MS} without failing. `onEnd` is called once when the
   * stream ends by itself, never after `close()` of the returned handle.
   */
  stream<T>(
    method: string,
    reqType: protobuf.Type,
    resType: protobuf.Type,
    request: Record<string, unknown>,
    onMessage: (m: T) => void,
    onEnd: (err: unknown) => void,
    metadata: Record<string, string> = {},
  ): Promise<{ close(): void }> {
    if (this.#closed) return Promise.reject(this.#wrap(new Error('connection closed'), method));
    return new Promise((resolve, reject) => {
      let settled = false;
      let cancelled = false;
      const call = this.#client.makeServerStreamRequest<Record<string, unknown>, T>(
        method,
        (v) => encode(reqType, v),
        (b) => decode<T>(resType, b),
        request,
        this.#metadata(metadata),
        {},
      );
      this.#calls.add(call as grpc.ClientReadableStream<unknown>);
      const handle = {
        close: (): void => {
          if (cancelled) return;
          cancelled = true;
          this.#calls.delete(call as grpc.ClientReadableStream<unknown>);
          call.cancel();
        },
      };
      // gRPC-Go servers (containerd, CRI-O) send the response headers of a server stream only
      // with its first message, so "headers arrived" cannot mark the subscription as in place.
      // The call counts as established when headers came or it survived a short grace period
      // without failing (an unreachable socket fails within it; the handler registers its
      // subscription in well under it).
      const timer = setTimeout(() => {
        if (!settled) {
          settled = true;
          resolve(handle);
        }
      }, STREAM_GRACE_MS);
      const end = (err: unknown): void => {
        clearTimeout(timer);
        this.#calls.delete(call as grpc.ClientReadableStream<unknown>);
        if (!settled) {
          settled = true;
          cancelled = true;
          reject(this.#wrap(err, method));
          return;
        }
        if (cancelled) return;
        cancelled = true;
        onEnd(this.#wrap(err, method));
      };
      call.on('metadata', () => {
        clearTimeout(timer);
        if (settled) return;
        settled = true;
        resolve(handle);
      });
      call.on('data', (m: T) => {
        if (!cancelled) onMessage(m);
      });
      call.on('error', (e) => end(e));
      call.on('end', () => end(new Error('stream ended')));
    });
  }

  /** Cancels open streams and closes the channel. Idempotent. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const c of [...this.#calls]) c.cancel();
    this.#calls.clear();
    this.#client.close();
  }

  #metadata(values: Record<string, string>): grpc.Metadata {
    const md = new grpc.Metadata();
    for (const [k, v] of Object.entries(values)) md.set(k, v);
    return md;
  }

  #wrap(e: unknown, method: string): EngineError {
    if (e instanceof EngineError) return e;
    const status =
      typeof e === 'object' && e !== null && 'code' in e && typeof e.code === 'number'
        ? e.code
        : undefined;
    const unreachable =
      status === undefined ||
      status === grpc.status.UNAVAILABLE ||
      status === grpc.status.DEADLINE_EXCEEDED;
    return new EngineError(
      unreachable ? 'GW_ERR_ENGINE_UNREACHABLE' : 'GW_ERR_ENGINE_API',
      `${this.#engine} ${method}: ${errorMessage(e)}`,
      {
        engine: this.#engine,
        endpoint: this.endpoint,
        ...(status === undefined ? {} : { status }),
        cause: e,
      },
    );
  }
}
