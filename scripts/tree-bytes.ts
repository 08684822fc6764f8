/**
 * Bytes per stored node of the tree files in a folder, in format 1 (every field inline, as
 * stepq 0.1 wrote them) and format 2 (text left out where rebuilt, repeated observations as
 * references), plus where format 1's bytes went. Reads either format. The figures in
 * docs/tree-format.md come from it.
 * Usage: node --import tsx scripts/tree-bytes.ts <trees folder>
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { readTreeFile, storedTree, walkTree, type TreeFile } from '../src/data/tree.js';

const dir = process.argv[2];
if (!dir) {
  process.stderr.write('usage: node --import tsx scripts/tree-bytes.ts <trees folder>\n');
  process.exit(2);
}

/** The tree as format 1 wrote it (writeJsonAtomic: compact JSON and a newline). */
function formatOne(tree: TreeFile): string {
  const { format: _f, search, root, stats, bestPath, ...rest } = tree;
  const { env, taskId, task, policy, seed, maxDepth } = rest;
  const p = search.params;
  const value = {
    format: 'stepq.tree/1',
    ...{ env, taskId, task, policy, seed },
    ...{ iterations: p.iterations, n: p.n, c: p.c, maxDepth, earlyStop: p.earlyStop },
    ...{ stats, bestPath, root },
  };
  return `${JSON.stringify(value)}\n`;
}

const bytes = (s: string) => Buffer.byteLength(s, 'utf8');
let trees = 0;
let nodes = 0;
let one = 0;
let two = 0;
let textBytes = 0;
let observationChars = 0;
let repeatedObservationChars = 0;
let stateBytes = 0;
for (const name of readdirSync(dir).filter((n) => n.endsWith('.json'))) {
  const tree = readTreeFile(join(dir, name));
  trees++;
  one += bytes(formatOne(tree));
  two += bytes(`${JSON.stringify(storedTree(tree))}\n`);
  const seen = new Set<string>();
  for (const { node } of walkTree(tree.root)) {
    nodes++;
    textBytes += bytes(JSON.stringify(node.text));
    stateBytes += bytes(JSON.stringify(node.state));
    observationChars += node.observation.length;
    if (seen.has(node.observation)) repeatedObservationChars += node.observation.length;
    seen.add(node.observation);
  }
}
const pct = (part: number, whole: number) => `${((100 * part) / whole).toFixed(1)}%`;
process.stdout.write(
  [
    `${trees} trees, ${nodes} nodes (root included)`,
    `format 1: ${(one / nodes).toFixed(1)} bytes per node (${one} bytes)`,
    `format 2: ${(two / nodes).toFixed(1)} bytes per node (${two} bytes), ${(two / one).toFixed(3)} of format 1`,
    `format 1 shares: text ${pct(textBytes, one)}, state ${pct(stateBytes, one)}`,
    `observation characters that repeat one already in the same tree: ${pct(repeatedObservationChars, observationChars)}`,
  ].join('\n') + '\n',
);
