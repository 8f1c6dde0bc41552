#!/usr/bin/env node
// The package's command: the runner as compiled by `npm run build` (tsc into dist/).
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

const runner = fileURLToPath(new URL('../dist/runner/main.js', import.meta.url));
if (!existsSync(runner)) {
  process.stderr.write(
    'passerelle-conformance is not built yet: run `npm run build --workspace passerelle-conformance` (or `npm run build` in the package)\n',
  );
  process.exit(2);
}
await import(pathToFileURL(runner).href);
