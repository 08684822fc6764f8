/**
 * The manifest of a trained LLM Q-value model folder (`stepq train --engine trl --out DIR`
 * writes DIR/stepq-qmodel.json; docs/llm-qmodel-contract.md §3). The scorers read beta, the
 * template, the span rule, the truncation and the token rule from it, so nothing that
 * training fixed is repeated (or mistyped) by hand at scoring time.
 */
import { existsSync, statSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { z } from 'zod';
import { UserError } from '../core/errors.js';
import { readJsonFile } from '../core/validate.js';
import { TEMPLATE_NAMES } from './chat-templates.js';

export const LLM_MANIFEST_FILE = 'stepq-qmodel.json';
export const LLM_MANIFEST_FORMAT = 'stepq.llm-qmodel/1';

const tokenId = z.number().int().min(0);
const relPath = z.string().min(1);

export const spanRuleSchema = z.enum(['sum', 'mean']);
export type SpanRule = z.infer<typeof spanRuleSchema>;

export const truncationSchema = z.object({
  /** Most tokens of BOS + prompt + completion; the prompt is cut from the left to fit. */
  maxLength: z.number().int().min(2),
  side: z.literal('left'),
});
export type Truncation = z.infer<typeof truncationSchema>;

export const tokenRuleSchema = z
  .object({
    addBos: z.boolean(),
    bosId: tokenId.nullable(),
    appendEos: z.boolean(),
    eosId: tokenId.nullable(),
  })
  .refine((t) => !t.addBos || t.bosId !== null, {
    message: 'addBos is true but bosId is null',
    path: ['bosId'],
  })
  .refine((t) => !t.appendEos || t.eosId !== null, {
    message: 'appendEos is true but eosId is null',
    path: ['eosId'],
  });
export type TokenRule = z.infer<typeof tokenRuleSchema>;

const modelFiles = z.object({ hf: relPath.nullable(), gguf: relPath.nullable() });

export const llmManifestSchema = z.looseObject({
  format: z.literal(LLM_MANIFEST_FORMAT),
  env: z.string().min(1),
  /** The base model as the user gave it (hub id or folder). */
  base: z.string().min(1),
  template: z.enum(TEMPLATE_NAMES as [string, ...string[]]),
  beta: z.number().positive(),
  span: spanRuleSchema,
  truncation: truncationSchema,
  tokens: tokenRuleSchema,
  /** With LoRA, the policy is base + adapter and its own files may be null. */
  policy: modelFiles,
  reference: z.object({ hf: relPath, gguf: relPath.nullable() }),
  lora: z
    .object({
      hf: relPath,
      gguf: relPath.nullable(),
      r: z.number().int().positive(),
      alpha: z.number().positive(),
    })
    .nullable(),
  training: z.looseObject({}),
  versions: z.record(z.string(), z.string().nullable()),
});
export type LlmManifest = z.infer<typeof llmManifestSchema>;

/** True when `dir` is a folder holding a manifest. */
export function isLlmModelDir(dir: string): boolean {
  try {
    return statSync(dir).isDirectory() && existsSync(join(dir, LLM_MANIFEST_FILE));
  } catch {
    return false;
  }
}

/** Reads and validates DIR/stepq-qmodel.json (errors name the file and the field). */
export function readLlmManifest(dir: string): LlmManifest {
  if (!existsSync(dir)) throw new UserError(`${dir}: no such folder`);
  if (!statSync(dir).isDirectory())
    throw new UserError(`${dir}: not a folder (expected a trained LLM Q-value model folder)`);
  const file = join(dir, LLM_MANIFEST_FILE);
  if (!existsSync(file))
    throw new UserError(
      `${dir}: no ${LLM_MANIFEST_FILE} (train one with \`stepq train --engine trl --out ${dir}\`)`,
    );
  return readJsonFile(file, llmManifestSchema);
}

/** A manifest path made absolute: relative ones are relative to the folder. */
export function manifestPath(dir: string, path: string): string {
  return isAbsolute(path) ? path : resolve(dir, path);
}

/** The GGUF files of a folder for the in-process scorer, or a UserError saying what is missing. */
export function manifestGgufFiles(
  dir: string,
  manifest: LlmManifest,
): { policy: string; reference: string; lora?: string } {
  const file = join(dir, LLM_MANIFEST_FILE);
  const convert = `(convert the folder to GGUF: see docs/gguf.md)`;
  if (!manifest.reference.gguf)
    throw new UserError(`${file}: field reference.gguf is null ${convert}`);
  const reference = manifestPath(dir, manifest.reference.gguf);
  if (manifest.lora) {
    if (!manifest.lora.gguf) throw new UserError(`${file}: field lora.gguf is null ${convert}`);
    return { policy: reference, reference, lora: manifestPath(dir, manifest.lora.gguf) };
  }
  if (!manifest.policy.gguf) throw new UserError(`${file}: field policy.gguf is null ${convert}`);
  return { policy: manifestPath(dir, manifest.policy.gguf), reference };
}
