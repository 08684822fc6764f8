/**
 * Loading node-llama-cpp (an optional dependency) and GGUF models in-process. One Llama
 * instance per process and one loaded copy of each GGUF file, shared by every policy and
 * Q-value model that names it (policy and reference may be the same file or the same base).
 */
import { existsSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { OptionError } from '../core/settings.js';
import type { LlamaLike, LlamaModelLike, NodeLlamaCppModule } from './llama-api.js';

export const NODE_LLAMA_CPP_VERSION = '3.22.1';
export const NODE_LLAMA_CPP_INSTALL = `npm install node-llama-cpp@${NODE_LLAMA_CPP_VERSION}`;

export type ModuleImporter = () => Promise<unknown>;

// A variable specifier keeps TypeScript from resolving the optional package at compile time.
const PACKAGE = 'node-llama-cpp';
const defaultImporter: ModuleImporter = () => import(PACKAGE);
let importer: ModuleImporter = defaultImporter;

/** Tests replace the importer to simulate the package being absent; `undefined` restores it. */
export function setModuleImporter(next: ModuleImporter | undefined): void {
  importer = next ?? defaultImporter;
  llamaPromise = undefined;
  models.clear();
}

function isModuleNotFound(err: unknown): boolean {
  const code = (err as { code?: string } | null)?.code;
  return code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND';
}

/** The node-llama-cpp module, or a UserError that says how to install it. */
export async function loadNodeLlamaCpp(what: string): Promise<NodeLlamaCppModule> {
  try {
    return (await importer()) as NodeLlamaCppModule;
  } catch (err) {
    if (isModuleNotFound(err)) {
      throw new OptionError(
        what,
        `needs the optional package node-llama-cpp, which is not installed. Install it next to stepq with: ${NODE_LLAMA_CPP_INSTALL}`,
      );
    }
    throw new OptionError(
      what,
      `node-llama-cpp failed to load (${(err as Error).message}). Reinstall it with: ${NODE_LLAMA_CPP_INSTALL}`,
    );
  }
}

/** True when node-llama-cpp can be imported (for tests and benchmarks that need it). */
export async function nodeLlamaCppAvailable(): Promise<boolean> {
  try {
    await importer();
    return true;
  } catch {
    return false;
  }
}

let llamaPromise: Promise<{ module: NodeLlamaCppModule; llama: LlamaLike }> | undefined;
const models = new Map<string, Promise<LlamaModelLike>>();

/** Process-wide llama.cpp settings; the CLI fills them from STEPQ_GGUF_GPU / STEPQ_GGUF_THREADS. */
export interface GgufRuntimeSettings {
  /** `auto` (the default) lets node-llama-cpp pick CUDA, Vulkan, Metal, else CPU; `false` forces the CPU. */
  gpu?: false | string;
  /** Threads per context; default: the cores this process may use. */
  threads?: number;
}

let runtimeSettings: GgufRuntimeSettings = {};

/** Sets the llama.cpp settings for the models loaded after the call. */
export function configureGgufRuntime(settings: GgufRuntimeSettings): void {
  if (
    settings.threads !== undefined &&
    !(Number.isInteger(settings.threads) && settings.threads >= 1)
  )
    throw new OptionError('threads', 'must be a whole number >= 1', String(settings.threads));
  runtimeSettings = { ...runtimeSettings, ...settings };
}

/**
 * Threads per context: the configured number, else the cores this process may use. Set
 * explicitly because node-llama-cpp's own default can exceed the cores available (4 on a
 * 2-vCPU machine here), and llama.cpp's spinning threads then make every decode call ~250 ms.
 */
export function ggufThreads(): number {
  return runtimeSettings.threads ?? availableParallelism();
}

export async function getRuntime(
  what: string,
): Promise<{ module: NodeLlamaCppModule; llama: LlamaLike }> {
  if (!llamaPromise) {
    llamaPromise = (async () => {
      const module = await loadNodeLlamaCpp(what);
      // build: 'never': use the prebuilt binaries only; never try to compile llama.cpp at run time.
      const llama = await module.getLlama({
        gpu: runtimeSettings.gpu ?? 'auto',
        build: 'never',
        logLevel: module.LlamaLogLevel.error,
        progressLogs: false,
      });
      return { module, llama };
    })();
    llamaPromise.catch(() => {
      llamaPromise = undefined; // let a later call retry (e.g. after installing the package)
    });
  }
  return llamaPromise;
}

/** Checks that `path` is a readable GGUF file, naming the flag in the error. */
export function checkGgufPath(path: string, what: string): string {
  const full = resolve(path);
  if (!existsSync(full)) throw new OptionError(what, `no such file ${path}`);
  if (!statSync(full).isFile())
    throw new OptionError(what, `${path} is a folder, expected a .gguf file`);
  return full;
}

/** The loaded model for a GGUF file, loaded once per process. */
export async function loadGgufModel(path: string, what: string): Promise<LlamaModelLike> {
  const full = checkGgufPath(path, what);
  const { llama } = await getRuntime(what);
  let model = models.get(full);
  if (!model) {
    model = llama.loadModel({ modelPath: full }).catch((err: unknown) => {
      models.delete(full);
      throw new OptionError(
        what,
        `cannot load ${path} as a GGUF model (${(err as Error).message})`,
      );
    });
    models.set(full, model);
  }
  return model;
}

/** Frees every loaded model and the Llama instance (tests and benchmarks; a CLI run just exits). */
export async function disposeGgufRuntime(): Promise<void> {
  const loaded = await Promise.allSettled([...models.values()]);
  models.clear();
  for (const m of loaded) if (m.status === 'fulfilled') await m.value.dispose();
  const runtime = await llamaPromise?.catch(() => undefined);
  llamaPromise = undefined;
  await runtime?.llama.dispose();
}
