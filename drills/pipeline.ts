// The services under drill as child processes: one orders-service and enricher instances of one group.
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { startService, waitForHttpOk, type ServiceProcess } from '@pizzashop/testkit';

/** The last `bytes` of `file` as text, or undefined when it cannot be read. */
function tailOf(file: string, bytes = 2_000_000): string | undefined {
  try {
    const size = statSync(file).size;
    const length = Math.min(size, bytes);
    const buffer = Buffer.alloc(length);
    const fd = openSync(file, 'r');
    try {
      readSync(fd, buffer, 0, length, size - length);
    } finally {
      closeSync(fd);
    }
    return buffer.toString('utf8');
  } catch {
    return undefined;
  }
}

export interface PipelinePorts {
  orders: number;
  /** First enricher instance; further instances take the next ports. */
  enricher: number;
}

/** What a drill needs of the services it runs: orders-service's URL and the enricher instances. */
export interface DrillPipeline {
  readonly ordersUrl: string;
  readonly enricherNames: string[];
  /** Services that exited without being told to: a drill fails on any. */
  readonly unexpectedExits: string[];
  startOrdersService(): Promise<void>;
  startEnricher(name: string): Promise<void>;
  stopEnricher(name: string, signal: 'SIGKILL' | 'SIGTERM'): Promise<void>;
  /** Base URL of enricher instance `name`'s ops server (/readyz, /metrics). */
  enricherUrl(name: string): string;
  /** The last lines the services printed, for a failure message. */
  output(): string;
  stop(): Promise<void>;
}

/**
 * The services under drill, as child processes stopped by pid: one orders-service (HTTP ingest only,
 * no simulator) and enricher instances `a`, `b`, ... of one consumer group. An instance keeps its
 * `ENRICHER_INSTANCE_ID` across restarts (it names the instance's reader groups; fencing goes by
 * partition: whoever opens a partition next fences its previous owner).
 */
export class Pipeline implements DrillPipeline {
  private orders: ServiceProcess | undefined;
  private readonly enrichers = new Map<string, ServiceProcess>();
  /** Services that exited without being told to: a drill fails on any. */
  readonly unexpectedExits: string[] = [];
  private readonly stopping = new Set<ServiceProcess>();

  /** `logFile(service)`: where a service's whole output is appended (the failure message keeps only its end). */
  constructor(
    private readonly env: Record<string, string>,
    private readonly ports: PipelinePorts,
    private readonly logFile: (service: string) => string,
  ) {}

  get ordersUrl(): string {
    return `http://127.0.0.1:${this.ports.orders}`;
  }

  async startOrdersService(): Promise<void> {
    if (this.orders) return;
    this.orders = this.watch('orders-service', startService('orders-service/src/main.ts', {
      ...this.env,
      SIMULATOR_ENABLED: 'false',
      ORDERS_HTTP_PORT: String(this.ports.orders),
      ORDERS_HTTP_HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
    }, [], this.logFile('drill-orders-service')));
    await waitForHttpOk(`${this.ordersUrl}/readyz`, 120_000, this.orders);
  }

  enricherUrl(name: string): string {
    return `http://127.0.0.1:${this.ports.enricher + name.charCodeAt(0) - 'a'.charCodeAt(0)}`;
  }

  /** Starts enricher instance `name` (a, b, ...) unless it runs; resolves once it is ready. */
  async startEnricher(name: string): Promise<void> {
    if (this.enrichers.has(name)) return;
    const port = Number(new URL(this.enricherUrl(name)).port);
    const service = this.watch(`enricher ${name}`, startService('enricher/src/main.ts', {
      ...this.env,
      ENRICHER_HTTP_PORT: String(port),
      ENRICHER_HTTP_HOST: '127.0.0.1',
      ENRICHER_INSTANCE_ID: `drill-${name}`,
      LOG_LEVEL: 'debug',
    }, [], this.logFile(`drill-enricher-${name}`)));
    this.enrichers.set(name, service);
    await waitForHttpOk(`http://127.0.0.1:${port}/readyz`, 150_000, service);
  }

  /** kill -9 (crash) or SIGTERM (clean stop) of enricher instance `name`. */
  async stopEnricher(name: string, signal: 'SIGKILL' | 'SIGTERM'): Promise<void> {
    const service = this.enrichers.get(name);
    if (!service) return;
    this.enrichers.delete(name);
    this.stopping.add(service);
    await service.stop(signal);
  }

  /** Pauses (SIGSTOP) or resumes (SIGCONT) enricher instance `name`, by pid: a stalled process, not a crash. */
  signalEnricher(name: string, signal: 'SIGSTOP' | 'SIGCONT'): void {
    const pid = this.enrichers.get(name)?.child.pid;
    if (pid === undefined) throw new Error(`drill pipeline: enricher ${name} is not running`);
    process.kill(pid, signal);
  }

  get enricherNames(): string[] {
    return [...this.enrichers.keys()];
  }

  /**
   * The last lines every running service printed at info or above, for a failure message, without
   * kafkajs' own lines (connection retries during an outage), so the services' decisions fit in:
   * where each partition resumed and what was released show beside the warnings. The enrichers log
   * at debug (every transaction) to their whole log file, which the message names.
   */
  output(): string {
    const all = [
      ...(this.orders ? [['orders-service', 'drill-orders-service', this.orders] as const] : []),
      ...[...this.enrichers].map(([n, s]) => [`enricher ${n}`, `drill-enricher-${n}`, s] as const),
    ];
    const own = (text: string) => text.split('\n').filter((line) => !line.includes('"logger":"kafkajs"') && !line.includes('"level":20')).join('\n');
    return all.map(([name, file, s]) => `--- ${name} (whole log: ${this.logFile(file)}) ---\n${own(tailOf(this.logFile(file)) ?? s.output()).slice(-8000)}`).join('\n');
  }

  async stop(): Promise<void> {
    await Promise.all([...this.enrichers.keys()].map((name) => this.stopEnricher(name, 'SIGTERM')));
    if (this.orders) {
      this.stopping.add(this.orders);
      await this.orders.stop('SIGTERM');
      this.orders = undefined;
    }
  }

  private watch(name: string, service: ServiceProcess): ServiceProcess {
    void service.exited.then((code) => {
      if (this.stopping.has(service)) return;
      this.unexpectedExits.push(`${name} exited with ${String(code)}:\n${service.output().slice(-3000)}`);
      if (this.orders === service) this.orders = undefined;
      for (const [n, s] of this.enrichers) if (s === service) this.enrichers.delete(n);
    });
    return service;
  }
}
