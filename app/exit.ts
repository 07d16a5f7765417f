import { ConfigError, SettingError } from "../config/errors";
import { ValidationError } from "../stacks/validation-error";
import { UserError, WorkerError } from "./errors";

/**
 * Ends the process for an error. A user mistake prints its message only (exit 1); anything
 * else is a bug in this tool and keeps its stack trace (exit 2) so it can be reported.
 * `write` receives the whole text at once (app/user-output.ts routes it under `cdktf synth`).
 */
export function exitOnError(e: unknown, write: (text: string) => void = (text) => process.stderr.write(text)): never {
  if (e instanceof WorkerError) {
    write(e.stderr);
    process.exit(e.exitCode);
  }
  if (e instanceof ConfigError || e instanceof SettingError || e instanceof ValidationError || e instanceof UserError) {
    write(`${e.message}\n`);
    process.exit(1);
  }
  write(`gitlab-aws-delivery: internal error, please report it with your configuration:\n${e instanceof Error ? e.stack : String(e)}\n`);
  process.exit(2);
}
