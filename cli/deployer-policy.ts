import { Command, InvalidArgumentError, Option } from "commander";
import { action, exitCodesHelp, subcommand } from "./command";
import { configOption } from "./options";

interface Options {
  readonly account: string;
  readonly config: string;
  readonly withDoctor?: boolean;
}

function accountId(value: string): string {
  if (!/^(\*|\d{12})$/.test(value)) throw new InvalidArgumentError('It must be a 12-digit AWS account id, or "*" for any account.');
  return value;
}

export function registerDeployerPolicy(program: Command): void {
  subcommand(
    program,
    "deployer-policy",
    "print the IAM policy the deploying identity needs",
    "print the IAM policy that the identity running terraform plan and apply for a configuration needs",
  )
    .addOption(
      new Option("--account <id>", "the AWS account the stacks are deployed to, named in every ARN").argParser(accountId).default("*", '"*", any account'),
    )
    .addOption(configOption())
    .option("--with-doctor", "add the read-only actions `doctor` needs (the same as doctor --print-policy)")
    .addHelpText("after", exitCodesHelp("bad option or configuration"))
    .action(
      action("deployer-policy", async (opts: Options) => {
        const { deployerPolicyFor } = await import("../scripts/deployer-policy");
        const policy = deployerPolicyFor(opts.config || "delivery.yaml", opts.account, Boolean(opts.withDoctor));
        process.stdout.write(`${JSON.stringify(policy, null, 2)}\n`);
        return 0;
      }),
    );
}
