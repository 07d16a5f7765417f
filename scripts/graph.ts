/* `gitlab-aws-delivery graph <stack>`: the Mermaid picture of a synthesized stack. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { mermaid, stackGraph } from "../report/mermaid";
import { CommandError } from "./command-error";

export interface GraphOptions {
  /** The synthesized output folder. @default "cdktf.out" */
  readonly outdir: string;
  /** Wrap the picture in a ```mermaid fence, ready for a Markdown file. @default false */
  readonly markdown?: boolean;
  /** Above this many resources, one box per type. @default 30 */
  readonly maxNodes?: number;
}

/** The Mermaid text of `stack` (a stack name of the manifest). */
export function stackPicture(stack: string, opts: GraphOptions): string {
  const manifestFile = join(opts.outdir, "manifest.json");
  let manifest: { stacks?: Record<string, { synthesizedStackPath?: string }> };
  try {
    manifest = JSON.parse(readFileSync(manifestFile, "utf8"));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new CommandError(
      `${manifestFile} cannot be read (${code ?? (e as Error).message.split("\n")[0]}); synthesize first (gitlab-aws-delivery synth), or name the output folder with --outdir`,
    );
  }
  const names = Object.keys(manifest.stacks ?? {}).sort();
  const entry = manifest.stacks?.[stack];
  if (!entry?.synthesizedStackPath) {
    throw new CommandError(`stack "${stack}" is not in ${manifestFile}; the stacks there are: ${names.join(", ") || "none (synthesize again)"}`);
  }
  const file = join(opts.outdir, entry.synthesizedStackPath);
  let json: Record<string, unknown>;
  try {
    json = JSON.parse(readFileSync(file, "utf8"));
  } catch (e) {
    throw new CommandError(`${file} cannot be read as JSON (${(e as Error).message.split("\n")[0]}); synthesize again`);
  }
  const text = mermaid(stackGraph(json), { maxNodes: opts.maxNodes });
  return opts.markdown ? `\`\`\`mermaid\n${text}\`\`\`\n` : text;
}
