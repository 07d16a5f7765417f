/*
 * An environment's `release:` in the synthesized pipeline, from the YAML: the defaults the
 * stacks choose (rollback for prod and production, except in PARALLEL mode). The stage
 * conditions as a library gives them: __tests__/modules/stage-conditions.test.ts.
 */
import { rawConfig, rawProject, synthAll } from "../helpers";

type Raw = Record<string, any>;
const DEPLOY = { codebuild: { buildspec: "deploy/buildspec.yml" } };
const withEnv = (env: Raw, pipeline: Raw = {}) =>
  rawConfig({ projects: [rawProject({ pipeline: { ...pipeline, environments: [{ name: "prod", deploy: DEPLOY, ...env }] } })] });

describe("release: defaults", () => {
  const prodStage = (raw: Raw) => {
    const { stacks } = synthAll(raw);
    const pipeline = Object.values<Raw>(Object.values(stacks)[0].json.resource.aws_codepipeline)[0];
    return pipeline.stage.find((s: Raw) => s.name === "Deploy-prod");
  };

  test("prod rolls back on failure by default; in PARALLEL mode it cannot, so nothing is added", () => {
    expect(prodStage(withEnv({})).on_failure).toEqual({ result: "ROLLBACK" });
    expect(prodStage(withEnv({}, { executionMode: "PARALLEL" })).on_failure).toBeUndefined();
  });

  test("onFailure: fail says so explicitly; a retry carries its mode", () => {
    expect(prodStage(withEnv({ release: { onFailure: "fail" } })).on_failure).toEqual({ result: "FAIL" });
    expect(prodStage(withEnv({ release: { onFailure: "retry-all-actions" } })).on_failure).toEqual({
      result: "RETRY",
      retry_configuration: { retry_mode: "ALL_ACTIONS" },
    });
  });

  test("other environments get no condition unless they ask", () => {
    const raw = rawConfig({ projects: [rawProject({ pipeline: { environments: [{ name: "staging", deploy: DEPLOY }] } })] });
    const { stacks } = synthAll(raw);
    const pipeline = Object.values<Raw>(Object.values(stacks)[0].json.resource.aws_codepipeline)[0];
    const staging = pipeline.stage.find((s: Raw) => s.name === "Deploy-staging");
    expect(Object.keys(staging).sort()).toEqual(["action", "name"]);
  });
});
