// Reads versions.json, where the component versions of the local stack and compose are pinned.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { repoRoot } from './config.js';

const versionsSchema = z.object({
  kafka: z.string(),
  kafkaConnect: z.string(),
  debezium: z.string(),
  pinot: z.string(),
  apicurioRegistry: z.string(),
  zookeeper: z.string(),
  mysql: z.string(),
  node: z.string(),
});
export type Versions = z.infer<typeof versionsSchema>;

/** versions.json: the one place component versions are pinned (local stack and compose). */
export function readVersions(): Versions {
  return versionsSchema.parse(JSON.parse(readFileSync(join(repoRoot, 'versions.json'), 'utf8')));
}
