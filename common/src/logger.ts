// The services' structured JSON logger (pino), named after the component.
import { pino, type Logger } from 'pino';

export type { Logger };

/** Structured JSON logger (pino) named after the component; level from LOG_LEVEL. */
export function createLogger(name: string, level: string = process.env.LOG_LEVEL ?? 'info'): Logger {
  return pino({ name, level, base: { component: name }, timestamp: pino.stdTimeFunctions.isoTime });
}
