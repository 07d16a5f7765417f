import { CommandError } from "../scripts/command-error";
import { Command } from "commander";
import { action, exitCodesHelp, subcommand } from "./command";

interface Options {
  readonly only?: string;
  readonly fresh?: boolean;
}

export function registerTfCheck(program: Command): void {
  subcommand(
    program,
    "tf-check",
    "validate and plan every example stack with terraform, offline",
    "synthesize every config (delivery.yaml, examples/*.yaml) and run terraform init, validate and plan on each stack, offline",
  )
    .option("--only <names>", "check only these configs, by file name without .yaml, comma-separated (e.g. delivery,fleet)")
    .option("--fresh", "plan every stack, also those whose inputs are as at their last good plan (kept in .tf-check/.kept/)")
    .addHelpText(
      "after",
      `
Environment:
  DELIVERY_TF_MIRROR              provider mirror folder (default /opt/tf-plugins)
  DELIVERY_TF_REQUIRED=1          fail instead of skipping when terraform or the mirror is missing (CI)
  DELIVERY_TF_PROVIDERS=registry  use the registry's providers (needs network): init and validate only
  DELIVERY_TF_BINARY              the terraform binary (default terraform on PATH)
  DELIVERY_TF_SHARED_PROVIDER=0   start the provider for each terraform command (default: one per lane)
${exitCodesHelp("a stack fails to validate or plan, or the check cannot run and DELIVERY_TF_REQUIRED=1, or --only names no config")}`,
    )
    .action(
      action("tf-check", async (opts: Options) => {
        const { tfCheck } = await import("../scripts/tf-check");
        const only = opts.only
          ?.split(",")
          .map((name) => name.trim())
          .filter(Boolean);
        if (only && only.length === 0)
          throw new CommandError(`--only "${opts.only}" names no config; give file names without .yaml, e.g. --only delivery,fleet`);
        return tfCheck({ only, fresh: opts.fresh === true });
      }),
    );
}
