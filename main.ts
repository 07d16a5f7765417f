import { exitOnError } from "./config/exit";
import { loadConfigFile } from "./config/load";
import { synthesizeConfig } from "./stacks/app";
import { parseShard, synthesizeParallel, workerCount } from "./stacks/parallel-synth";

// Reads and validates the configuration, then builds the stacks; nothing else happens here.
async function main(): Promise<void> {
  const file = process.env.DELIVERY_CONFIG || "delivery.yaml";
  const outdir = process.env.CDKTF_OUTDIR || "cdktf.out";
  const { config, warnings } = loadConfigFile(file);
  const shard = process.env.DELIVERY_SYNTH_SHARD;
  if (shard) {
    // One of several synthesis processes of a large fleet (see synthesizeParallel).
    synthesizeConfig(config, outdir, parseShard(shard), process.env.DELIVERY_FINAL_OUTDIR || outdir);
    return;
  }
  for (const w of warnings) process.stderr.write(`warning: ${file}: ${w.path}: ${w.message}\n`);
  const warn = (w: string) => process.stderr.write(`warning: ${w}\n`);
  await synthesizeParallel(config, outdir, [process.execPath, ...process.execArgv, ...process.argv.slice(1)], workerCount(config), warn);
}

main().catch(exitOnError);
