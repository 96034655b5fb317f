// Unit tests of loadConfig: defaults, broker lists split, the offending variable named.
import { describe, expect, it } from 'vitest';
import { ConfigError, infraEnvSchema, loadConfig } from '../src/config.js';

describe('loadConfig', () => {
  it('applies defaults and splits broker lists', () => {
    const cfg = loadConfig(infraEnvSchema, { KAFKA_BROKERS: 'a:1, b:2' });
    expect(cfg.KAFKA_BROKERS).toEqual(['a:1', 'b:2']);
    expect(cfg.MYSQL_PORT).toBe(3307);
  });
  it('names the offending variable', () => {
    expect(() => loadConfig(infraEnvSchema, { MYSQL_PORT: 'abc' }, 'svc')).toThrow(ConfigError);
    expect(() => loadConfig(infraEnvSchema, { MYSQL_PORT: 'abc' }, 'svc')).toThrow(/MYSQL_PORT/);
  });
});
