// `npm run contracts`: every subject of the schema registry with its versions (and their schema
// ids) and compatibility level, and where this build's topic contracts stand against them. Exit
// code 1 when a contract of this build would be refused (its producer would not start).
import {
  contractsReport,
  describeContractState,
  infraEnvSchema,
  loadConfig,
  RegistryApi,
  TOPIC_CONTRACTS,
  type SubjectReport,
} from '@pizzashop/common';
import { loadStackConfig, serviceEnv } from '@pizzashop/local-stack';

/** The registry to ask: SCHEMA_REGISTRY_URL when set, else the local stack's (STACK_PROFILE=test: the test stack's). */
function registryUrl(): string {
  return process.env.SCHEMA_REGISTRY_URL ?? serviceEnv(loadStackConfig()).SCHEMA_REGISTRY_URL!;
}

function table(rows: SubjectReport[]): string {
  const cells = rows.map((r) => [
    r.subject,
    r.compatibility ?? '-',
    r.versions.length ? r.versions.map((v) => `${v.version} (id ${v.id})`).join(', ') : '-',
    r.contract ? `${r.contract.name}: ${describeContractState(r.contract.state)}` : '-',
  ]);
  const header = ['subject', 'compatibility', 'versions', "this build's contract"];
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (cols: string[]) => cols.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)].join('\n');
}

async function main(): Promise<number> {
  const url = registryUrl();
  const cfg = loadConfig(infraEnvSchema, process.env, 'contracts');
  let rows: SubjectReport[];
  try {
    rows = await contractsReport(new RegistryApi(url), cfg, TOPIC_CONTRACTS);
  } catch (err) {
    console.error(`contracts: cannot read the schema registry at ${url}: ${(err as Error).message}. Is the stack up (npm run stack:status)?`);
    return 1;
  }
  if (process.argv.includes('--json')) console.log(JSON.stringify({ registry: url, subjects: rows }));
  else console.log(`schema registry ${url}\n\n${table(rows)}`);
  return rows.some((r) => r.contract?.state.kind === 'incompatible') ? 1 : 0;
}

main().then((code) => process.exit(code));
