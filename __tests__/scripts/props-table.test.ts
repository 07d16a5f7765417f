import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { tmpdir } from "node:os";
import { PROPS_BEGIN, PROPS_END, propsDocGaps, renderPropsTables, withPropsTables } from "../../scripts/props-table";

const root = join(__dirname, "..", "..");

describe("README props tables", () => {
  const tables = renderPropsTables(root);

  test("the README's generated block is up to date (npm run props-table -- --write)", () => {
    const readme = readFileSync(join(root, "README.md"), "utf8");
    expect(withPropsTables(readme, tables)).toBe(readme);
  });

  test("a table per exported *Props interface, with the type, the @default and the description of each prop", () => {
    expect(tables).toContain("#### GitlabPipelineBaseProps");
    expect(tables).toContain('| `executionMode` | `"QUEUED" \\| "SUPERSEDED" \\| "PARALLEL"` | "QUEUED" | How runs that overlap are handled. |');
    expect(tables).toContain(
      "| `connection` | `IGitlabConnection` | required | The connection its source action uses: one created here, or `GitlabConnection.fromArn`. |",
    );
  });

  test("a union of props names its members", () => {
    expect(tables).toContain(
      "#### GitlabPipelineProps\n\nBuild a new pipeline, or adopt an existing one: one or the other, never a mix.\n\nOne of `NewGitlabPipelineProps` or `AdoptGitlabPipelineProps`.",
    );
  });

  test("a README without the markers says which lines to add", () => {
    expect(() => withPropsTables("# README\n", tables)).toThrow(`README.md has no generated block: add the lines\n${PROPS_BEGIN}\n${PROPS_END}`);
  });

  test("every exported prop has a doc sentence, an optional one its @default, and all are readonly", () => {
    expect(propsDocGaps(root)).toEqual([]);
  });

  test("a prop without a sentence, a default or readonly is named", () => {
    const dir = mkdtempSync(join(tmpdir(), "props-gaps-"));
    try {
      writeFileSync(
        join(dir, "index.ts"),
        "export interface ThingProps {\n  /** @default 1 */\n  readonly size?: number;\n  /** Its name. */\n  name?: string;\n}\n",
      );
      expect(propsDocGaps(dir)).toEqual(["ThingProps.name (index.ts): no @default, no readonly", "ThingProps.size (index.ts): no doc sentence"]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
