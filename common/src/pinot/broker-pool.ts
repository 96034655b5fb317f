// Which Pinot broker a query goes to: the brokers in service in turn, and a broker that failed kept
// out of service until it is back (healthy and answering a real query), so a cold one is never the only one asked.

export interface BrokerPoolOptions {
  /** Whether a broker out of service is back: its /health answers 200 and it answers a real query. */
  isBack: (broker: string) => Promise<boolean>;
  /** How long after a failure (or a check saying "not back") a broker out of service is asked again. */
  recheckMs: number;
  now?: () => number;
}

interface OutOfService {
  checkedAt: number;
  checking: boolean;
}

/**
 * Spreads queries over every broker in service (each query starts at the next one), which keeps all
 * of them warm: a Pinot broker that served nothing yet needs seconds for its first queries, so a
 * client that sticks to one broker stalls when that broker dies and the idle one takes over. A
 * broker that refused a connection or answered 503 leaves the rotation and is asked in the
 * background every `recheckMs` whether it is back; until then it is tried only after every broker
 * in service (a last resort, so a query still goes somewhere while all of them are out).
 */
export class BrokerPool {
  private turn = 0;
  private readonly outOfService = new Map<string, OutOfService>();
  private readonly now: () => number;

  constructor(
    readonly brokers: readonly string[],
    private readonly options: BrokerPoolOptions,
  ) {
    this.now = options.now ?? Date.now;
  }

  /** The brokers one query tries, in order: `first` when it is in service, the others in service from this query's turn on, then those out of service. */
  order(first?: string): string[] {
    this.recheck();
    const inService = this.brokers.filter((b) => !this.outOfService.has(b));
    const start = inService.length > 0 ? this.turn++ % inService.length : 0;
    const rotated = [...inService.slice(start), ...inService.slice(0, start)];
    const ordered = first !== undefined && rotated.includes(first) ? [first, ...rotated.filter((b) => b !== first)] : rotated;
    return [...ordered, ...this.brokers.filter((b) => this.outOfService.has(b))];
  }

  /** A broker that refused a connection or said it is not ready: out of service until it is back. */
  failed(broker: string): void {
    if (this.outOfService.has(broker)) return;
    this.outOfService.set(broker, { checkedAt: this.now(), checking: false });
  }

  /** A broker that answered a query: in service (it was the last resort or is back). */
  answered(broker: string): void {
    this.outOfService.delete(broker);
  }

  /** Brokers out of service now. */
  get unavailable(): string[] {
    return [...this.outOfService.keys()];
  }

  private recheck(): void {
    const now = this.now();
    for (const [broker, state] of this.outOfService) {
      if (state.checking || now - state.checkedAt < this.options.recheckMs) continue;
      state.checking = true;
      const settle = (back: boolean) => {
        if (this.outOfService.get(broker) !== state) return;
        if (back) this.outOfService.delete(broker);
        else Object.assign(state, { checking: false, checkedAt: this.now() });
      };
      this.options.isBack(broker).then(settle, () => settle(false));
    }
  }
}
