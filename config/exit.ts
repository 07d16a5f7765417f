import { ValidationError } from "../stacks/app";
import { WorkerError } from "../stacks/parallel-synth";
import { ConfigError } from "./errors";

/**
 * Ends the process for an error. A user mistake prints its message only (exit 1); anything
 * else is a bug in this tool and keeps its stack trace (exit 2) so it can be reported.
 */
export function exitOnError(e: unknown): never {
  if (e instanceof WorkerError) {
    process.stderr.write(e.stderr);
    process.exit(e.exitCode);
  }
  if (e instanceof ConfigError || e instanceof ValidationError) {
    process.stderr.write(`${e.message}\n`);
    process.exit(1);
  }
  process.stderr.write(`gitlab-aws-delivery: internal error, please report it with your configuration:\n${e instanceof Error ? e.stack : String(e)}\n`);
  process.exit(2);
}
