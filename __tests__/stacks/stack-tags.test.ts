import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "yaml";
import { byPath, rawConfig, rawProject, synth } from "../helpers";

const P = "acme__platform__payments-api";
const prod = (parametersPath?: string) => ({
  name: "prod",
  deploy: { cloudformation: { stackName: "payments-prod", templatePath: "t.yml", parametersPath, executionRoleArn: "arn:aws:iam::123456789012:role/cfn" } },
});

/** Runs the synthesized stamp buildspec's commands as CodeBuild would: bash, in the input artifact's folder. */
function runStamp(files: Record<string, string>, variables: Record<string, string>): unknown {
  const { json } = synth(rawConfig({ projects: [rawProject({ pipeline: { environments: [prod(variables.PARAMETERS_PATH)] } })] }));
  const spec = parse(byPath(json, "aws_codebuild_project", `${P}/Environments/StampCommit`).body.source.buildspec);
  expect(spec.artifacts).toEqual({ files: ["template-configuration.json"] });
  const dir = mkdtempSync(join(tmpdir(), "stamp-"));
  try {
    for (const [name, text] of Object.entries(files)) {
      mkdirSync(join(dir, name, ".."), { recursive: true });
      writeFileSync(join(dir, name), text);
    }
    for (const command of spec.phases.build.commands) {
      execFileSync("bash", ["-eo", "pipefail", "-c", command], { cwd: dir, env: { PATH: process.env.PATH, ...variables }, stdio: "pipe" });
    }
    return JSON.parse(readFileSync(join(dir, "template-configuration.json"), "utf8"));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const COMMIT = { GITLAB_COMMIT_ID: "3f2a9c1e0b7d4a6f8e5c2b1a0d9e8f7c6b5a4d3e", GITLAB_BRANCH: "main", GITLAB_REPOSITORY: "acme/platform/payments-api" };

describe("commit tags on deployed CloudFormation stacks (stamp build run with bash and jq)", () => {
  test("the environment's parameters, tags and stack policy are kept; the commit tags are added", () => {
    const mine = { Parameters: { Size: "large" }, Tags: { team: "payments" }, StackPolicy: { Statement: [] } };
    expect(runStamp({ "infra/prod.json": JSON.stringify(mine) }, { ...COMMIT, PARAMETERS_PATH: "infra/prod.json" })).toEqual({
      Parameters: { Size: "large" },
      Tags: { team: "payments", "gitlab:commit-id": COMMIT.GITLAB_COMMIT_ID, "gitlab:repository": "acme/platform/payments-api" },
      StackPolicy: { Statement: [] },
    });
  });

  test("without a parameters file the configuration holds only the commit tags", () => {
    expect(runStamp({}, COMMIT)).toEqual({ Tags: { "gitlab:commit-id": COMMIT.GITLAB_COMMIT_ID, "gitlab:repository": "acme/platform/payments-api" } });
  });

  test("a tag of the same name in the file cannot hide the real commit", () => {
    const out = runStamp({ "p.json": '{"Tags":{"gitlab:commit-id":"forged"}}' }, { ...COMMIT, PARAMETERS_PATH: "p.json" }) as { Tags: Record<string, string> };
    expect(out.Tags["gitlab:commit-id"]).toBe(COMMIT.GITLAB_COMMIT_ID);
  });

  test("a missing parameters file fails the stamp build (and so the deploy), rather than deploying without parameters", () => {
    expect(() => runStamp({}, { ...COMMIT, PARAMETERS_PATH: "infra/missing.json" })).toThrow(/missing\.json/);
  });
});
