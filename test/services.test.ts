// Tests the service list `npm start` runs: ports shifted by the stack offset and counted instances.
import { describe, expect, it } from 'vitest';
import { serviceEnvs, services } from '../scripts/services.js';

describe('serviceEnvs', () => {
  const stackEnv = { KAFKA_BROKERS: 'localhost:29092,localhost:29192' };

  it('runs one instance of each service on its port shifted by the stack offset', () => {
    const runs = serviceEnvs(services, stackEnv, 10_000, {}, {});
    expect(runs.map((r) => [r.spec.name, r.url])).toContainEqual(['enricher', 'http://localhost:18082/readyz']);
    expect(runs).toHaveLength(services.length);
  });

  it('runs the counted instances as <name>-<n>, each 100 ports above the last; the dashboard asks the first API', () => {
    const runs = serviceEnvs(services, stackEnv, 20_000, { enricher: 2, 'pizzashop-api': 2 }, {});
    const byName = new Map(runs.map((r) => [r.spec.name, r]));
    expect([...byName.keys()]).toEqual(['orders-service', 'enricher-1', 'enricher-2', 'delivery-service', 'pizzashop-api-1', 'pizzashop-api-2', 'alerts', 'dashboard']);
    expect(byName.get('enricher-2')!.env).toMatchObject({ ENRICHER_HTTP_PORT: '28182', KAFKA_BROKERS: stackEnv.KAFKA_BROKERS });
    expect(byName.get('pizzashop-api-2')!.env.API_HTTP_PORT).toBe('28180');
    expect(byName.get('dashboard')!.env.API_URL).toBe('http://localhost:28080');
  });
});
