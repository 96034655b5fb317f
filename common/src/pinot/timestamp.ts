// Pinot TIMESTAMP cells as epoch ms (Pinot answers selected TIMESTAMP columns as text).
import { PinotQueryError } from './errors.js';

/** A TIMESTAMP cell as epoch ms: Pinot answers selected TIMESTAMP columns as "yyyy-MM-dd HH:mm:ss.SSS" (UTC). */
export function timestampMs(cell: unknown): number {
  if (typeof cell === 'number') return cell;
  const text = String(cell);
  const ms = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}/.test(text) ? Date.parse(`${text.replace(' ', 'T')}Z`) : Number(text);
  if (!Number.isFinite(ms)) throw new PinotQueryError(`Pinot returned a timestamp that is neither epoch ms nor "yyyy-MM-dd HH:mm:ss": ${text.slice(0, 40)}`);
  return ms;
}
