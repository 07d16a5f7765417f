import { Command, Option } from "commander";
import { exitCodesHelp, subcommand } from "./command";
import { configOption } from "./options";

interface Options {
  readonly config: string;
  readonly output: string;
}

export function registerSynth(program: Command): void {
  subcommand(
    program,
    "synth",
    "synthesize the configuration into Terraform JSON, as `cdktf synth` does",
    "synthesize the configuration into Terraform JSON (one folder per stack), as `cdktf synth` does: the same configuration, the same output folder, replaced whole or not at all",
  )
    .addOption(configOption())
    .addOption(new Option("-o, --output <dir>", "the output folder").env("CDKTF_OUTDIR").default("cdktf.out"))
    .addHelpText(
      "after",
      `
On a terminal, and unless CI is set, it shows how many stacks are done.

Environment:
  DELIVERY_SYNTH_WORKERS  processes that synthesize (default: one per ~100 projects, up to the cores)
  DELIVERY_LOCK_WAIT      seconds to wait for another synth of the same folder (default 60)
${exitCodesHelp("bad option or configuration, or the output folder cannot be written or is locked")}`,
    )
    .action(async (opts: Options) => {
      // The same path as the cdktf app (main.ts): app/run-synth.ts, errors through exitOnError.
      const [{ runSynth }, { userOutput }, { exitOnError }] = await Promise.all([
        import("../app/run-synth"),
        import("../app/user-output"),
        import("../app/exit"),
      ]);
      const configFile = opts.config || "delivery.yaml";
      const output = userOutput();
      try {
        await runSynth({
          configFile,
          outdir: opts.output || "cdktf.out",
          // A worker process of a large fleet: the same synthesis, its output folder from CDKTF_OUTDIR.
          command: [process.execPath, ...process.execArgv, process.argv[1], "synth", "--config", configFile],
          warn: (line) => output.warn(line),
          progress: (done, total) => output.progress(done, total),
        });
      } catch (e) {
        exitOnError(e, (text) => output.fail(text));
      }
      output.finish();
    });
}
