// `npm test`'s step before the test runner: installs what only the tests need (Chromium for the
// dashboard end-to-end test), so no test worker ever waits on an installer. `npm start` does not run it.
import { ensureChromium } from '@pizzashop/testkit/browser';

const progress = (line: string) => console.error(line);

ensureChromium(progress).then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  },
);
