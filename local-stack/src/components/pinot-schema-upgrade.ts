// Refuses to update an existing Pinot table whose schema lacks a column docker/pinot/config adds: its
// rows would hold the column's default value, not what the ingestion transform derives.

export interface SchemaJson {
  dimensionFieldSpecs?: Array<{ name: string }>;
  metricFieldSpecs?: Array<{ name: string }>;
  dateTimeFieldSpecs?: Array<{ name: string }>;
}

function columns(schema: SchemaJson): string[] {
  return [...(schema.dimensionFieldSpecs ?? []), ...(schema.metricFieldSpecs ?? []), ...(schema.dateTimeFieldSpecs ?? [])].map((c) => c.name);
}

/** The columns of `wanted` (docker/pinot/config/<table>/schema.json) that `existing` (the controller's) lacks. */
export function addedColumns(existing: SchemaJson, wanted: SchemaJson): string[] {
  const have = new Set(columns(existing));
  return columns(wanted).filter((c) => !have.has(c));
}

/**
 * Why the stack does not update table `table` in place, and the fix. Pinot accepts a schema with
 * a new column and fills it with the column's default value in every row already ingested (and
 * consuming segments lack it until they commit), so the API would count wrong or fail; the rows
 * have to be ingested again, which a table re-created from its Kafka topic does by itself.
 */
export function schemaUpgradeMessage(table: string, added: string[], controllerUrl: string): string {
  return [
    `pinot-tables: Pinot table ${table} exists without column(s) ${added.join(', ')} that docker/pinot/config/${table}/schema.json adds,`,
    'and Pinot cannot derive them for rows it already holds. Drop the table; the next start re-creates it and',
    `re-ingests its topic from the beginning (the topic keeps TOPIC_RETENTION_MS of rows):`,
    `  curl -X DELETE '${controllerUrl}/tables/${table}?type=realtime'`,
    'or start with empty data: npm run stack:down -- --reset (with the same STACK_PROFILE).',
  ].join('\n');
}
