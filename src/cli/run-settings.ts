/**
 * The settings of a run that only the command line knows (which data file and its checksum,
 * the policy's sampling options, the Q-value model's files), for the run folder's record
 * (src/data/run-folder.ts). The library adds what it knows itself (env, search config,
 * decision rule, seed, ...). Endpoints (--base-url) are left out on purpose: a run may move
 * to another server and resume.
 */
import { existsSync, statSync } from 'node:fs';
import { POLICY_SETTINGS } from '../agent/policy-settings.js';
import { getEnv } from '../core/registry.js';
import { dataChecksum, type RunSettings, type Setting } from '../data/run-folder.js';
import type { EnvFlags, PolicyFlags } from './options.js';

function sampling(flags: PolicyFlags, key: 'temperature' | 'topP' | 'maxTokens'): Setting {
  if (flags.policy === 'heuristic') return null;
  const value = (flags as unknown as Record<string, unknown>)[key];
  return typeof value === 'number' ? value : POLICY_SETTINGS[key].default;
}

export function runIdentity(flags: EnvFlags & PolicyFlags, qmodel?: string): RunSettings {
  const settings: RunSettings = {
    data: flags.data ?? 'default',
    dataChecksum: dataChecksum(flags.data),
    policySpec: flags.policy,
    // The sampling options matter only where an LLM samples (the heuristic ignores them).
    temperature: sampling(flags, 'temperature'),
    topP: sampling(flags, 'topP'),
    maxTokens: sampling(flags, 'maxTokens'),
  };
  // The chosen env's own flags (e.g. --wiki, --webshop-url) shape its tasks and answers too.
  for (const f of getEnv(flags.env).optionFlags ?? []) {
    const value = (flags as unknown as Record<string, unknown>)[f.field];
    settings[f.field] =
      value === undefined
        ? null
        : typeof value === 'object'
          ? JSON.stringify(value)
          : (value as Setting);
  }
  if (qmodel !== undefined) {
    settings.qmodelSpec = qmodel;
    const isFolder = existsSync(qmodel) && statSync(qmodel).isDirectory();
    settings.qmodelChecksum = isFolder ? dataChecksum(qmodel) : null;
  }
  return settings;
}

/** `--fresh`, for the commands that write a run folder. */
export const FRESH_HELP =
  'start afresh: delete what this command wrote into --out before (default: resume it; a re-run with other settings stops)';
