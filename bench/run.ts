/**
 * `npm run bench [-- name ...]`: runs the benchmark modules in bench/ and prints one
 * table per measurement. Each module exports `run()` returning titled rows. Numbers
 * that are compared are measured side by side in the same run (machines are noisy).
 */
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { renderMarkdownTable } from '../src/text/table.js';

interface BenchTable {
  title: string;
  rows: Array<Record<string, string | number>>;
}

// gguf needs the optional node-llama-cpp and takes ~2.5 minutes; demo about 5 (more with baselines).
const MODULES = ['mcts', 'qmodel', 'webshop', 'proxy', 'demo', 'gguf'];

async function main(): Promise<void> {
  const wanted = process.argv.slice(2);
  const names = wanted.length ? wanted : MODULES;
  console.log(
    `# stepq benchmarks (${new Date().toISOString()}, node ${process.version}, ${process.platform}/${process.arch})\n`,
  );
  for (const name of names) {
    const file = fileURLToPath(new URL(`./${name}.ts`, import.meta.url));
    if (!existsSync(file)) {
      console.log(`## ${name}\n\n(no bench/${name}.ts)\n`);
      continue;
    }
    const mod = (await import(pathToFileURL(file).href)) as { run: () => Promise<BenchTable[]> };
    for (const table of await mod.run()) {
      console.log(`## ${table.title}\n\n${renderMarkdownTable(table.rows)}\n`);
    }
  }
}

await main();
