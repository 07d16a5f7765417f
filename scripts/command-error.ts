/**
 * A failure a command reports as one line, without a stack trace: a file that is not what
 * the command needs, a missing environment variable, a remote API that refused. The command
 * line (cli/) prints `<command>: <message>` and exits with `exitCode`.
 */
export class CommandError extends Error {
  constructor(
    message: string,
    /** 1 for a user mistake; a command may document others (plan-report: 4 when posting failed). */
    readonly exitCode = 1,
  ) {
    super(message);
    this.name = "CommandError";
  }
}
