/*
 * `npm run layers` (.dependency-cruiser.js) over several trees in one process: for each folder
 * given, dependency-cruiser's own API with the repository's rules and the folder's
 * tsconfig.json, as its CLI does from that folder. Prints one JSON object: folder → the
 * summary's violations. (A CLI process per tree loaded dependency-cruiser and TypeScript each time.)
 */
import { cruise } from "dependency-cruiser";
import extractDepcruiseOptions from "dependency-cruiser/config-utl/extract-depcruise-options";
import extractTSConfig from "dependency-cruiser/config-utl/extract-ts-config";
import { fileURLToPath } from "node:url";

const options = await extractDepcruiseOptions(fileURLToPath(new URL("../.dependency-cruiser.js", import.meta.url)));
const found = {};
for (const dir of process.argv.slice(2)) {
  process.chdir(dir);
  const result = await cruise(["."], options, {}, { tsConfig: extractTSConfig(options.tsConfig.fileName) });
  found[dir] = result.output.summary.violations;
}
process.stdout.write(JSON.stringify(found));
