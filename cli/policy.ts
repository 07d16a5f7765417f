import { Command } from "commander";
import { action, exitCodesHelp, subcommand } from "./command";

export function registerPolicy(program: Command): void {
  subcommand(
    program,
    "policy",
    "check synthesized stacks against the policy rules",
    "check every synthesized stack against the policy rules (encryption, IAM, CodeBuild, S3, secrets, lifecycle)",
  )
    .argument("[outdir]", "the synthesized output folder", "cdktf.out")
    .addHelpText("after", exitCodesHelp("findings, or no synthesized output in the folder"))
    .action(
      action("policy", async (outdir: string) => {
        const { checkOutdir } = await import("../scripts/policy");
        return checkOutdir(outdir) > 0 ? 1 : 0;
      }),
    );
}
