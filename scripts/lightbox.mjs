#!/usr/bin/env node
// The `lightbox` bin: runs the built CLI. Build once with `npm run build`.
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

const cli = fileURLToPath(new URL('../dist/main/cli.mjs', import.meta.url));
if (!existsSync(cli)) {
  process.stderr.write('lightbox: not built yet. Run `npm run build` in the Lightbox folder first.\n');
  process.exit(1);
}
await import(pathToFileURL(cli).href);
