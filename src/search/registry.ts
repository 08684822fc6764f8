/**
 * Search algorithms by name. `collect` (and through it `demo` and the CLI) looks the
 * algorithm up here, validates its options with the algorithm's own schema, and creates
 * it; a new algorithm is one file that calls registerSearchAlgorithm (examples/search/).
 * MCTS is registered here, as the default.
 */
import { UserError } from '../core/errors.js';
import { formatPath } from '../core/validate.js';
import { mctsAlgorithm } from './mcts.js';
import type {
  SearchAlgorithm,
  SearchAlgorithmSpec,
  SearchDeps,
  SearchParams,
  SearchSettings,
} from './types.js';

export const DEFAULT_SEARCH_ALGORITHM = 'mcts';

const specs = new Map<string, SearchAlgorithmSpec>();

/** Adds an algorithm. A second, different spec under a taken name is a programming error. */
export function registerSearchAlgorithm<P extends SearchParams>(
  spec: SearchAlgorithmSpec<P>,
): void {
  if (!/^[a-z][a-z0-9-]*$/.test(spec.name))
    throw new Error(`search algorithm name ${JSON.stringify(spec.name)}: use [a-z][a-z0-9-]*`);
  const known = specs.get(spec.name);
  if (known && known !== (spec as unknown as SearchAlgorithmSpec))
    throw new Error(`search algorithm ${spec.name} is already registered`);
  specs.set(spec.name, spec as unknown as SearchAlgorithmSpec);
}

export function searchAlgorithmNames(): string[] {
  return [...specs.keys()];
}

export function getSearchAlgorithm(name: string): SearchAlgorithmSpec {
  const spec = specs.get(name);
  if (!spec)
    throw new UserError(
      `unknown search algorithm ${JSON.stringify(name)} (known: ${searchAlgorithmNames().join(', ')})`,
    );
  return spec;
}

/**
 * Validates an algorithm's options (its schema fills the defaults) and creates it. `options`
 * are the algorithm's own (e.g. MCTS: iterations, n, c, earlyStop); errors name the field.
 */
export function createSearchAlgorithm(
  algorithm: string | SearchAlgorithmSpec,
  deps: SearchDeps,
  settings: SearchSettings,
  options: Record<string, unknown> = {},
): SearchAlgorithm {
  const spec = typeof algorithm === 'string' ? getSearchAlgorithm(algorithm) : algorithm;
  if (!Number.isInteger(settings.maxDepth) || settings.maxDepth < 1)
    throw new UserError(
      `search setting maxDepth: expected a whole number >= 1, got ${settings.maxDepth}`,
    );
  const parsed = spec.options.safeParse(options);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new UserError(
      `${spec.name} option ${formatPath(issue?.path ?? [])}: ${issue?.message ?? 'invalid'}`,
    );
  }
  return spec.create(deps, settings, parsed.data);
}

registerSearchAlgorithm(mctsAlgorithm);
