// Unit tests of PizzashopError kinds, HTTP statuses and isRetriable.
import { KafkaJSConnectionError, KafkaJSNonRetriableError } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../src/config.js';
import { httpStatusOf, isRetriable, PizzashopError, type ErrorKind } from '../src/errors.js';
import { PinotQueryError, PinotUnavailableError } from '../src/pinot/errors.js';
import { RegistryHttpError } from '../src/schema-registry/registry-api.js';

class ExampleError extends PizzashopError {}

describe('PizzashopError', () => {
  it('carries its kind, its cause and the name of its class', () => {
    const cause = new Error('socket closed');
    const err = new ExampleError('Kafka unreachable', { kind: 'unavailable', cause });
    expect(err).toBeInstanceOf(Error);
    expect(err.name).toBe('ExampleError');
    expect(err.kind).toBe('unavailable');
    expect(err.cause).toBe(cause);
    expect(err.stack).toContain('ExampleError: Kafka unreachable');
  });

  it('is retriable by default only for unavailable, too-many-requests and outcome-unknown; the default can be overridden', () => {
    const retriable = (kind: ErrorKind) => new ExampleError('x', { kind }).retriable;
    expect(retriable('unavailable')).toBe(true);
    expect(retriable('too-many-requests')).toBe(true);
    expect(retriable('outcome-unknown')).toBe(true);
    for (const kind of ['invalid-input', 'not-found', 'conflict', 'too-large', 'refused', 'upstream', 'internal'] as const) expect(retriable(kind), kind).toBe(false);
    expect(new ExampleError('fenced', { kind: 'conflict', retriable: true }).retriable).toBe(true);
    expect(new ExampleError('down for good', { kind: 'unavailable', retriable: false }).retriable).toBe(false);
  });

  it('maps each kind to its HTTP status', () => {
    const kindsByStatus: [number, ErrorKind[]][] = [
      [400, ['invalid-input']], [404, ['not-found']], [409, ['conflict']], [413, ['too-large']], [422, ['refused']],
      [429, ['too-many-requests']], [500, ['outcome-unknown', 'internal']], [502, ['upstream']], [503, ['unavailable']],
    ];
    expect(kindsByStatus.flatMap(([, kinds]) => kinds)).toHaveLength(10);
    for (const [status, kinds] of kindsByStatus) {
      for (const kind of kinds) {
        expect(httpStatusOf(kind), kind).toBe(status);
        expect(new ExampleError('x', { kind }).httpStatus, kind).toBe(status);
      }
    }
  });

  it('gives the shared errors their kinds: config invalid input, Pinot unavailable or upstream, the registry by status', () => {
    expect(new ConfigError('bad env').kind).toBe('invalid-input');
    expect(new PinotUnavailableError('down', 'connection')).toMatchObject({ kind: 'unavailable', retriable: true, httpStatus: 503, name: 'PinotUnavailableError' });
    expect(new PinotQueryError('bad sql')).toMatchObject({ kind: 'upstream', retriable: false, httpStatus: 502, name: 'PinotQueryError' });
    expect(new RegistryHttpError('boom', 503)).toMatchObject({ kind: 'unavailable', retriable: true });
    expect(new RegistryHttpError('slow down', 429).retriable).toBe(true);
    expect(new RegistryHttpError('bad request', 400)).toMatchObject({ kind: 'upstream', retriable: false });
  });
});

describe('isRetriable', () => {
  it("asks our errors' flag and kafkajs's own, and calls any other error not retriable", () => {
    expect(isRetriable(new ExampleError('x', { kind: 'unavailable' }))).toBe(true);
    expect(isRetriable(new ExampleError('x', { kind: 'invalid-input' }))).toBe(false);
    expect(isRetriable(new KafkaJSConnectionError('Connection error: connect ECONNREFUSED'))).toBe(true);
    expect(isRetriable(new KafkaJSNonRetriableError('Topic creation errors'))).toBe(false);
    expect(isRetriable(Object.assign(new Error('looks retriable'), { retriable: true }))).toBe(false);
    expect(isRetriable('a string')).toBe(false);
  });
});
