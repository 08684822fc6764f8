/** The raw WebShop file formats the generator writes (a subset of the real fields). */

export interface RawOptionValue {
  value: string;
  image: string | null;
}

export interface RawProduct {
  asin: string;
  name: string;
  full_description: string;
  small_description: string[];
  /** "$12.99", a range "$19.99$27.99", or "" (the engine then shows $100.0). */
  pricing: string;
  customization_options: Record<string, RawOptionValue[] | null> | '';
  images: string[];
  category: string;
  query: string;
  /** Parts joined with " › ". */
  product_category: string;
}

export interface RawInsV2Entry {
  attributes: string[];
  instruction?: string;
  instruction_attributes?: string[];
}

export interface RawHumanInstruction {
  asin: string;
  instruction: string;
  attributes: string[];
  options: string[];
  instruction_attributes: string[];
  instruction_options: string[];
  assignment_id: string;
  worker_id: string;
}

export interface ShopCatalog {
  /** items_shuffle format. */
  items: RawProduct[];
  /** items_ins_v2 format: ASIN -> attributes (and a synthetic instruction for some). */
  insV2: Record<string, RawInsV2Entry>;
  /** items_human_ins format: ASIN -> human-style goal instructions. */
  humanIns: Record<string, RawHumanInstruction[]>;
}
