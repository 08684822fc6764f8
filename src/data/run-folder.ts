/**
 * The run folder: one place for its layout (what lives where), for the settings record
 * that ties a folder to the run that made it, and for the checks done before any work
 * starts (the folder can be written; a re-run resumes the same run, or stops naming the
 * setting that differs). Every writer (collect, eval, the pipeline, train, report) and
 * every reader (pairs, the viewer, the report) takes its paths from here.
 *
 * Layout of the folders stepq writes (a demo run holds the other two inside it):
 *   stepq-run.json                  settings of each part of the run (see RunManifest)
 *   trees/<task>.json               `stepq collect` (docs/tree-format.md)
 *   partial-trees/<task>.json       `stepq collect`: searches cut short, resumed next time
 *   trajectories.jsonl, summary.json `stepq eval`
 *   collect/trees/<task>.json       the pipeline's collect step
 *   pairs[-foldK].jsonl             the pipeline's preference pairs
 *   qmodel[-foldK]/model.json       trained Q-value models (model.json + weights.bin)
 *   eval/<arm>[-foldK]/             one `stepq eval` folder per decision rule
 *   results.json, report.html       the pipeline's results and its report
 */
import { createHash } from 'node:crypto';
import {
  closeSync,
  existsSync,
  openSync,
  readdirSync,
  readFileSync,
  readSync,
  rmSync,
  statSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { UserError } from '../core/errors.js';
import { fsError, makeDirs, writeJsonAtomic } from '../core/fs.js';
import { readJsonFile } from '../core/validate.js';
import { treeFileName } from './tree.js';

export const RUN_MANIFEST = 'stepq-run.json';
export const RUN_FORMAT = 'stepq.run/1';

/** Where each part of a run folder lives. */
export const runLayout = {
  manifest: (dir: string) => join(dir, RUN_MANIFEST),
  trees: (dir: string) => join(dir, 'trees'),
  treeFile: (dir: string, taskId: string) => join(dir, 'trees', treeFileName(taskId)),
  /** Trees of tasks whose search was interrupted (LLM failure), resumed by the next collect. */
  partialTrees: (dir: string) => join(dir, 'partial-trees'),
  trajectories: (dir: string) => join(dir, 'trajectories.jsonl'),
  summary: (dir: string) => join(dir, 'summary.json'),
  /** The pipeline's collect folder (itself laid out like a `stepq collect` folder). */
  collect: (dir: string) => join(dir, 'collect'),
  evalRoot: (dir: string) => join(dir, 'eval'),
  /** One eval folder per decision rule (and fold), laid out like a `stepq eval` folder. */
  evalArm: (dir: string, arm: string) => join(dir, 'eval', arm),
  pairs: (dir: string, suffix = '') => join(dir, `pairs${suffix}.jsonl`),
  qmodel: (dir: string, suffix = '') => join(dir, `qmodel${suffix}`),
  modelFile: (modelDir: string) => join(modelDir, 'model.json'),
  weightsFile: (modelDir: string) => join(modelDir, 'weights.bin'),
  results: (dir: string) => join(dir, 'results.json'),
  report: (dir: string) => join(dir, 'report.html'),
} as const;

function listDir(dir: string): string[] {
  try {
    return readdirSync(dir).sort();
  } catch {
    return [];
  }
}

const isDir = (p: string) => {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
};

/** The tree files of a run: `collect/trees/` (a pipeline run) or `trees/` (a collect run). */
export function findTreeFiles(dir: string): string[] {
  for (const folder of [runLayout.trees(runLayout.collect(dir)), runLayout.trees(dir)]) {
    if (isDir(folder))
      return listDir(folder)
        .filter((n) => n.endsWith('.json'))
        .map((n) => join(folder, n));
  }
  return [];
}

/** The trajectory logs of a run: its own (an eval run) and every `eval/<arm>/` one. */
export function findTrajectoryFiles(dir: string): string[] {
  const out: string[] = [];
  if (existsSync(runLayout.trajectories(dir))) out.push(runLayout.trajectories(dir));
  for (const name of listDir(runLayout.evalRoot(dir))) {
    const file = runLayout.trajectories(runLayout.evalArm(dir, name));
    if (existsSync(file)) out.push(file);
  }
  return out;
}

/** The saved Q-value models of a run: `model.json` itself (a train folder) and `qmodel*` folders. */
export function findModelFiles(dir: string): string[] {
  const out = existsSync(runLayout.modelFile(dir)) ? [runLayout.modelFile(dir)] : [];
  for (const name of listDir(dir))
    if (name.startsWith('qmodel') && existsSync(runLayout.modelFile(join(dir, name))))
      out.push(runLayout.modelFile(join(dir, name)));
  return out;
}

export function findPairsFiles(dir: string): string[] {
  return listDir(dir)
    .filter((n) => /^pairs.*\.jsonl$/.test(n))
    .map((n) => join(dir, n));
}

// ---------------------------------------------------------------------------------------
// Settings

/** One setting's value as recorded (plain JSON scalars, so records compare exactly). */
export type Setting = string | number | boolean | null;
export type RunSettings = Record<string, Setting>;

/** The parts one folder can hold; each records its own settings. */
export type RunPart = 'collect' | 'eval' | 'pipeline';

const settingSchema = z.union([z.string(), z.number(), z.boolean(), z.null()]);
const manifestSchema = z.object({
  format: z.literal(RUN_FORMAT),
  parts: z.partialRecord(
    z.enum(['collect', 'eval', 'pipeline']),
    z.object({ created: z.string(), settings: z.record(z.string(), settingSchema) }),
  ),
});
export type RunManifest = z.infer<typeof manifestSchema>;

/** A re-run whose settings differ from the run already in the folder. */
export class RunSettingsMismatch extends UserError {
  constructor(
    readonly dir: string,
    readonly setting: string,
    readonly recorded: Setting | undefined,
    readonly requested: Setting | undefined,
  ) {
    const show = (v: Setting | undefined) => (v === undefined ? '(not set)' : JSON.stringify(v));
    super(
      `${dir}: holds a run with ${setting} = ${show(recorded)}, this run has ${setting} = ${show(requested)}; ` +
        're-run with the same settings to resume it, or start afresh (--fresh)',
    );
    this.name = 'RunSettingsMismatch';
  }
}

let cachedVersion: string | undefined;
/** This stepq's version (package.json beside src/ and dist/). */
export function stepqVersion(): string {
  if (cachedVersion) return cachedVersion;
  const file = new URL('../../package.json', import.meta.url);
  try {
    const pkg = JSON.parse(readFileSync(file, 'utf8')) as { version?: unknown };
    cachedVersion = typeof pkg.version === 'string' ? pkg.version : 'unknown';
  } catch {
    cachedVersion = 'unknown';
  }
  return cachedVersion;
}

/** What each part of a run leaves in its folder: a part's content without its settings is a run of unknown settings. */
const PART_CONTENT: Record<RunPart, (dir: string) => string[]> = {
  collect: (dir) => [runLayout.trees(dir), runLayout.partialTrees(dir)],
  eval: (dir) => [runLayout.trajectories(dir), runLayout.summary(dir)],
  pipeline: (dir) => [
    runLayout.collect(dir),
    runLayout.evalRoot(dir),
    runLayout.results(dir),
    runLayout.report(dir),
    ...findPairsFiles(dir),
    ...listDir(dir)
      .filter((n) => n.startsWith('qmodel'))
      .map((n) => join(dir, n)),
  ],
};

function hasContent(path: string): boolean {
  if (!existsSync(path)) return false;
  return !isDir(path) || listDir(path).length > 0;
}

export function readRunManifest(dir: string): RunManifest | undefined {
  const file = runLayout.manifest(dir);
  if (!existsSync(file)) return undefined;
  return readJsonFile(file, manifestSchema);
}

/**
 * Checks that `dir` can be written, then ties it to this run: a folder without this part
 * is claimed (its settings recorded); a folder with it must have the same settings (the run
 * resumes) or a RunSettingsMismatch names the first setting that differs. `fresh` deletes
 * the part's own content (only the paths of the layout above) and starts again.
 */
export function claimRunFolder(
  dir: string,
  part: RunPart,
  settings: RunSettings,
  options: { fresh?: boolean } = {},
): void {
  ensureWritableDir(dir);
  const wanted: RunSettings = { ...settings, stepq: settings.stepq ?? stepqVersion() };
  const manifest: RunManifest = readRunManifest(dir) ?? { format: RUN_FORMAT, parts: {} };
  const recorded = manifest.parts[part];
  if (options.fresh) {
    for (const path of PART_CONTENT[part](dir)) rmSync(path, { recursive: true, force: true });
  } else if (recorded) {
    const keys = [...new Set([...Object.keys(wanted), ...Object.keys(recorded.settings)])];
    for (const key of keys) {
      if (key === 'stepq') continue; // compared last: a version change matters less than a setting
      if (recorded.settings[key] !== wanted[key])
        throw new RunSettingsMismatch(dir, key, recorded.settings[key], wanted[key]);
    }
    if (recorded.settings.stepq !== wanted.stepq)
      throw new RunSettingsMismatch(dir, 'stepq', recorded.settings.stepq, wanted.stepq);
    return;
  } else {
    const found = PART_CONTENT[part](dir).find(hasContent);
    if (found)
      throw new UserError(
        `${dir}: holds a ${part} run whose settings were not recorded (${found}); use another folder, or start afresh (--fresh)`,
      );
  }
  manifest.parts[part] = { created: new Date().toISOString(), settings: wanted };
  try {
    writeJsonAtomic(runLayout.manifest(dir), manifest, true);
  } catch (err) {
    throw fsError(err, runLayout.manifest(dir), 'write');
  }
}

/**
 * Makes `dir` (and its parents) and proves a file can be created in it, so that work is
 * never done and then lost on save. Any failure is one UserError naming the path.
 */
export function ensureWritableDir(dir: string): void {
  const probe = join(dir, `.stepq-write-test-${process.pid}`);
  try {
    makeDirs(dir);
    writeFileSync(probe, '');
    unlinkSync(probe);
  } catch (err) {
    throw fsError(err, dir, 'write');
  }
}

// ---------------------------------------------------------------------------------------
// Checksums (what identifies data and model files in the settings record)

/** Files above this size are identified by their size plus a hash of their first and last 8 MiB. */
const FULL_HASH_LIMIT = 256 * 1024 * 1024;
const SAMPLE_BYTES = 8 * 1024 * 1024;

function hashFileInto(hash: ReturnType<typeof createHash>, file: string): void {
  const size = statSync(file).size;
  const fd = openSync(file, 'r');
  try {
    const buffer = Buffer.alloc(Math.min(SAMPLE_BYTES, Math.max(1, size)));
    const readRange = (start: number, end: number) => {
      for (let at = start; at < end;) {
        const got = readSync(fd, buffer, 0, Math.min(buffer.length, end - at), at);
        if (got <= 0) break;
        hash.update(buffer.subarray(0, got));
        at += got;
      }
    };
    hash.update(`${size}:`);
    if (size <= FULL_HASH_LIMIT) readRange(0, size);
    else {
      readRange(0, SAMPLE_BYTES);
      readRange(size - SAMPLE_BYTES, size);
    }
  } finally {
    closeSync(fd);
  }
}

/**
 * sha256 of a data source: a file's content, or a folder's files (names and contents, not
 * recursive); null for a built-in source or a URL (nothing on disk to identify).
 */
export function dataChecksum(source: string | undefined): string | null {
  if (!source || source.startsWith('builtin:') || /^[a-z]+:\/\//i.test(source)) return null;
  if (!existsSync(source)) return null;
  const hash = createHash('sha256');
  try {
    if (isDir(source)) {
      for (const name of listDir(source)) {
        const path = join(source, name);
        if (isDir(path)) continue;
        hash.update(`${name}\0`);
        hashFileInto(hash, path);
      }
    } else hashFileInto(hash, source);
  } catch (err) {
    throw fsError(err, source, 'read');
  }
  return `sha256:${hash.digest('hex')}`;
}
