// Unit tests of enricherEnvSchema.
import { loadConfig } from '@pizzashop/common';
import { describe, expect, it } from 'vitest';
import { enricherEnvSchema } from '../src/config.js';

describe('enricherEnvSchema', () => {
  it('has the documented defaults and an instance id from host and port', () => {
    const cfg = loadConfig(enricherEnvSchema, { ENRICHER_HTTP_PORT: '18200' });
    expect(cfg.ENRICHER_UNKNOWN_PRODUCT_TIMEOUT_MS).toBe(60000);
    expect(cfg.ENRICHER_GROUP_ID).toBe('enricher');
    expect(cfg.ENRICHER_INSTANCE_ID).toMatch(/-18200$/);
  });
  it('keeps an explicit instance id', () => {
    expect(loadConfig(enricherEnvSchema, { ENRICHER_INSTANCE_ID: 'a' }).ENRICHER_INSTANCE_ID).toBe('a');
  });
});
