import { Option, type Command } from 'commander';
import { resolve } from 'node:path';
import { UserError } from '../../core/errors.js';
import { intArg } from '../options.js';
import { addSettings } from '../settings.js';
import { startProgress } from '../progress.js';
import { renderTable } from '../../text/table.js';
import { DEFAULT_FEATURIZER } from '../../qmodel/featurizer.js';
import { readPairsFile } from '../../qmodel/pairs.js';
import { saveQModel } from '../../qmodel/store.js';
import { fsError } from '../../core/fs.js';
import { ensureWritableDir } from '../../data/run-folder.js';
import { trainQModel, type EpochStats } from '../../qmodel/train.js';
import { FEATURIZER_SETTINGS, TRAIN_SETTINGS } from '../../qmodel/train-settings.js';
import { runTrlTrain, TRL_ONLY_FLAGS, type TrlFlags } from './train-trl.js';
import { addExamples } from '../help.js';

interface TrainFlags {
  pairs: string;
  out: string;
  json?: boolean;
  engine: 'stepq' | 'trl';
}

function epochRow(s: EpochStats): Record<string, string | number | null> {
  return {
    epoch: s.epoch,
    loss: s.loss,
    'train acc': s.trainAccuracy,
    'held-out loss': s.heldOutLoss,
    'held-out acc': s.heldOutAccuracy,
    seconds: s.seconds,
    model: s.member,
  };
}

export function registerTrain(program: Command): void {
  const cmd = program
    .command('train')
    .summary('fit a Q-value model to preference pairs (step 3)')
    .description(
      'Fit the learned Q-value model to preference pairs (step 3 of the method): step-level ' +
        'DPO on Q-values, -log sigmoid(beta (Q(s,a+) - Q(s,a-))) + L2, with a held-out split ' +
        'by task and early stopping. Writes <out>/model.json and weights.bin, for ' +
        '`stepq eval --qmodel <out>`.',
    )
    .requiredOption('--pairs <file>', 'preference pairs (JSONL, from `stepq pairs`)')
    .requiredOption('--out <dir>', 'folder to write the model to');
  addExamples(
    cmd,
    'stepq train --pairs runs/c1/pairs.jsonl --out runs/c1/qmodel',
    'stepq train --pairs pairs.jsonl --out qm --hidden 0 --epochs 50',
  );
  const train = addSettings(cmd, TRAIN_SETTINGS);
  const featurizer = addSettings(cmd, FEATURIZER_SETTINGS);
  cmd
    .option('--json', 'print one JSON summary object instead of tables')
    .addOption(
      new Option(
        '--engine <name>',
        'stepq (the small CPU model above) or trl (an LLM, step-level DPO on TRL: docs/trl.md)',
      )
        .choices(['stepq', 'trl'])
        .default('stepq'),
    )
    .option('--base <model>', 'trl: hub id or local folder of the starting LLM')
    .option('--lora', 'trl: train a LoRA adapter (peft) instead of all weights')
    .option('--gguf', "trl: also write GGUF files (llama.cpp's converter) for --qmodel gguf:<out>")
    .option(
      '--python <path>',
      'trl: Python interpreter (default $STEPQ_PYTHON, python/.venv, python3)',
    )
    .option(
      '--max-length <n>',
      'trl: token limit shared with the scorer',
      intArg('--max-length', 8),
    )
    .option(
      '--effective-batch <n>',
      'trl: pairs per step (default 64)',
      intArg('--effective-batch', 1),
    )
    .option('--per-device-batch <n>', 'trl: pairs per device pass', intArg('--per-device-batch', 1))
    .option('--max-steps <n>', 'trl: stop after n optimiser steps', intArg('--max-steps', 1))
    .option('--processes <n>', 'trl: GPUs, through accelerate launch', intArg('--processes', 1))
    .option('--dtype <t>', 'trl: auto (bf16 on a GPU that has it), float32, bfloat16, float16')
    .option('--llama-cpp <dir>', "trl: folder with llama.cpp's convert_hf_to_gguf.py")
    .action(async (flags: TrainFlags & TrlFlags & Record<string, unknown>, command: Command) => {
      if (flags.engine === 'trl') {
        const given = (key: string) => command.getOptionValueSource(key) !== 'default';
        await runTrlTrain(flags, given, process.env.STEPQ_PYTHON);
        return;
      }
      const stray = TRL_ONLY_FLAGS.find((f) => command.getOptionValue(f.key) !== undefined);
      if (stray) throw new UserError(`${stray.flag} needs --engine trl`);
      const pairs = readPairsFile(flags.pairs);
      const options = train(flags);
      // Before training: a model that cannot be saved must not cost the training first.
      ensureWritableDir(flags.out);
      const progress = startProgress('train', options.epochs * options.members, {
        quiet: flags.json,
        fields: ['loss', 'heldOutAcc'],
      });
      const rows: Array<Record<string, string | number | null>> = [];
      let result;
      try {
        result = trainQModel(
          pairs,
          { ...options, featurizer: { ...DEFAULT_FEATURIZER, ...featurizer(flags) } },
          (s) => {
            rows.push(epochRow(s));
            progress.tick(1, {
              loss: s.loss.toFixed(4),
              heldOutAcc: s.heldOutAccuracy === null ? '-' : s.heldOutAccuracy.toFixed(3),
            });
          },
        );
      } finally {
        progress.stop();
      }
      try {
        saveQModel(flags.out, result, { pairsFile: resolve(flags.pairs) });
      } catch (err) {
        throw fsError(err, flags.out, 'write');
      }
      const best = result.history[result.bestEpoch - 1];
      const summary = {
        out: flags.out,
        pairs: result.counts.pairs,
        trainPairs: result.counts.trainPairs,
        heldOutPairs: result.counts.heldOutPairs,
        trainTasks: result.counts.trainTasks,
        heldOutTasks: result.counts.heldOutTasks,
        epochs: result.history.length,
        bestEpoch: result.bestEpoch,
        stoppedEarly: result.stoppedEarly,
        trainLoss: best?.loss ?? null,
        trainAccuracy: best?.trainAccuracy ?? null,
        heldOutLoss: best?.heldOutLoss ?? null,
        // On the report halves: pairs that chose neither the epoch nor the mix.
        heldOutAccuracy: result.evaluation.reportAccuracy,
        members: result.members.length,
        reportAccuracy: result.evaluation.reportAccuracy,
        priorAccuracy: result.evaluation.priorAccuracy,
        mixedAccuracy: result.evaluation.mixedAccuracy,
        regime: result.decision.regime,
        qWeight: result.decision.qWeight,
        priorWeight: result.decision.priorWeight,
        regimeReason: result.decision.evidence.reason,
        featurizeSeconds: result.featurizeSeconds,
        trainSeconds: result.trainSeconds,
      };
      if (flags.json) {
        process.stdout.write(`${JSON.stringify(summary)}\n`);
        return;
      }
      process.stdout.write(`${renderTable(rows)}\n\n`);
      const held =
        summary.heldOutAccuracy === null
          ? 'no held-out split'
          : `held-out pair accuracy ${summary.heldOutAccuracy.toFixed(3)} on ${result.evaluation.reportPairs} report pairs (epoch chosen on ${result.evaluation.selectionPairs} other pairs; ${summary.heldOutTasks} held-out tasks)`;
      process.stdout.write(
        `saved ${flags.out} (epoch ${summary.bestEpoch} of ${summary.epochs}${summary.stoppedEarly ? ', stopped early' : ''}): ${held}; ` +
          `${summary.trainPairs} training pairs, ${(summary.featurizeSeconds + summary.trainSeconds).toFixed(1)} s\n`,
      );
      const fmt = (x: number | null) => (x === null ? 'n/a' : x.toFixed(3));
      process.stdout.write(
        `ensemble of ${summary.members}; held-out accuracy on pairs that chose nothing: Q ${fmt(summary.reportAccuracy)}, votes ${fmt(summary.priorAccuracy)}, mix ${fmt(summary.mixedAccuracy)}\n` +
          `regime: ${summary.regime} (Q weight ${summary.qWeight.toFixed(3)}, vote weight ${summary.priorWeight.toFixed(3)}): ${summary.regimeReason}\n`,
      );
    });
}
