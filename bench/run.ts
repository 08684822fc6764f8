/**
 * `npm run bench [-- [--runs K] name ...]`: runs the benchmark modules in bench/ and prints one
 * table per measurement. Each module exports `run()` returning titled rows. Numbers that are
 * compared are measured side by side in the same run (machines are noisy). With `--runs K`
 * every module runs K times and each number cell shows `min / median` over the runs (a
 * module that repeats its own measurements, like demo, exports `repeatsItself`). The machine's
 * load average is printed before and after each module. Run under `--expose-gc` (the npm
 * script does), so the heap figures are measured after a real collection.
 */
import { existsSync } from 'node:fs';
import { loadavg } from 'node:os';
import { fileURLToPath, pathToFileURL } from 'node:url';
import '../src/envs/index.js'; // registers the built-in envs, as every entry point does
import { renderMarkdownTable } from '../src/text/table.js';
import { median } from './stats.js';

interface BenchTable {
  title: string;
  rows: Array<Record<string, string | number>>;
}

interface BenchModule {
  run: () => Promise<BenchTable[]>;
  repeatsItself?: boolean;
}

// gguf needs the optional node-llama-cpp and takes ~2.5 minutes; demo about 5 (more with baselines).
const MODULES = ['mcts', 'qmodel', 'webshop', 'proxy', 'demo', 'gguf'];

const round = (x: number) => Number(x.toPrecision(4));

/** Tables of several runs as one: numbers become `min / median`, other cells the first run's. */
function merge(runs: BenchTable[][]): BenchTable[] {
  const first = runs[0] ?? [];
  return first.map((table, t) => ({
    title: `${table.title} (${runs.length} runs: min / median)`,
    rows: table.rows.map((row, r) =>
      Object.fromEntries(
        Object.entries(row).map(([key, value]) => {
          const values = runs.map((run) => run[t]?.rows[r]?.[key]);
          if (!values.every((v): v is number => typeof v === 'number')) return [key, value];
          const same = values.every((v) => v === values[0]);
          return [key, same ? value : `${round(Math.min(...values))} / ${round(median(values))}`];
        }),
      ),
    ),
  }));
}

function parseArgs(argv: string[]): { runs: number; names: string[] } {
  let runs = 1;
  const names: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--runs') {
      runs = Number(argv[++i]);
      if (!Number.isInteger(runs) || runs < 1) {
        console.error('bench: --runs must be a whole number >= 1');
        process.exit(2);
      }
    } else names.push(argv[i] as string);
  }
  return { runs, names: names.length ? names : MODULES };
}

const load = () =>
  loadavg()
    .map((x) => x.toFixed(2))
    .join(' ');

async function main(): Promise<void> {
  const { runs, names } = parseArgs(process.argv.slice(2));
  const gc = typeof (globalThis as { gc?: unknown }).gc === 'function' ? 'on' : 'off';
  console.log(
    `# stepq benchmarks (${new Date().toISOString()}, node ${process.version}, ${process.platform}/${process.arch}, --expose-gc ${gc})\n`,
  );
  for (const name of names) {
    const file = fileURLToPath(new URL(`./${name}.ts`, import.meta.url));
    if (!existsSync(file)) {
      console.log(`## ${name}\n\n(no bench/${name}.ts)\n`);
      continue;
    }
    const mod = (await import(pathToFileURL(file).href)) as BenchModule;
    const before = load();
    const results: BenchTable[][] = [];
    for (let i = 0; i < (mod.repeatsItself ? 1 : runs); i++) results.push(await mod.run());
    const tables = results.length > 1 ? merge(results) : (results[0] ?? []);
    console.log(`_${name}: load average (1, 5, 15 min) ${before} before, ${load()} after_\n`);
    for (const table of tables)
      console.log(`## ${table.title}\n\n${renderMarkdownTable(table.rows)}\n`);
  }
}

await main();
