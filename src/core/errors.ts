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
