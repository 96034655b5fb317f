// The drills of the cluster profile (STACK_PROFILE=cluster): kill -9 one member of each scaled-out
// role under the order workload, bring it back, and check that nothing was lost or doubled and
// that the API and Pinot kept answering (completely) meanwhile.
import { stopComponent, up } from '@pizzashop/local-stack';
import { ApiProbe, probeNote, probePassed, type ApiInstances } from './api-probe.js';
import type { Drill, DrillContext } from './harness.js';
import type { PlacedOrder } from './workload.js';

/** Longest time no API instance may answer for "the API answered throughout". */
export const API_GAP_LIMIT_MS = 5000;

/** The Kafka node leading partition 0 of the orders topic, as its row name (`kafka-<node id>`). */
async function ordersLeader(ctx: DrillContext): Promise<string> {
  const admin = ctx.kafka.admin();
  await admin.connect();
  try {
    const { topics } = await admin.fetchTopicMetadata({ topics: [ctx.topics.orders] });
    const leader = topics[0]?.partitions.find((p) => p.partitionId === 0)?.leader;
    if (leader === undefined || leader < 0) throw new Error(`cluster drill: partition 0 of ${ctx.topics.orders} has no leader`);
    return `kafka-${leader}`;
  } finally {
    await admin.disconnect();
  }
}

/** kill -9 of one stack member (the one `pick` names), brought back by `up`; the API and Pinot probed throughout. */
function memberKill(name: string, fault: string, apis: ApiInstances, pick: (ctx: DrillContext) => Promise<string>): Drill {
  let killed = '';
  return {
    name,
    fault,
    enrichers: ['a', 'b'],
    observe: (ctx, workload) => probe(ctx, apis, workload.acknowledged),
    inject: async (ctx) => {
      killed = await pick(ctx);
      ctx.progress(`[drill] ${name}: kill -9 ${killed}`);
      await stopComponent(ctx.stack, killed, 'kill');
    },
    repair: async (ctx) => {
      await up(ctx.stack);
    },
    verify: async () => ({ ok: true, note: `killed ${killed}` }),
  };
}

function probe(ctx: DrillContext, apis: ApiInstances, acknowledged: readonly PlacedOrder[]) {
  const p = new ApiProbe(apis.urls, ctx.pinot.brokerUrls, acknowledged);
  return {
    fault: (at: number) => p.fault(at),
    stop: async () => {
      const f = await p.stop();
      return { ok: probePassed(f, API_GAP_LIMIT_MS), note: probeNote(f) };
    },
  };
}

/** The cluster drills, Kafka first; `apis` are the API instances the probe asks (started by the runner). */
export function createClusterDrills(apis: ApiInstances): Drill[] {
  return [
    memberKill('cluster-kafka-leader-kill', 'kill -9 the Kafka node leading orders partition 0 (of 3 nodes, RF 3, min ISR 2), bring it back', apis, ordersLeader),
    memberKill('cluster-pinot-server-kill', 'kill -9 one of 2 Pinot servers (every segment on both), bring it back', apis, async () => 'pinot-server-1'),
    memberKill('cluster-pinot-broker-kill', 'kill -9 the first of 2 Pinot brokers in PINOT_BROKER_URLS, bring it back', apis, async () => 'pinot-broker-1'),
    {
      name: 'cluster-enricher-kill',
      fault: 'kill -9 one of 2 enricher instances, bring it back',
      enrichers: ['a', 'b'],
      observe: (ctx, workload) => probe(ctx, apis, workload.acknowledged),
      inject: (ctx) => ctx.pipeline.stopEnricher('a', 'SIGKILL'),
      repair: (ctx) => ctx.pipeline.startEnricher('a'),
    },
  ];
}
