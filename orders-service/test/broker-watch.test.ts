// Tests BrokerWatch against a fake admin: when the cluster turns reachable or unreachable, and waiting
// until it is reachable.
import { createLogger } from '@pizzashop/common';
import type { Admin } from 'kafkajs';
import { afterEach, describe, expect, it } from 'vitest';
import { BrokerWatch } from '../src/broker-watch.js';

/** An admin whose metadata answer the test sets: leaders per partition, an error, or no answer at all. */
function fakeAdmin() {
  const state: { answer: 'ok' | 'leaderless' | 'refused' | 'hang'; connects: number; checks: number; hangOnce: boolean } = {
    answer: 'ok',
    connects: 0,
    checks: 0,
    hangOnce: false,
  };
  const admin = {
    connect: async () => {
      state.connects++;
      if (state.answer === 'refused') throw new Error('connect ECONNREFUSED 127.0.0.1:9092');
    },
    disconnect: async () => undefined,
    fetchTopicMetadata: async () => {
      state.checks++;
      if (state.hangOnce) {
        state.hangOnce = false;
        return new Promise(() => {});
      }
      if (state.answer === 'refused') throw new Error('connect ECONNREFUSED 127.0.0.1:9092');
      if (state.answer === 'hang') return new Promise(() => {});
      const leader = state.answer === 'ok' ? 1 : -1;
      return { topics: [{ name: 'orders', partitions: [0, 1, 2].map((partitionId) => ({ partitionId, leader: partitionId === 2 ? leader : 1 })) }] };
    },
  };
  return { admin: admin as unknown as Admin, state };
}

let watch: BrokerWatch | undefined;
afterEach(async () => {
  await watch?.stop();
  watch = undefined;
});

async function until(what: () => boolean, timeoutMs = 2000): Promise<number> {
  const t0 = Date.now();
  while (!what()) {
    if (Date.now() - t0 > timeoutMs) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 5));
  }
  return Date.now() - t0;
}

function start(answer: 'ok' | 'leaderless' | 'refused' | 'hang' = 'ok') {
  const { admin, state } = fakeAdmin();
  state.answer = answer;
  watch = new BrokerWatch(admin, 'orders', ['127.0.0.1:9092'], { intervalMs: 20, timeoutMs: 50, failuresBeforeDown: 2 }, createLogger('test', 'silent'));
  const changes: boolean[] = [];
  watch.onChange((up) => changes.push(up));
  watch.start();
  return { state, changes, watch };
}

describe('BrokerWatch', () => {
  it('turns reachable after the first good answer', async () => {
    const { changes, watch } = start('ok');
    await until(() => watch.reachable);
    expect(changes).toEqual([true]);
  });

  it.each(['refused', 'hang', 'leaderless'] as const)('turns unreachable after two failed checks (%s), and back when the broker answers again', async (failure) => {
    const { state, changes, watch } = start('ok');
    await until(() => watch.reachable);
    state.answer = failure;
    const downAfterMs = await until(() => !watch.reachable);
    expect(downAfterMs).toBeLessThan(1000);
    state.answer = 'ok';
    await until(() => watch.reachable);
    expect(changes).toEqual([true, false, true]);
  });

  it('tolerates one failed check (a slow answer on a busy machine) without flipping', async () => {
    const { state, changes, watch } = start('ok');
    await until(() => watch.reachable);
    const checks = state.checks;
    state.hangOnce = true;
    await until(() => state.checks >= checks + 3);
    expect(changes).toEqual([true]);
  });

  it('untilReachable waits for the first good answer, and resolves at once while reachable', async () => {
    const { state, watch } = start('refused');
    let resolved = false;
    const reachable = watch.untilReachable().then(() => (resolved = true));
    await new Promise((r) => setTimeout(r, 100));
    expect(resolved).toBe(false);
    state.answer = 'ok';
    await reachable;
    expect(watch.reachable).toBe(true);
    await watch.untilReachable();
  });

  it('reconnects the admin client after a failure', async () => {
    const { state, watch } = start('refused');
    await new Promise((r) => setTimeout(r, 100));
    expect(watch.reachable).toBe(false);
    state.answer = 'ok';
    await until(() => watch.reachable);
    expect(state.connects).toBeGreaterThan(1);
  });
});
