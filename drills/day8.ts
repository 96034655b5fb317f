// Drills for a stack that has run for a while (issue "day 8"): the products CDC topic compacted
// under the enricher's feet, and records on `orders` near the broker's size limit.
import { randomBytes, randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { createIdempotentProducer, deadLetterSchema, TopicFollower, topicConfig, withAdmin, type DeadLetter } from '@pizzashop/common';
import kafkajs, { type Kafka } from 'kafkajs';
import mysql from 'mysql2/promise';
import { readTopic } from '@pizzashop/testkit';
import type { Drill, DrillContext } from './harness.js';
import { ProductPriceBurst } from './product-updates.js';

/** Products whose prices the compaction drill changes (and restores). */
const COMPACTION_PRODUCTS = ['71', '72', '73', '74'];

async function setTopicConfigs(kafka: Kafka, topic: string, configs: Record<string, string>): Promise<void> {
  await withAdmin(kafka, async (admin) => {
    await admin.alterConfigs({
      validateOnly: false,
      resources: [{ type: kafkajs.ConfigResourceTypes.TOPIC, name: topic, configEntries: Object.entries(configs).map(([name, value]) => ({ name, value })) }],
    });
  });
}

/** Records readable on `topic` now, and the offsets its partitions span (the difference was compacted away). */
async function recordsAndSpan(kafka: Kafka, topic: string, ctx: DrillContext): Promise<{ records: number; span: number }> {
  let records = 0;
  const follower = new TopicFollower(kafka, { topic, groupPrefix: 'drill-compaction', log: ctx.log, apply: (rs) => (records += rs.length) });
  await follower.start();
  await follower.caughtUp();
  await follower.stop();
  return await withAdmin(kafka, async (admin) => {
    const offsets = await admin.fetchTopicOffsets(topic);
    return { records, span: offsets.reduce((n, o) => n + Number(o.high) - Number(o.low), 0) };
  });
}

/** The enricher's products cache size from its /metrics. */
async function cacheSize(url: string): Promise<number | null> {
  const text = await fetch(`${url}/metrics`).then((r) => r.text(), () => '');
  const m = /^enricher_products_cache_size(?:\{[^}]*\})? (\d+)/m.exec(text);
  return m ? Number(m[1]) : null;
}

/**
 * The enricher stopped; the products topic rolled into many segments (segment.ms 1 s, price updates)
 * and compacted with a dirty ratio of 0.01 until the cleaner removed superseded records; the enricher
 * started again must know every product of the catalogue (it rebuilds its cache from the topic).
 */
export function compactionDrill(): Drill {
  let burst: ProductPriceBurst | undefined;
  let compacted: { before: number; after: number; span: number; waitedS: number } | null = null;
  return {
    name: 'products-compaction',
    fault: 'stop the enricher, roll and compact the products CDC topic until superseded changes are gone, start the enricher',
    inject: async (ctx) => {
      await ctx.pipeline.stopEnricher('a', 'SIGTERM');
      const before = await recordsAndSpan(ctx.kafka, ctx.cdcTopic, ctx);
      const lag = (await topicConfig(ctx.kafka, ctx.cdcTopic, 'min.compaction.lag.ms')) ?? '0';
      await setTopicConfigs(ctx.kafka, ctx.cdcTopic, { 'cleanup.policy': 'compact', 'segment.ms': '1000', 'min.cleanable.dirty.ratio': '0.01', 'min.compaction.lag.ms': '0' });
      const t0 = Date.now();
      try {
        burst = new ProductPriceBurst(ctx.db, COMPACTION_PRODUCTS);
        await burst.run(40, 10);
        await burst.restoreOriginals();
        for (let i = 0; i < 90 && compacted === null; i++) {
          await sleep(2000);
          await burst.restoreOriginals();
          const now = await recordsAndSpan(ctx.kafka, ctx.cdcTopic, ctx);
          if (now.records < now.span && now.records <= before.records) compacted = { before: before.records, after: now.records, span: now.span, waitedS: Math.round((Date.now() - t0) / 1000) };
        }
      } finally {
        await setTopicConfigs(ctx.kafka, ctx.cdcTopic, { 'cleanup.policy': 'compact', 'min.compaction.lag.ms': lag });
      }
    },
    repair: (ctx) => ctx.pipeline.startEnricher('a'),
    verify: async (ctx) => {
      const conn = await mysql.createConnection(ctx.db);
      const [[row]] = await conn.query<mysql.RowDataPacket[]>('SELECT COUNT(*) AS n FROM products');
      await conn.end();
      const catalogue = Number(row!.n);
      const cached = await cacheSize(ctx.pipeline.enricherUrl('a'));
      const how = compacted
        ? `compaction left ${compacted.after} records for offsets spanning ${compacted.span} (before: ${compacted.before}) after ${compacted.waitedS} s`
        : 'the cleaner did not compact within 180 s';
      return { ok: compacted !== null && cached === catalogue, note: `${how}; enricher restarted with ${cached ?? '?'} of ${catalogue} products cached` };
    },
  };
}

/**
 * Records on `orders` close to the broker's 1 MB limit, among the workload: a 1,000,000-byte binary
 * value and a 950 KB JSON order that is not valid. Both must be dead-lettered quoting at most
 * 64 KiB (the letters used to embed them whole and be refused), and every other order keeps flowing.
 */
export function oversizedRecordsDrill(): Drill {
  const run = randomUUID();
  const keys = { binary: `oversized-${run}-binary`, json: `oversized-${run}-json` };
  return {
    name: 'oversized-records',
    fault: 'a 1,000,000-byte binary record and a 950 KB invalid JSON order on orders',
    inject: async (ctx) => {
      const producer = createIdempotentProducer(ctx.kafka);
      await producer.connect();
      try {
        const json = JSON.stringify({ id: 'x'.repeat(950_000), items: [] });
        await producer.send({ topic: ctx.topics.orders, acks: -1, messages: [{ key: keys.binary, value: randomBytes(1_000_000) }] });
        await producer.send({ topic: ctx.topics.orders, acks: -1, messages: [{ key: keys.json, value: json }] });
      } finally {
        await producer.disconnect();
      }
    },
    repair: async () => undefined,
    verify: async (ctx) => {
      const found = new Map<string, DeadLetter>();
      let read = 0;
      await readTopic(
        ctx.kafka,
        ctx.topics.deadLetters,
        (records) => {
          for (; read < records.length; read++) {
            const r = records[read]!;
            if (!r.value) continue;
            const letter = deadLetterSchema.parse(JSON.parse(r.value));
            const key = letter.key === null ? '' : Buffer.from(letter.key, letter.encoding).toString('utf8');
            if (key.includes(run)) found.set(key, letter);
          }
          return found.size === 2;
        },
        { timeoutMs: 60_000 },
      );
      const describe = (k: string) => {
        const l = found.get(k);
        return l ? `${l.reason}, ${l.valueBytes} bytes quoted as ${Buffer.byteLength(l.value ?? '')} (${l.encoding})` : 'no dead letter';
      };
      const capped = [...found.values()].every((l) => l.truncated === true && Buffer.byteLength(l.value ?? '') <= 90_000);
      return { ok: found.size === 2 && capped, note: `binary: ${describe(keys.binary)}; JSON: ${describe(keys.json)}` };
    },
  };
}
