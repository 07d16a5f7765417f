import { Command } from "commander";
import { action, exitCodesHelp, subcommand } from "./command";

export function registerSchema(program: Command): void {
  subcommand(
    program,
    "schema",
    "write the JSON Schema of the configuration",
    "write the JSON Schema of the configuration (schema/delivery.schema.json) from config/schema.ts",
  )
    .option("-o, --output <file>", "where to write it", "schema/delivery.schema.json")
    .addHelpText("after", exitCodesHelp("the file cannot be written"))
    .action(
      action("schema", async (opts: { output: string }) => {
        const { writeJsonSchema } = await import("../scripts/gen-schema");
        writeJsonSchema(opts.output);
        process.stdout.write(`wrote ${opts.output}\n`);
        return 0;
      }),
    );
}
