/**
 * A saved learned Q-value model is a folder: `model.json` (format version, featuriser
 * config, shape, ensemble size, the vote/Q mix and its regime, hyper-parameters, training
 * history) and `weights.bin` (little-endian Float32: the flat parameter arrays of the
 * ensemble members, one after the other). Loading reads two files and does no parsing of
 * weights, so it takes milliseconds. Version 1 files (one network, no mix) still load.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { endianness } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { UserError } from '../core/errors.js';
import { writeFileAtomic, writeJsonAtomic } from '../core/fs.js';
import { readJsonFile } from '../core/validate.js';
import { FEATURIZER_VERSION } from './featurizer.js';
import { LearnedQModel, Q_ONLY } from './learned.js';
import type { DecisionMix } from './prior-mix.js';
import { paramLayout } from './network.js';
import type { TrainResult } from './train.js';

export const MODEL_FORMAT = 'stepq-learned-qmodel';
export const MODEL_FORMAT_VERSION = 2;
const READABLE_VERSIONS = [1, 2];

const featurizerSchema = z.object({
  version: z.number().int(),
  dimBits: z.number().int().min(8).max(24),
  maxTaskWords: z.number().int().positive(),
  maxObservationWords: z.number().int().positive(),
  maxThoughtWords: z.number().int().positive(),
  maxArgWords: z.number().int().positive(),
  contextScale: z.number(),
  lexicalScale: z.number().min(0).optional(),
});

const modelFileSchema = z.looseObject({
  format: z.literal(MODEL_FORMAT),
  formatVersion: z.number().int(),
  featurizer: featurizerSchema,
  shape: z.object({ inputs: z.number().int().positive(), hidden: z.number().int().nonnegative() }),
  weights: z.object({
    file: z.string(),
    dtype: z.literal('float32'),
    count: z.number().int().positive(),
  }),
  /** Ensemble size (version 2; version 1 has one network). */
  members: z.number().int().positive().optional(),
  decision: z
    .object({
      regime: z.enum(['prior-only', 'mixed', 'q-only']),
      qWeight: z.number().min(0),
      priorWeight: z.number().min(0),
      smoothing: z.number().positive(),
      evidence: z.looseObject({
        pairs: z.number(),
        likelihoodRatio: z.number().nullable(),
        minPairs: z.number(),
        reason: z.string(),
      }),
    })
    .optional(),
});

export function saveQModel(
  dir: string,
  result: TrainResult,
  extra: Record<string, unknown> = {},
): void {
  const { model } = result;
  const size = paramLayout(model.net.shape).size;
  const params = new Float32Array(size * model.nets.length);
  model.nets.forEach((net, m) => params.set(net.params, m * size));
  if (endianness() !== 'LE') {
    const view = new DataView(params.buffer);
    for (let i = 0; i < params.length; i++) view.setFloat32(i * 4, params[i] as number, true);
  }
  const { featurizer, ...hyper } = result.options;
  const layout = paramLayout(model.net.shape);
  writeFileAtomic(
    join(dir, 'weights.bin'),
    new Uint8Array(params.buffer, params.byteOffset, params.byteLength),
  );
  writeJsonAtomic(
    join(dir, 'model.json'),
    {
      format: MODEL_FORMAT,
      formatVersion: MODEL_FORMAT_VERSION,
      createdAt: new Date().toISOString(),
      featurizer,
      shape: model.net.shape,
      weights: {
        file: 'weights.bin',
        dtype: 'float32',
        count: params.length,
        /** Offsets inside each member's block of `count / members` values. */
        blocks: {
          linear: [layout.w, layout.W],
          hiddenIn: [layout.W, layout.c],
          hiddenBias: [layout.c, layout.u],
          hiddenOut: [layout.u, layout.size],
        },
      },
      members: model.nets.length,
      decision: model.decision,
      evaluation: result.evaluation,
      hyperParameters: hyper,
      counts: result.counts,
      bestEpoch: result.bestEpoch,
      stoppedEarly: result.stoppedEarly,
      history: result.history,
      memberHistories: result.members.map((m) => ({
        bestEpoch: m.bestEpoch,
        stoppedEarly: m.stoppedEarly,
        history: m.history,
      })),
      ...extra,
    },
    true,
  );
}

export function isLearnedModelDir(path: string): boolean {
  return existsSync(join(path, 'model.json'));
}

export function loadLearnedQModel(dir: string): LearnedQModel {
  if (!existsSync(dir) || !statSync(dir).isDirectory())
    throw new UserError(`${dir}: no such model folder`);
  const file = join(dir, 'model.json');
  const meta = readJsonFile(file, modelFileSchema);
  if (!READABLE_VERSIONS.includes(meta.formatVersion))
    throw new UserError(
      `${file}: format version ${meta.formatVersion} is not supported (this stepq reads ${READABLE_VERSIONS.join(', ')})`,
    );
  if (meta.featurizer.version !== FEATURIZER_VERSION)
    throw new UserError(
      `${file}: trained with featuriser version ${meta.featurizer.version}, this stepq has ${FEATURIZER_VERSION}; retrain with \`stepq train\``,
    );
  if (meta.shape.inputs !== 1 << meta.featurizer.dimBits)
    throw new UserError(`${file}: field shape.inputs: must be 2^featurizer.dimBits`);
  const members = meta.formatVersion === 1 ? 1 : (meta.members ?? 1);
  const size = paramLayout(meta.shape).size;
  const expected = size * members;
  if (meta.weights.count !== expected)
    throw new UserError(
      `${file}: field weights.count: ${meta.weights.count}, but the shape and ${members} member(s) need ${expected}`,
    );
  const weightsFile = join(dir, meta.weights.file);
  let bytes: Buffer;
  try {
    bytes = readFileSync(weightsFile);
  } catch {
    throw new UserError(`${weightsFile}: cannot read the weights file`);
  }
  if (bytes.byteLength !== expected * 4)
    throw new UserError(
      `${weightsFile}: ${bytes.byteLength} bytes, expected ${expected * 4} (${expected} float32 values)`,
    );
  // The file is little-endian by definition: on little-endian hosts (all common ones) a plain copy.
  let params: Float32Array;
  if (endianness() === 'LE') {
    params = new Float32Array(
      bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength),
    );
  } else {
    params = new Float32Array(expected);
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    for (let i = 0; i < expected; i++) params[i] = view.getFloat32(i * 4, true);
  }
  // A model with NaN or infinite weights rates every action NaN: Q-guided would silently act
  // on garbage, so refuse it here.
  const bad = params.findIndex((x) => !Number.isFinite(x));
  if (bad >= 0)
    throw new UserError(
      `${weightsFile}: weight ${bad} is ${params[bad]} (not a finite number); retrain with \`stepq train\``,
    );
  const nets = Array.from({ length: members }, (_, m) => params.subarray(m * size, (m + 1) * size));
  const decision: DecisionMix = meta.decision ?? Q_ONLY;
  return new LearnedQModel(`learned:${dir}`, meta.featurizer, meta.shape, nets, decision);
}
