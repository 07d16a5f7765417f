import { Command, Option } from "commander";
import { action, exitCodesHelp, subcommand, wholeNumber } from "./command";

interface Options {
  readonly runs: number;
  readonly fleet: number[];
  readonly org: number;
}

function sizes(value: string): number[] {
  return value.split(",").map((n) => wholeNumber(1)(n.trim()));
}

export function registerBench(program: Command): void {
  subcommand(
    program,
    "bench",
    "measure synthesis and the plan report",
    "measure synthesis (the example against the floor of loading cdktf, then a fleet series) and the plan report on 10,000 changes",
  )
    .addOption(new Option("--runs <n>", "timed runs of the example and of the floor").argParser(wholeNumber(1)).env("BENCH_RUNS").default(7))
    .addOption(
      new Option("--fleet <sizes>", "fleet sizes to time, in projects, comma-separated")
        .argParser(sizes)
        .env("BENCH_FLEET")
        .default([50, 200, 500, 2000], "50,200,500,2000"),
    )
    .addOption(
      new Option("--org <projects>", "projects of the organisation series (one top-level group, teams of 50; 0 skips it)")
        .argParser(wholeNumber(0))
        .env("BENCH_ORG")
        .default(10_000),
    )
    .addHelpText("after", exitCodesHelp("bad option"))
    .action(
      action("bench", async (opts: Options) => {
        const { runBench } = await import("../bench/synth");
        runBench(opts);
        return 0;
      }),
    );
}
