/*
 * npm run deployer-policy [-- --account 123456789012]: prints the IAM policy that the
 * identity running plan and apply for $DELIVERY_CONFIG (default delivery.yaml) needs.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { exitOnError } from "../config/exit";
import { loadConfigFile } from "../config/load";
import { deployerPolicy } from "../report/deployer-policy";
import { synthesizeConfig } from "../stacks/app";

try {
  const i = process.argv.indexOf("--account");
  const account = i >= 0 ? process.argv[i + 1] : "*";
  if (!/^(\*|\d{12})$/.test(account ?? "")) {
    process.stderr.write(`deployer-policy: --account "${account}" is not a 12-digit AWS account id\n`);
    process.exit(1);
  }
  const { config } = loadConfigFile(process.env.DELIVERY_CONFIG || "delivery.yaml");
  const outdir = mkdtempSync(join(tmpdir(), "deployer-policy-"));
  try {
    const stacks = synthesizeConfig(config, outdir).map((s) => JSON.parse(readFileSync(join(outdir, "stacks", s, "cdk.tf.json"), "utf8")));
    process.stdout.write(`${JSON.stringify(deployerPolicy(config, stacks, account), null, 2)}\n`);
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
} catch (e) {
  exitOnError(e);
}
