/**
 * A problem the user can fix (an output folder that cannot be written, a lock held by
 * another synth): printed as its one-line message, without a stack trace, exit code 1.
 */
export class UserError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}
