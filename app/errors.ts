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

/** A synthesis process failed; its own message (already user-facing) is passed on as it is. */
export class WorkerError extends Error {
  constructor(
    readonly exitCode: number,
    readonly stderr: string,
  ) {
    super(stderr.trim());
    this.name = "WorkerError";
  }
}
