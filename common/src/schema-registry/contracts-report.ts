// What the schema registry holds (every subject, its versions with their ids, its compatibility
// level) next to this build's contracts (registered as which version, or would they be accepted):
// the data of `npm run contracts`.
import type { InfraConfig } from '../config.js';
import type { TopicContract } from '../contracts/topic-contracts.js';
import { contractJsonSchema, valueSubject } from './json-schema.js';
import type { RegistryApi } from './registry-api.js';

export interface SubjectReport {
  subject: string;
  compatibility: string | undefined;
  versions: { version: number; id: number }[];
  /** This build's contract for the subject's topic, if it has one. */
  contract?: { name: string; topic: string; state: ContractState };
}

/** Where this build's contract stands: registered as a version, new (compatible or not), or refused. */
export type ContractState = { kind: 'registered'; version: number } | { kind: 'compatible'; nextVersion: number } | { kind: 'incompatible'; latestVersion: number };

export async function contractsReport(api: RegistryApi, cfg: InfraConfig, contracts: readonly TopicContract[]): Promise<SubjectReport[]> {
  const ours = new Map(contracts.map((c) => [valueSubject(String(cfg[c.topicKey])), c]));
  const subjects = [...new Set([...(await api.subjects()), ...ours.keys()])].sort();
  return Promise.all(
    subjects.map(async (subject): Promise<SubjectReport> => {
      const numbers = await api.versions(subject);
      const versions = await Promise.all(numbers.map(async (version) => ({ version, id: (await api.version(subject, version))?.id ?? -1 })));
      const compatibility = numbers.length > 0 ? await api.compatibility(subject) : undefined;
      const contract = ours.get(subject);
      if (!contract) return { subject, compatibility, versions };
      const schema = contractJsonSchema(contract);
      const latest = numbers.at(-1) ?? 0;
      const registered = await api.registered(subject, schema);
      const state: ContractState = registered
        ? { kind: 'registered', version: registered.version }
        : (await api.isCompatible(subject, schema))
          ? { kind: 'compatible', nextVersion: latest + 1 }
          : { kind: 'incompatible', latestVersion: latest };
      return { subject, compatibility, versions, contract: { name: contract.name, topic: String(cfg[contract.topicKey]), state } };
    }),
  );
}

export function describeContractState(state: ContractState): string {
  switch (state.kind) {
    case 'registered':
      return `registered as version ${state.version}`;
    case 'compatible':
      return state.nextVersion === 1 ? 'not registered yet (its producer registers it at start)' : `changed: would become version ${state.nextVersion} (compatible)`;
    case 'incompatible':
      return `INCOMPATIBLE with version ${state.latestVersion}: its producer would refuse to start`;
  }
}
