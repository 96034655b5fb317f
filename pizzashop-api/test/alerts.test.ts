// Tests GET /alerts against a mocked Pinot broker.
import { describe, expect, it } from 'vitest';
import { ALERT_ROW, mockedApi, readUntil, standardAnswers } from './support.js';

describe('GET /alerts', () => {
  it('answers the alerts of the Pinot table as Alert objects, with the status filter in the SQL', async () => {
    const { service, request, alertSqls, agent } = mockedApi(standardAnswers);
    try {
      const res = await request('/alerts?status=open&limit=5');
      expect(res.status).toBe(200);
      const body = (await res.json()) as { alerts: Record<string, unknown>[] };
      expect(body.alerts).toEqual([
        {
          id: ALERT_ROW[0], metric: 'orders', direction: 'drop', severity: 'critical', status: 'open', observed: 3, expected: 612, zScore: -24.5,
          baseline: 'trailing-windows', window: { from: '2026-11-25T09:58:00.000Z', to: '2026-11-25T09:59:00.000Z' },
          openedAt: '2026-11-25T09:59:10.000Z', updatedAt: '2026-11-25T09:59:10.000Z', closedAt: null, notified: ['open'],
        },
      ]);
      expect(alertSqls[0]).toMatch(/WHERE status = 'open'[\s\S]*LIMIT 5/);
    } finally {
      await service.stop();
      await agent.close();
    }
  });

  it('reads an alert no webhook was told of (Pinot answers its empty notified list as "null") with notified []', async () => {
    const unnotified = mockedApi((sql) => (/FROM alerts/.test(sql) ? { columns: ['id'], rows: [[...ALERT_ROW.slice(0, -1), 'null']] } : standardAnswers(sql)));
    try {
      const res = await unnotified.request('/alerts');
      expect(res.status).toBe(200);
      expect(((await res.json()) as { alerts: { notified: string[] }[] }).alerts.map((a) => a.notified)).toEqual([[]]);
    } finally {
      await unnotified.service.stop();
      await unnotified.agent.close();
    }
  });

  it('answers 400 with the zod message for a bad status, and 502 for a row that is not an alert', async () => {
    const bad = mockedApi((sql) => (/FROM alerts/.test(sql) ? { columns: ['id'], rows: [['not-a-uuid', ...ALERT_ROW.slice(1)]] } : standardAnswers(sql)));
    try {
      const res = await bad.request('/alerts?status=maybe');
      expect(res.status).toBe(400);
      expect(((await res.json()) as { message: string }).message).toMatch(/status/);
      expect((await bad.request('/alerts')).status).toBe(502);
    } finally {
      await bad.service.stop();
      await bad.agent.close();
    }
  });

  it('sends an alerts event on the stream', async () => {
    const { service, request, agent } = mockedApi(standardAnswers, { STREAM_INTERVAL_MS: '5000' });
    try {
      const res = await request('/orders/stream');
      const text = await readUntil(res.body!, 'event: alerts', 3000);
      const data = JSON.parse(/data: (.*)/.exec(text.slice(text.indexOf('event: alerts')))?.[1] ?? '{}') as { alerts: { metric: string }[] };
      expect(data.alerts.map((a) => a.metric)).toEqual(['orders']);
    } finally {
      await service.stop();
      await agent.close();
    }
  });
});
