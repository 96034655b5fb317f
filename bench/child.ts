// How a bench that bench/run.ts starts as a child process hands back its result and ends.
import { writeFileSync } from 'node:fs';
import type { Logger } from '@pizzashop/common';

/** Writes the result to `out` (the path bench/run.ts passes, when given) and prints its figures. */
export function emitResult(result: { figures: unknown }, out: string | undefined): void {
  if (out) writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
  console.log(JSON.stringify(result.figures));
}

/** Runs the bench's main: exit 0 once it is done, 1 (logged as `<name> bench failed`) when it threw. */
export function runChild(main: () => Promise<void>, log: Logger, name: string): void {
  main().then(
    () => process.exit(0),
    (err: unknown) => {
      log.fatal({ err }, `${name} bench failed`);
      process.exit(1);
    },
  );
}
