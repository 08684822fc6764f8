/** Decision rules: the contract, the built-ins and the registry. */
export type { Decision, DecisionInput, DecisionRule } from './types.js';
export { argmaxAll, BUILTIN_RULES } from './rules.js';
export {
  BASELINE_RULE,
  REFERENCE_RULE,
  decisionRuleNames,
  decisionRules,
  getDecisionRule,
  registerDecisionRule,
  unregisterDecisionRule,
  ruleOrder,
} from './registry.js';
