import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parseConfig } from "../../config/load";
import { renderJsonSchema } from "../../scripts/gen-schema";
import { config, NOW, rawConfig } from "../helpers";

const root = join(__dirname, "..", "..");

describe("configuration schema", () => {
  test("a minimal config gets the documented defaults", () => {
    const c = config(rawConfig());
    expect(c.gitlab).toEqual({ kind: "gitlab.com" });
    expect(c.aws.skipConnectionRegionCheck).toBe(false);
    const p = c.projects[0];
    expect(p.mode).toBe("create");
    expect(p.visibility).toBe("private");
    expect(p.defaultBranch).toBe("main");
    expect(p.deployToken).toEqual({ name: "aws-delivery", scopes: ["read_repository"], expiresAt: "2027-06-30" });
    expect(p.pipeline).toEqual({
      executionMode: "QUEUED",
      artifactFormat: "CODE_ZIP",
      triggers: {},
      variables: [],
      statusOnGitlab: false,
      environments: [],
      build: {
        image: "aws/codebuild/amazonlinux-x86_64-standard:5.0",
        computeType: "BUILD_GENERAL1_SMALL",
        buildspec: "buildspec.yml",
        environmentVariables: {},
        privileged: false,
        timeoutMinutes: 60,
      },
    });
  });

  test("a deploy token expiring within 30 days is accepted with a warning", () => {
    const { stringify } = jest.requireActual("yaml");
    const raw = rawConfig({ projects: [{ path: "acme/app", deployToken: { expiresAt: "2026-12-10" } }] });
    const { warnings } = parseConfig(stringify(raw), "delivery.yaml", NOW);
    expect(warnings).toEqual([
      { path: "projects[0].deployToken.expiresAt", message: "the deploy token expires in under 30 days (2026-12-10); plan its renewal" },
    ]);
  });

  test("schema/delivery.schema.json is generated from config/schema.ts (run npm run schema)", () => {
    expect(readFileSync(join(root, "schema", "delivery.schema.json"), "utf8")).toBe(renderJsonSchema());
  });

  test("the JSON Schema refuses unknown keys and requires the expiry date", () => {
    const schema = JSON.parse(renderJsonSchema());
    expect(schema.additionalProperties).toBe(false);
    expect(schema.required).toEqual(["name", "aws", "connection", "projects"]);
    const token = schema.properties.projects.items.properties.deployToken;
    expect(token.required).toEqual(["expiresAt"]);
    expect(token.additionalProperties).toBe(false);
  });

  test("the example delivery.yaml is valid and points editors at the schema", () => {
    const text = readFileSync(join(root, "delivery.yaml"), "utf8");
    expect(text.split("\n")[0]).toBe("# yaml-language-server: $schema=./schema/delivery.schema.json");
    expect(() => parseConfig(text, "delivery.yaml", NOW)).not.toThrow();
  });
});
