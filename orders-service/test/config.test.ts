import { loadConfig } from '@pizzashop/common';
import { describe, expect, it } from 'vitest';
import { ordersServiceEnvSchema } from '../src/config.js';

describe('ordersServiceEnvSchema', () => {
  it('remembers 100,000 acknowledged order ids by default, or ORDERS_DEDUP_CAPACITY', () => {
    expect(loadConfig(ordersServiceEnvSchema, {}).ORDERS_DEDUP_CAPACITY).toBe(100_000);
    expect(loadConfig(ordersServiceEnvSchema, { ORDERS_DEDUP_CAPACITY: '500' }).ORDERS_DEDUP_CAPACITY).toBe(500);
  });

  it.each(['0', '-1', '1.5', 'lots'])('stops on ORDERS_DEDUP_CAPACITY=%s, naming the variable', (value) => {
    expect(() => loadConfig(ordersServiceEnvSchema, { ORDERS_DEDUP_CAPACITY: value }, 'orders-service')).toThrow(/ORDERS_DEDUP_CAPACITY/);
  });
});
