/**
 * The decision-rule registry: the one list eval, the pipeline (one arm per rule), the CLI
 * (`--algorithm` choices and help), the report and the viewer read. A library user adds a
 * rule with registerDecisionRule and every one of them picks it up.
 */
import { UserError } from '../../core/errors.js';
import { BUILTIN_RULES } from './rules.js';
import type { DecisionRule } from './types.js';

const rules = new Map<string, DecisionRule>(BUILTIN_RULES.map((r) => [r.name, r]));

/** The rule the pipeline compares every other rule with (the method). */
export const REFERENCE_RULE = 'qguided';
/** The rule uplift is measured against (the paper's baseline). */
export const BASELINE_RULE = 'greedy';

export function registerDecisionRule(rule: DecisionRule): void {
  if (!/^[a-z0-9][a-z0-9-]*$/.test(rule.name))
    throw new Error(`decision rule name ${JSON.stringify(rule.name)}: use [a-z0-9-]`);
  if (rules.has(rule.name)) throw new Error(`decision rule ${rule.name} is already registered`);
  rules.set(rule.name, rule);
}

/** Removes a rule a caller registered (built-ins stay); true when there was one. */
export function unregisterDecisionRule(name: string): boolean {
  if (BUILTIN_RULES.some((r) => r.name === name)) return false;
  return rules.delete(name);
}

/** Registered rule names, in registration order (built-ins first). */
export function decisionRuleNames(): string[] {
  return [...rules.keys()];
}

export function decisionRules(): DecisionRule[] {
  return [...rules.values()];
}

export function getDecisionRule(name: string): DecisionRule {
  const rule = rules.get(name);
  if (!rule)
    throw new UserError(
      `unknown decision rule ${JSON.stringify(name)} (known: ${decisionRuleNames().join(', ')})`,
    );
  return rule;
}

/** Sort key that puts registered rules in registry order and unknown names last. */
export function ruleOrder(name: string): number {
  const i = decisionRuleNames().indexOf(name);
  return i < 0 ? Number.MAX_SAFE_INTEGER : i;
}
