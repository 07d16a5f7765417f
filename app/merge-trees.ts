import { Manifest } from "cdktf";
import { mkdirSync, readFileSync, renameSync } from "node:fs";
import { join } from "node:path";

/**
 * Moves the stacks of several synthesized trees (each with the shared stack and some projects
 * stacks) into `tree` and writes one manifest for them all; the shared stack, the same in
 * every tree (checked), is taken once.
 */
export function mergeTrees(dirs: readonly string[], tree: string): string[] {
  const manifests = dirs.map((dir) => JSON.parse(readFileSync(join(dir, "manifest.json"), "utf8")));
  const sharedName = Object.keys(manifests[0].stacks).find((name) => manifests.every((m) => name in m.stacks))!;
  const sharedText = (dir: string) => readFileSync(join(dir, "stacks", sharedName, "cdk.tf.json"), "utf8");
  const first = sharedText(dirs[0]);
  if (dirs.some((dir) => sharedText(dir) !== first)) throw new Error(`the shared stack ${sharedName} differs between synthesis runs`);
  mkdirSync(join(tree, "stacks"), { recursive: true });
  const merged = new Manifest(manifests[0].version, tree, false);
  dirs.forEach((dir, i) => {
    for (const [name, entry] of Object.entries(manifests[i].stacks)) {
      if (i > 0 && name === sharedName) continue;
      renameSync(join(dir, "stacks", name), join(tree, "stacks", name));
      merged.stacks[name] = entry as (typeof merged.stacks)[string];
    }
  });
  // Written last: a tree with a manifest is complete (see sweepLeftovers).
  merged.writeToFile();
  return Object.keys(merged.stacks);
}
