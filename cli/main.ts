/*
 * gitlab-aws-delivery: the one command line of this project. Parses arguments, prints help
 * and sets the exit code; each subcommand's work is loaded only when that subcommand runs,
 * so `--help` and a mistyped flag answer at once. Run through bin/gitlab-aws-delivery.js.
 */
import { Command, CommanderError } from "commander";
import { version } from "../package.json";
import { registerBench } from "./bench";
import { EXIT, oneLineError, PROGRAM } from "./command";
import { registerDeployerPolicy } from "./deployer-policy";
import { registerDoctor } from "./doctor";
import { registerGraph } from "./graph";
import { registerPlanReport } from "./plan-report";
import { registerPolicy } from "./policy";
import { registerRebalance } from "./rebalance";
import { registerSchema } from "./schema";
import { registerSynth } from "./synth";
import { registerTfCheck } from "./tf-check";

export function buildProgram(): Command {
  const program = new Command(PROGRAM)
    .description("GitLab projects and AWS CodePipeline delivery from one YAML file: synthesize, check and report")
    .version(version)
    .configureOutput({ outputError: (text, write) => write(oneLineError(PROGRAM, text)) })
    .exitOverride()
    .showSuggestionAfterError(true)
    .addHelpText(
      "after",
      `
Run '${PROGRAM} <command> --help' for a command's options and exit codes.
Exit codes: ${EXIT.ok} success, ${EXIT.user} user error or findings, ${EXIT.internal} internal error (plan-report adds 3, 4 and 5; doctor exits 2 when a check fails).`,
    );
  registerSynth(program);
  registerPlanReport(program);
  registerPolicy(program);
  registerDeployerPolicy(program);
  registerTfCheck(program);
  registerSchema(program);
  registerBench(program);
  registerDoctor(program);
  registerGraph(program);
  registerRebalance(program);
  return program;
}

/** Runs the command line `argv` (without node and the script); the exit code is left in process.exitCode. */
export async function main(argv: readonly string[]): Promise<void> {
  try {
    const program = buildProgram();
    // commander's `help <command>` prints the whole help, exit 0, for a command it does not know.
    if (argv[0] === "help" && argv[1] !== undefined && !program.commands.some((c) => c.name() === argv[1])) {
      program.error(`unknown command '${argv[1]}'`, { exitCode: EXIT.user, code: "commander.unknownCommand" });
    }
    await program.parseAsync(argv, { from: "user" });
  } catch (e) {
    // Help, version and argument errors: commander has printed what is needed.
    if (e instanceof CommanderError) process.exitCode = e.exitCode;
    else throw e;
  }
}
