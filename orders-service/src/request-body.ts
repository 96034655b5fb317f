// Reads a POST body up to a size limit, answering 413 past it.
import type { IncomingMessage } from 'node:http';
import { PizzashopError } from '@pizzashop/common';
import type { Context } from 'hono';

/** Reads a request body with a size limit, from Node's request stream when there is one. */

export class BodyTooLargeError extends PizzashopError {
  constructor(limit: number) {
    super(`request body larger than ${limit} bytes`, { kind: 'too-large' });
  }
}

/**
 * The body as UTF-8 text; BodyTooLargeError past `limit` bytes (declared or read). Served by
 * @hono/node-server it reads Node's IncomingMessage directly: going through the Fetch-API body
 * (a Request and a web stream over the same bytes) cost more CPU than the rest of POST /orders.
 * What is left of a refused body is drained by @hono/node-server after the answer.
 */
export async function readBodyText(c: Context, limit: number): Promise<string> {
  const incoming = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming;
  if (incoming === undefined) return fetchBodyText(c.req.raw, limit);
  if (Number(incoming.headers['content-length']) > limit) throw new BodyTooLargeError(limit);
  return (await readIncoming(incoming, limit)).toString('utf8');
}

function readIncoming(incoming: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const stop = () => {
      incoming.off('data', onData);
      incoming.off('end', onEnd);
      incoming.off('error', onError);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        stop();
        reject(new BodyTooLargeError(limit));
      } else chunks.push(chunk);
    };
    const onEnd = () => {
      stop();
      resolve(Buffer.concat(chunks, size));
    };
    const onError = (err: Error) => {
      stop();
      reject(err);
    };
    incoming.on('data', onData);
    incoming.on('end', onEnd);
    incoming.on('error', onError);
  });
}

/** The same through the Fetch API (Hono's `app.request` in tests, other runtimes). */
async function fetchBodyText(request: Request, limit: number): Promise<string> {
  if (Number(request.headers.get('content-length')) > limit) throw new BodyTooLargeError(limit);
  if (request.body === null) return '';
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.length;
    if (size > limit) {
      await reader.cancel();
      throw new BodyTooLargeError(limit);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks, size).toString('utf8');
}
