// The few schema-registry calls that @kafkajs/confluent-schema-registry does not expose (subject
// listing, compatibility level and check), over the Confluent-compatible REST API.
import { z } from 'zod';
import { PizzashopError } from '../errors.js';
import type { JsonSchema } from './json-schema.js';

const CONTENT_TYPE = 'application/vnd.schemaregistry.v1+json';

/** The registry answered an error status: unavailable (retriable) for 5xx and 429, an upstream failure otherwise. */
export class RegistryHttpError extends PizzashopError {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message, { kind: status >= 500 || status === 429 ? 'unavailable' : 'upstream' });
  }
}

const versionSchema = z.object({ subject: z.string(), version: z.number().int(), id: z.number().int(), schema: z.string() });
export type SubjectVersion = z.infer<typeof versionSchema>;

/** A Confluent-compatible registry at `baseUrl` (for Apicurio: http://host:port/apis/ccompat/v7). */
export class RegistryApi {
  constructor(
    readonly baseUrl: string,
    private readonly timeoutMs = 5000,
  ) {}

  private async call<T>(method: string, path: string, schema: z.ZodType<T>, body?: unknown): Promise<T | undefined> {
    const url = `${this.baseUrl.replace(/\/$/, '')}${path}`;
    const res = await fetch(url, {
      method,
      headers: { Accept: CONTENT_TYPE, ...(body === undefined ? {} : { 'Content-Type': CONTENT_TYPE }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(this.timeoutMs),
    });
    const text = await res.text();
    if (res.status === 404) return undefined;
    if (!res.ok) {
      const message = (() => {
        try {
          return (JSON.parse(text) as { message?: string }).message ?? text;
        } catch {
          return text;
        }
      })();
      throw new RegistryHttpError(`schema registry: ${method} ${url} answered ${res.status}: ${message}`, res.status);
    }
    return schema.parse(text === '' ? undefined : JSON.parse(text));
  }

  async subjects(): Promise<string[]> {
    return (await this.call('GET', '/subjects', z.array(z.string()))) ?? [];
  }

  async versions(subject: string): Promise<number[]> {
    return (await this.call('GET', `/subjects/${encodeURIComponent(subject)}/versions`, z.array(z.number().int()))) ?? [];
  }

  version(subject: string, version: number | 'latest'): Promise<SubjectVersion | undefined> {
    return this.call('GET', `/subjects/${encodeURIComponent(subject)}/versions/${version}`, versionSchema);
  }

  /** The subject's own compatibility level; undefined when the subject does not exist yet. */
  async compatibility(subject: string): Promise<string | undefined> {
    return (await this.call('GET', `/config/${encodeURIComponent(subject)}`, z.object({ compatibilityLevel: z.string() })))?.compatibilityLevel;
  }

  async setCompatibility(subject: string, level: string): Promise<void> {
    await this.call('PUT', `/config/${encodeURIComponent(subject)}`, z.unknown(), { compatibility: level });
  }

  /** Deletes `subject` and its versions for good (soft, then permanent, as the Confluent API asks); a missing subject is fine. */
  async deleteSubject(subject: string): Promise<void> {
    const path = `/subjects/${encodeURIComponent(subject)}`;
    await this.call('DELETE', path, z.unknown());
    await this.call('DELETE', `${path}?permanent=true`, z.unknown());
  }

  /** The subject and version numbers under which schema `id` is registered. */
  async versionsOfId(id: number): Promise<{ subject: string; version: number }[]> {
    return (await this.call('GET', `/schemas/ids/${id}/versions`, z.array(z.object({ subject: z.string(), version: z.number().int() })))) ?? [];
  }

  /** Whether `schema` could be registered as the next version of `subject` (true when the subject is new). */
  async isCompatible(subject: string, schema: JsonSchema): Promise<boolean> {
    const answer = await this.call('POST', `/compatibility/subjects/${encodeURIComponent(subject)}/versions/latest`, z.object({ is_compatible: z.boolean() }), {
      schemaType: 'JSON',
      schema: JSON.stringify(schema),
    });
    return answer?.is_compatible ?? true;
  }

  /** The version of `subject` holding exactly `schema`, if it was registered there. */
  registered(subject: string, schema: JsonSchema): Promise<SubjectVersion | undefined> {
    return this.call('POST', `/subjects/${encodeURIComponent(subject)}`, versionSchema, { schemaType: 'JSON', schema: JSON.stringify(schema) });
  }
}
