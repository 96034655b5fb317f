// Tests reading the POST /orders body over a real socket: Content-Length and chunked bodies, and 413
// past the limit.
import type { AddressInfo } from 'node:net';
import { closeServer, createLogger, listen } from '@pizzashop/common';
import { afterEach, describe, expect, it } from 'vitest';
import { ingestApp } from './ingest-app.js';

/** POST /orders over a real socket (@hono/node-server), where the body is read from Node's request stream. */
let stop: (() => Promise<void>) | undefined;
afterEach(async () => {
  await stop?.();
  stop = undefined;
});

async function served(bodyLimitBytes: number) {
  const app = await ingestApp({ bodyLimitBytes });
  const server = await listen(app.app, 0, '127.0.0.1', createLogger('test', 'silent'));
  stop = async () => {
    await closeServer(server, 100);
    app.stop();
  };
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/orders`;
  return { ...app, url };
}

const order = { userId: 7, items: [{ productId: '3', quantity: 2 }], deliveryLat: 12.9, deliveryLon: 77.6 };

/** A body sent in chunks without Content-Length (chunked transfer encoding). */
function chunked(text: string, chunkSize = 1024): ReadableStream<Uint8Array> {
  const bytes = new TextEncoder().encode(text);
  let offset = 0;
  return new ReadableStream({
    pull(controller) {
      if (offset >= bytes.length) return controller.close();
      controller.enqueue(bytes.subarray(offset, (offset += chunkSize)));
    },
  });
}

describe('POST /orders body reading on a real server', () => {
  it('reads a JSON body with Content-Length and a chunked one', async () => {
    const { url, published } = await served(4096);
    const plain = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(order) });
    expect(plain.status).toBe(202);
    const streamed = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: chunked(JSON.stringify(order), 7), duplex: 'half' } as RequestInit);
    expect(streamed.status).toBe(202);
    expect(published()).toHaveLength(2);
  });

  it('answers 413 for a declared Content-Length past the limit without reading it, and for a chunked body once it passes the limit', async () => {
    const { url, sent } = await served(4096);
    const body = JSON.stringify({ ...order, padding: 'x'.repeat(20_000) });
    const declared = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    expect(declared.status).toBe(413);
    expect(await declared.json()).toEqual({ error: 'request body larger than 4096 bytes' });
    const streamed = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: chunked(body), duplex: 'half' } as RequestInit);
    expect(streamed.status).toBe(413);
    expect(sent).toEqual([]);
    const after = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(order) });
    expect(after.status).toBe(202);
  });
});
