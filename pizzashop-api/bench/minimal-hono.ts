/**
 * The framework's floor for the API bench: a minimal Hono app on @hono/node-server that answers
 * each path with a fixed JSON body (the API's own answer, fetched by the bench) and nothing else.
 * Usage: tsx pizzashop-api/bench/minimal-hono.ts <port>  with MINIMAL_HONO_BODIES='{"/path": body, ...}'
 */
import { serve } from '@hono/node-server';
import { Hono } from 'hono';

const port = Number(process.argv[2]);
const bodies = JSON.parse(process.env.MINIMAL_HONO_BODIES ?? '{}') as Record<string, object>;
const app = new Hono();
for (const [path, body] of Object.entries(bodies)) app.get(path, (c) => c.json(body));
const server = serve({ fetch: app.fetch, port, hostname: '127.0.0.1' }, () => console.error(`minimal hono listening on ${port}`));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
