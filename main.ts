import { exitOnError } from "./config/exit";
import { loadConfigFile } from "./config/load";
import { synthesizeConfig } from "./stacks/app";

// Reads and validates the configuration, then builds the stacks; nothing else happens here.
try {
  const file = process.env.DELIVERY_CONFIG || "delivery.yaml";
  const { config, warnings } = loadConfigFile(file);
  for (const w of warnings) process.stderr.write(`warning: ${file}: ${w.path}: ${w.message}\n`);
  synthesizeConfig(config, process.env.CDKTF_OUTDIR || "cdktf.out");
} catch (e) {
  exitOnError(e);
}
