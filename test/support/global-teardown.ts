// After the last test: removes the run's temporary folder (made by test/support/global-setup.ts),
// with everything the tests wrote there.
import { rmSync } from 'node:fs';
import { dirname } from 'node:path';

export default function globalTeardown(): void {
  const file = process.env.TITANIUM_RENDER_CACHE;
  if (file) rmSync(dirname(file), { recursive: true, force: true });
}
