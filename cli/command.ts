import { Command, InvalidArgumentError } from "commander";
import { CommandError } from "../scripts/command-error";

/** The command's name, as installed by package.json `bin`. */
export const PROGRAM = "gitlab-aws-delivery";

/** Exit codes every subcommand shares; a subcommand may document more (plan-report: 3, 4). */
export const EXIT = {
  ok: 0,
  /** A user mistake (a flag, a config, an input file) or findings: the message says what and how to fix it. */
  user: 1,
  /** A bug in this tool: the message carries a stack trace to report. */
  internal: 2,
} as const;

/** The "Exit codes:" section of a subcommand's --help. */
export function exitCodesHelp(user: string, extra: ReadonlyArray<readonly [number, string]> = []): string {
  const rows: Array<readonly [number, string]> = [
    [EXIT.ok, "success"],
    [EXIT.user, user],
    [EXIT.internal, "internal error (a bug: please report it with the stack trace)"],
    ...extra,
  ];
  return `\nExit codes:\n${rows.map(([code, text]) => `  ${code}  ${text}`).join("\n")}\n`;
}

/**
 * Commander's messages ("error: unknown option '--acount'\n(Did you mean --account?)") as
 * one line that names the command and where its help is.
 */
export function oneLineError(command: string, text: string): string {
  const message = text
    .trim()
    .replace(/^error: /, "")
    .replace(/\s*\n\(Did you mean (.*)\?\)$/, " (did you mean $1?)")
    .replace(/\s*\n\s*/g, " ")
    .replace(/\.$/, "");
  const help = command === PROGRAM ? `${PROGRAM} --help` : `${PROGRAM} ${command} --help`;
  return `${command}: ${message}; see ${help}\n`;
}

/**
 * A subcommand of `program` with this tool's conventions: errors on one line, unknown
 * options and extra arguments refused, exit codes listed in its help.
 */
export function subcommand(program: Command, name: string, summary: string, description: string): Command {
  return program
    .command(name)
    .summary(summary)
    .description(description)
    .configureOutput({ outputError: (text, write) => write(oneLineError(name, text)) })
    .exitOverride()
    .allowExcessArguments(false)
    .showSuggestionAfterError(true);
}

/**
 * Runs a subcommand's work and records its exit code. A CommandError prints
 * `<command>: <message>`; configuration and validation errors print their message (exit 1);
 * anything else is a bug and ends the process with its stack trace (exit 2).
 */
export function action<A extends unknown[]>(name: string, work: (...args: A) => number | Promise<number>): (...args: A) => Promise<void> {
  return async (...args: A) => {
    try {
      process.exitCode = await work(...args);
    } catch (e) {
      if (e instanceof CommandError) {
        process.stderr.write(`${name}: ${e.message}\n`);
        process.exitCode = e.exitCode;
        return;
      }
      // Loaded here: app/exit.ts reaches cdktf, which --help and argument errors do not need.
      const { exitOnError } = await import("../app/exit");
      exitOnError(e);
    }
  };
}

/** Commander's parser for a whole number of at least `min`. */
export function wholeNumber(min: number): (value: string) => number {
  return (value: string) => {
    if (!/^\d+$/.test(value) || Number(value) < min) throw new InvalidArgumentError(`It must be a whole number of ${min} or more.`);
    return Number(value);
  };
}
