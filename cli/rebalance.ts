import { Command, Option } from "commander";
import { action, exitCodesHelp, subcommand } from "./command";
import { configOption } from "./options";

interface Options {
  readonly config: string;
  readonly keepDeployed: boolean;
}

export function registerRebalance(program: Command): void {
  subcommand(
    program,
    "rebalance",
    "reassign projects to bounded stacks, recording each change of stack as a move",
    "rewrite the lock file beside the configuration: a fresh bounded assignment, each project that changes stack recorded as a move (the next synth plans it as removed + import blocks); or, with --keep-deployed, the lock of a deployment made before lock files existed",
  )
    .addOption(configOption())
    .addOption(
      new Option("--keep-deployed", "write the lock that keeps every project where it is (one stack per top-level group, or its stack:)").default(false),
    )
    .addHelpText("after", exitCodesHelp("bad option, configuration or lock file"))
    .action(
      action("rebalance", async (opts: Options) => {
        const { rebalance } = await import("../app/rebalance");
        const r = rebalance(opts.config || "delivery.yaml", { keepDeployed: opts.keepDeployed });
        process.stdout.write(`wrote ${r.lockFile}: ${r.moves.length === 0 ? "no project moves" : `${r.moves.length} project(s) move`}\n`);
        for (const m of r.moves) process.stdout.write(`  ${m.project}: ${m.from} -> ${m.to}\n`);
        return 0;
      }),
    );
}
