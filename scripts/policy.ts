/* `gitlab-aws-delivery policy`: runs the policy rules on every stack of a cdktf.out folder. */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { checkStack, formatFinding, RULES } from "../policy";
import { CommandError } from "./command-error";

/** Prints each stack's findings; returns how many there are in all. */
export function checkOutdir(outdir: string, print: (line: string) => void = (line) => process.stdout.write(`${line}\n`)): number {
  const manifestFile = join(outdir, "manifest.json");
  if (!existsSync(manifestFile)) {
    throw new CommandError(`${manifestFile} not found; synthesize first (gitlab-aws-delivery synth, or cdktf synth), or name the output folder`);
  }
  const manifest = JSON.parse(readFileSync(manifestFile, "utf8"));
  let total = 0;
  for (const [name, stack] of Object.entries<{ synthesizedStackPath: string }>(manifest.stacks)) {
    const findings = checkStack(JSON.parse(readFileSync(join(outdir, stack.synthesizedStackPath), "utf8")));
    total += findings.length;
    print(`policy: ${name}: ${findings.length} finding(s) from ${RULES.length} rules`);
    for (const f of findings) print(`  ${formatFinding(f)}`);
  }
  return total;
}
