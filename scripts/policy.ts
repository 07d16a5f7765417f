/* npm run policy [outdir]: runs the policy rules on every stack of a cdktf.out folder. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { checkStack, formatFinding, RULES } from "../policy";

const outdir = process.argv[2] ?? "cdktf.out";
const manifest = JSON.parse(readFileSync(join(outdir, "manifest.json"), "utf8"));
let total = 0;
for (const [name, stack] of Object.entries<any>(manifest.stacks)) {
  const findings = checkStack(JSON.parse(readFileSync(join(outdir, stack.synthesizedStackPath), "utf8")));
  total += findings.length;
  console.log(`policy: ${name}: ${findings.length} finding(s) from ${RULES.length} rules`);
  for (const f of findings) console.log(`  ${formatFinding(f)}`);
}
process.exit(total > 0 ? 1 : 0);
