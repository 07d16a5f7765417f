import { Command, Option } from "commander";
import type { GraphOptions } from "../scripts/graph";
import { action, exitCodesHelp, subcommand, wholeNumber } from "./command";

export function registerGraph(program: Command): void {
  subcommand(
    program,
    "graph",
    "print a Mermaid picture of a synthesized stack",
    "print a Mermaid flowchart of a synthesized stack: GitLab and AWS objects and the references between them (GitLab renders it in Markdown)",
  )
    .argument("<stack>", "a stack name, e.g. acme-delivery-acme (see cdktf.out/manifest.json)")
    .option("-o, --outdir <folder>", "the synthesized output folder", "cdktf.out")
    .option("--markdown", "wrap the picture in a ```mermaid fence")
    .addOption(new Option("--max-nodes <n>", "above this many resources, one box per type with a count").argParser(wholeNumber(1)).default(30))
    .addHelpText("after", exitCodesHelp("no synthesized output, or no such stack"))
    .action(
      action("graph", async (stack: string, opts: GraphOptions) => {
        const { stackPicture } = await import("../scripts/graph");
        process.stdout.write(stackPicture(stack, opts));
        return 0;
      }),
    );
}
