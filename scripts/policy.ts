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
  const manifest = readJson(manifestFile, "synthesize again");
  const stacks = manifest && typeof manifest.stacks === "object" && !Array.isArray(manifest.stacks) ? Object.entries<any>(manifest.stacks) : [];
  // A gate that checked nothing must not pass.
  if (stacks.length === 0) throw new CommandError(`${manifestFile} lists no stacks, so there is nothing to check; synthesize again`);
  let total = 0;
  for (const [name, stack] of stacks) {
    const path = typeof stack?.synthesizedStackPath === "string" ? join(outdir, stack.synthesizedStackPath) : undefined;
    if (!path) throw new CommandError(`${manifestFile}: stack ${name} has no synthesizedStackPath; synthesize again`);
    const findings = checkStack(readJson(path, "synthesize again"));
    total += findings.length;
    print(`policy: ${name}: ${findings.length} finding(s) from ${RULES.length} rules`);
    for (const f of findings) print(`  ${formatFinding(f)}`);
  }
  return total;
}

/** A JSON file, or one line saying why it cannot be read. */
function readJson(file: string, fix: string): any {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    throw new CommandError(`${file} cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); ${fix}`);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new CommandError(`${file} is not valid JSON (${(e as Error).message.split("\n")[0]}); ${fix}`);
  }
}
