// The services under drill as `npm start` runs them: scripts/start.ts on the test stack, supervising
// orders-service and the enricher (and the API and dashboard), so a drill can kill -9 a service the
// way it would crash for a user and see the supervisor bring it back.
import { setTimeout as sleep } from 'node:timers/promises';
import { readServicesState } from '@pizzashop/local-stack';
import { startService, waitForHttpOk, type ServiceProcess } from '@pizzashop/testkit';
import type { DrillPipeline, PipelinePorts } from './pipeline.js';

export class NpmStartPipeline implements DrillPipeline {
  private start: ServiceProcess | undefined;
  readonly unexpectedExits: string[] = [];
  private stopping = false;

  constructor(
    private readonly env: Record<string, string>,
    private readonly ports: PipelinePorts & { api: number; dashboard: number },
    private readonly stateDir: string,
  ) {}

  get ordersUrl(): string {
    return `http://127.0.0.1:${this.ports.orders}`;
  }

  get enricherNames(): string[] {
    return this.start ? ['a'] : [];
  }

  async startOrdersService(): Promise<void> {
    await this.ensureStarted();
  }

  async startEnricher(name: string): Promise<void> {
    if (name !== 'a') throw new Error(`npm start runs one enricher; drill asked for "${name}"`);
    await this.ensureStarted();
  }

  enricherUrl(): string {
    return `http://127.0.0.1:${this.ports.enricher}`;
  }

  /** kill -9 (or SIGTERM) of the enricher process npm start supervises, by the pid it recorded. */
  async stopEnricher(_name: string, signal: 'SIGKILL' | 'SIGTERM'): Promise<void> {
    await this.kill('enricher', signal);
  }

  /** kill -9 of one supervised service, by the pid in services.json; returns that pid. */
  async kill(service: 'orders-service' | 'enricher', signal: 'SIGKILL' | 'SIGTERM' = 'SIGKILL'): Promise<number> {
    const pid = this.pidOf(service);
    if (pid === null) throw new Error(`drill: npm start records no running ${service} in ${this.stateDir}/services.json`);
    process.kill(pid, signal);
    return pid;
  }

  /** Resolves with the ms until `service` runs again under another pid and answers /readyz, or null after `timeoutMs`. */
  async untilBack(service: 'orders-service' | 'enricher', killedPid: number, since: number, timeoutMs: number): Promise<number | null> {
    const port = service === 'enricher' ? this.ports.enricher : this.ports.orders;
    while (Date.now() - since < timeoutMs) {
      const pid = this.pidOf(service);
      if (pid !== null && pid !== killedPid && (await ready(`http://127.0.0.1:${port}/readyz`))) return Date.now() - since;
      await sleep(200);
    }
    return null;
  }

  output(): string {
    return this.start ? `--- npm start ---\n${this.start.output().slice(-3000)}` : '';
  }

  async stop(): Promise<void> {
    if (!this.start) return;
    this.stopping = true;
    await this.start.stop('SIGTERM');
    this.start = undefined;
    this.stopping = false;
  }

  private pidOf(service: string): number | null {
    return readServicesState(this.stateDir).find((s) => s.name === service && s.state === 'running')?.pid ?? null;
  }

  private async ensureStarted(): Promise<void> {
    if (this.start) return;
    const start = startService('scripts/start.ts', {
      ...this.env,
      STACK_PROFILE: 'test',
      SIMULATOR_ENABLED: 'false',
      ORDERS_HTTP_PORT: String(this.ports.orders),
      ENRICHER_HTTP_PORT: String(this.ports.enricher),
      API_HTTP_PORT: String(this.ports.api),
      DASHBOARD_HTTP_PORT: String(this.ports.dashboard),
      ENRICHER_INSTANCE_ID: 'drill-a',
      LOG_LEVEL: 'warn',
    });
    this.start = start;
    void start.exited.then((code) => {
      if (!this.stopping) this.unexpectedExits.push(`npm start exited with ${String(code)}:\n${start.output().slice(-3000)}`);
      if (this.start === start) this.start = undefined;
    });
    await waitForHttpOk(`${this.ordersUrl}/readyz`, 180_000, start);
    await waitForHttpOk(`http://127.0.0.1:${this.ports.enricher}/readyz`, 180_000, start);
  }
}

async function ready(url: string): Promise<boolean> {
  return fetch(url, { signal: AbortSignal.timeout(1000) }).then(
    async (res) => {
      await res.arrayBuffer();
      return res.ok;
    },
    () => false,
  );
}
