/**
 * Makes the examples known to stepq: the arithmetic env (its one registration line) and the
 * beam search (examples/search/beam.ts registers itself when imported). A program imports
 * this module; the CLI loads it with Node's `--import`:
 *
 *   node --import ./register.js node_modules/stepq/bin/stepq.js eval --env arith
 */
import { registerEnv } from 'stepq';
import { arithDefinition } from './arith/index.js';
import './search/beam.js';

registerEnv(arithDefinition);
