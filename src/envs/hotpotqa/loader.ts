/**
 * Reading HotpotQA question files. Two layouts are accepted:
 * - official (distractor / fullwiki): `_id, question, answer, type, level?,
 *   supporting_facts [[title, sent_id]], context [[title, [sentences]]]`;
 * - simplified (ReAct/LATS): `{question, answer, type}`, no paragraphs, so it only works
 *   with `--wiki live`.
 * Task id = `_id`, else the record's index as a string.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { UserError } from '../../core/errors.js';
import { lineOf, readJsonArrayFile, topLevelElementOffsets } from '../../core/validate.js';
import type { HotpotqaTask } from './env.js';
import type { Paragraph } from './offline-wiki.js';

export const hotpotqaRecordSchema = z.object({
  _id: z.string().min(1).optional(),
  question: z.string().min(1),
  answer: z.string(),
  type: z.string().optional(),
  level: z.string().optional(),
  supporting_facts: z.array(z.tuple([z.string(), z.number().int().nonnegative()])).optional(),
  context: z.array(z.tuple([z.string(), z.array(z.string())])).optional(),
});

export type HotpotqaRecord = z.output<typeof hotpotqaRecordSchema>;

export interface HotpotqaDataset {
  /** Where the records came from (a path or `builtin:synthetic:N`), for messages and reports. */
  source: string;
  layout: 'official' | 'simplified';
  tasks: HotpotqaTask[];
  /** Context paragraphs in file order (official layout), null for the simplified layout. */
  paragraphs: Paragraph[] | null;
}

/** Reads and validates a HotpotQA JSON file; errors name the file, line, record and field. */
export function loadHotpotqaFile(file: string): HotpotqaDataset {
  const records = readJsonArrayFile(file, hotpotqaRecordSchema);
  // Only on the error path: find the line where record `index` starts.
  const lineOfRecord = (index: number): string => {
    const text = readFileSync(file, 'utf8');
    const offset = topLevelElementOffsets(text)[index];
    return offset === undefined ? '' : `line ${lineOf(text, offset)}, `;
  };
  return buildDataset(records, file, lineOfRecord);
}

/** Turns validated records into tasks and paragraphs (shared by files and the built-in world). */
export function buildDataset(
  records: readonly HotpotqaRecord[],
  source: string,
  lineOfRecord: (index: number) => string = () => '',
): HotpotqaDataset {
  if (records.length === 0) throw new UserError(`${source}: holds no questions`);
  const official = records[0]?.context !== undefined;
  const tasks: HotpotqaTask[] = [];
  const paragraphs: Paragraph[] = [];
  const seen = new Set<string>();
  records.forEach((record, index) => {
    const where = () => `${source}: ${lineOfRecord(index)}record ${index}`;
    if ((record.context !== undefined) !== official) {
      throw new UserError(
        official
          ? `${where()}: field context: missing (record 0 has paragraphs, so every record needs them)`
          : `${where()}: field context: unexpected (record 0 has none: the file must use one layout)`,
      );
    }
    const id = record._id ?? String(index);
    if (seen.has(id)) throw new UserError(`${where()}: field _id: "${id}" appears twice`);
    seen.add(id);
    tasks.push({ id, question: record.question, answer: record.answer });
    for (const [title, sentences] of record.context ?? []) paragraphs.push({ title, sentences });
  });
  return {
    source,
    layout: official ? 'official' : 'simplified',
    tasks,
    paragraphs: official ? paragraphs : null,
  };
}
