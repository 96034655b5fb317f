// Tests orders-service's config defaults: dedup capacity, ingest bounds, createdAt window and service area.
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

describe('ingest settings', () => {
  it('defaults: 20 items, 20 per item, createdAt 5 min ahead and the Pinot retention (7 days) behind, the service area around the shop', () => {
    const cfg = loadConfig(ordersServiceEnvSchema, {});
    expect([cfg.ORDERS_MAX_ITEMS, cfg.ORDERS_MAX_QUANTITY]).toEqual([20, 20]);
    expect(cfg.ORDERS_CREATED_AT_MAX_AHEAD_MS).toBe(300_000);
    expect(cfg.ORDERS_CREATED_AT_MAX_BEHIND_MS).toBe(7 * 86_400_000);
    expect(cfg.ORDERS_SERVICE_AREA).toEqual({ lat: 12.975, lon: 77.625, radiusKm: 25 });
  });

  it('follows PINOT_RETENTION_DAYS unless ORDERS_CREATED_AT_MAX_BEHIND_MS is set', () => {
    expect(loadConfig(ordersServiceEnvSchema, { PINOT_RETENTION_DAYS: '3' }).ORDERS_CREATED_AT_MAX_BEHIND_MS).toBe(3 * 86_400_000);
    expect(loadConfig(ordersServiceEnvSchema, { PINOT_RETENTION_DAYS: '3', ORDERS_CREATED_AT_MAX_BEHIND_MS: '60000' }).ORDERS_CREATED_AT_MAX_BEHIND_MS).toBe(60_000);
  });

  it.each([
    ['12.9,77.6', /must be "lat,lon,radiusKm"/],
    ['95,77.6,10', /not a point on Earth/],
    ['12.9,77.6,0', /radius must be a positive number of km/],
  ])('stops on ORDERS_SERVICE_AREA=%s, saying why', (value, why) => {
    expect(() => loadConfig(ordersServiceEnvSchema, { ORDERS_SERVICE_AREA: value }, 'orders-service')).toThrow(why);
    expect(() => loadConfig(ordersServiceEnvSchema, { ORDERS_SERVICE_AREA: value }, 'orders-service')).toThrow(/ORDERS_SERVICE_AREA/);
  });
});

describe('simulator traffic settings', () => {
  it('defaults to the daily profile with its curve, no seed, real time', () => {
    const cfg = loadConfig(ordersServiceEnvSchema, {});
    expect(cfg.SIMULATOR_PROFILE).toBe('daily');
    expect(cfg.SIMULATOR_DAILY_CURVE).toHaveLength(24);
    expect(cfg.SIMULATOR_TIME_ACCELERATION).toBe(1);
    expect(cfg.SIMULATOR_SEED).toBeUndefined();
  });

  it('reads a flat profile, a curve, a seed and an acceleration', () => {
    const curve = Array.from({ length: 24 }, (_, h) => String(h + 1)).join(',');
    const cfg = loadConfig(ordersServiceEnvSchema, { SIMULATOR_PROFILE: 'flat', SIMULATOR_DAILY_CURVE: curve, SIMULATOR_SEED: '42', SIMULATOR_TIME_ACCELERATION: '60' });
    expect([cfg.SIMULATOR_PROFILE, cfg.SIMULATOR_DAILY_CURVE[23], cfg.SIMULATOR_SEED, cfg.SIMULATOR_TIME_ACCELERATION]).toEqual(['flat', 24, 42, 60]);
  });

  it.each([
    ['SIMULATOR_PROFILE', 'wavy', /must be daily or flat/],
    ['SIMULATOR_DAILY_CURVE', '1,2,3', /24 comma-separated/],
    ['SIMULATOR_START_TIME', 'noon', /ISO 8601/],
    ['SIMULATOR_TIME_ACCELERATION', '0', /SIMULATOR_TIME_ACCELERATION/],
  ])('stops on %s=%s, saying why', (name, value, why) => {
    expect(() => loadConfig(ordersServiceEnvSchema, { [name]: value }, 'orders-service')).toThrow(why);
    expect(() => loadConfig(ordersServiceEnvSchema, { [name]: value }, 'orders-service')).toThrow(new RegExp(name));
  });
});
