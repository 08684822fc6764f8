#!/usr/bin/env node
// The CLI is compiled to dist/ by `npm install` (the `prepare` script).
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
const entry = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));
if (!existsSync(entry)) {
  console.error(
    'stepq: dist/ is missing. Run `npm install` (or `npm run build`) in the stepq folder first.',
  );
  process.exit(2);
}
const { main } = await import(pathToFileURL(entry).href);
await main(process.argv);
