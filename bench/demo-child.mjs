// One benchmarked CLI run (bench/demo.ts): `node demo-child.mjs <dist/cli/main.js> <rss.json>
// args...` runs that checkout's CLI and writes the process's peak resident memory at exit.
import { writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

const [entry, rssFile, ...args] = process.argv.slice(2);
process.on('exit', () => {
  writeFileSync(rssFile, JSON.stringify({ maxRssKiB: process.resourceUsage().maxRSS }));
});
const { main } = await import(pathToFileURL(entry).href);
await main(['node', 'stepq', ...args]);
