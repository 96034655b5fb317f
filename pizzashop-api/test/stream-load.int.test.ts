/** 1,000 SSE subscribers over every stream channel on the real stack: Pinot queries per channel per tick. */
import { createLogger, infraEnvSchema, loadConfig } from '@pizzashop/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testPort } from '@pizzashop/testkit';
import { measureStreamFanOut } from '../bench/stream-fanout.js';
import { apiEnvSchema } from '../src/config.js';
import { createApiService, type ApiService } from '../src/service.js';

const log = createLogger('pizzashop-api-stream-load-it', process.env.LOG_LEVEL ?? 'warn');
const infra = loadConfig(infraEnvSchema, process.env, 'pizzashop-api stream load test');
const API_PORT = testPort('stream-load-it.api');
const INTERVAL_MS = 1000;
const SUBSCRIBERS = 1000;

let api: ApiService;

beforeAll(async () => {
  const env = { ...process.env, API_HTTP_HOST: '127.0.0.1', API_HTTP_PORT: String(API_PORT), STREAM_INTERVAL_MS: String(INTERVAL_MS), QUERY_CACHE_TTL_MS: String(INTERVAL_MS) };
  api = createApiService(loadConfig(apiEnvSchema, { ...env, PINOT_BROKER_URLS: infra.PINOT_BROKER_URLS.join(',') }), log);
  await api.start();
});

afterAll(async () => {
  await api?.stop();
});

describe('stream fan-out on the real stack', () => {
  it('serves 1,000 subscribers over every allowed channel with at most one Pinot query per channel per tick', async () => {
    const result = await measureStreamFanOut(`http://127.0.0.1:${API_PORT}`, SUBSCRIBERS, 8, INTERVAL_MS);
    console.info(`stream fan-out: ${JSON.stringify(result)}`);
    expect(result.refused).toBe(0);
    expect(result.snapshotsPerSubscriber.min).toBeGreaterThanOrEqual(1);
    expect(result.snapshotsReceived).toBeGreaterThanOrEqual((SUBSCRIBERS * result.ticks) / 2);
    expect(result.pinotQueries).toBeGreaterThan(0);
    expect(result.pinotQueriesPerChannelPerTick).toBeLessThanOrEqual(1);
  }, 120_000);
});
