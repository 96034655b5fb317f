// The one listen-port scheme: schema keys and defaults from SERVICE_LISTEN, old names read with a warning.
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { listenShape, portVarOf, withRenamedListenVars } from '../src/listen.js';

describe('listen settings', () => {
  it('names every service <PREFIX>_HTTP_PORT/_HOST with its default port', () => {
    expect(z.object(listenShape('pizzashop-api')).parse({})).toEqual({ API_HTTP_PORT: 8080, API_HTTP_HOST: '0.0.0.0' });
    expect(portVarOf('dashboard')).toBe('DASHBOARD_HTTP_PORT');
  });

  it('reads an old name under the new one and warns', () => {
    const warnings: string[] = [];
    const env = withRenamedListenVars({ API_PORT: '9000', DASHBOARD_HOST: '127.0.0.1', OTHER: 'x' }, (m) => warnings.push(m));
    expect(env).toMatchObject({ API_HTTP_PORT: '9000', DASHBOARD_HTTP_HOST: '127.0.0.1', OTHER: 'x' });
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toMatch(/API_PORT is renamed API_HTTP_PORT/);
  });

  it('lets the new name win when both are set, and says the old one is ignored', () => {
    const warnings: string[] = [];
    expect(withRenamedListenVars({ API_PORT: '9000', API_HTTP_PORT: '9100' }, (m) => warnings.push(m)).API_HTTP_PORT).toBe('9100');
    expect(warnings).toEqual([expect.stringMatching(/ignored because both are set/)]);
  });

  it('warns about nothing when only new names are used', () => {
    const warnings: string[] = [];
    withRenamedListenVars({ API_HTTP_PORT: '9000' }, (m) => warnings.push(m));
    expect(warnings).toEqual([]);
  });
});
