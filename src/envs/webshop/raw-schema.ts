/**
 * zod schemas for the official WebShop raw files. Only the fields the environment
 * reads are checked; everything else in a record passes through untouched.
 */
import { z } from 'zod';

const optionValue = z.looseObject({
  value: z.string(),
  image: z.string().nullish(),
});

/** One product of `items_shuffle*.json`. */
export const rawItemSchema = z.looseObject({
  asin: z.string(),
  name: z.string(),
  full_description: z.string(),
  small_description: z.union([z.array(z.string()), z.string()]),
  pricing: z.string().nullish(),
  customization_options: z.union([
    z.literal(''),
    z.null(),
    z.record(z.string(), z.array(optionValue).nullable()),
  ]),
  images: z.array(z.string()),
  category: z.string(),
  query: z.string(),
  product_category: z.string(),
});
export type RawItem = z.output<typeof rawItemSchema>;

/** One value of `items_ins_v2*.json` (keyed by ASIN). */
export const rawInsV2Schema = z.looseObject({
  attributes: z.array(z.string()).optional(),
  instruction: z.string().nullish(),
  instruction_attributes: z.array(z.string()).nullish(),
});
export type RawInsV2 = z.output<typeof rawInsV2Schema>;

/** One human instruction of `items_human_ins.json` (values are lists of these, keyed by ASIN). */
export const rawHumanInstructionSchema = z.looseObject({
  asin: z.string().optional(),
  instruction: z.string(),
  instruction_attributes: z.array(z.string()),
  instruction_options: z.array(z.string()),
});
export const rawHumanInsSchema = z.array(rawHumanInstructionSchema);
export type RawHumanInstruction = z.output<typeof rawHumanInstructionSchema>;

/** The three raw structures, as parsed values (the built-in generator returns these). */
export interface RawCatalog {
  items: readonly unknown[];
  insV2: Readonly<Record<string, unknown>>;
  humanIns?: Readonly<Record<string, unknown>>;
}
