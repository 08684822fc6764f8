/**
 * A mistake the user can fix (bad flag, missing file, malformed data).
 * The CLI prints its message without a stack trace and exits with code 2.
 */
export class UserError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UserError';
  }
}

/**
 * A failure that ends the whole run, not one task: the output folder cannot be written, or
 * the LLM endpoint keeps refusing (wrong key, nothing listening). Collect and eval stop at
 * once instead of recording every remaining task as failed; finished work is kept.
 */
export class FatalRunError extends UserError {
  constructor(message: string) {
    super(message);
    this.name = 'FatalRunError';
  }
}
