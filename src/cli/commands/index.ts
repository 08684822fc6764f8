import type { Command } from 'commander';
import { registerCollect } from './collect.js';
import { registerPairs } from './pairs.js';
import { registerEval } from './eval.js';
import { registerDemo } from './demo.js';
import { registerTrain } from './train.js';
import { registerServePolicy } from './serve-policy.js';
import { registerServeQGuided } from './serve-qguided.js';
import { registerData } from './data.js';
import { registerView } from './view.js';
import { registerReport } from './report.js';

/** Every subcommand registers itself on the program; add new ones here. */
export const commands: Array<(program: Command) => void> = [
  registerDemo,
  registerCollect,
  registerPairs,
  registerTrain,
  registerEval,
  registerServePolicy,
  registerServeQGuided,
  registerData,
  registerView,
  registerReport,
];
