import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { checkStack } from "../../policy";
import { byPath, only, problems, rawConfig, rawProject, statements, synth } from "../helpers";

const P = "acme__shop__checkout";
const TRACE =
  '[{"name":"GITLAB_COMMIT_ID","value":"#{SourceVariables.CommitId}","type":"PLAINTEXT"},' +
  '{"name":"GITLAB_BRANCH","value":"#{SourceVariables.BranchName}","type":"PLAINTEXT"},' +
  '{"name":"GITLAB_REPOSITORY","value":"#{SourceVariables.FullRepositoryName}","type":"PLAINTEXT"}]';

describe("environments: dev → staging → prod", () => {
  const raw = parse(readFileSync(join(__dirname, "..", "..", "examples", "environments.yaml"), "utf8"));
  const { json } = synth(raw);
  const pipeline = only(json, "aws_codepipeline").body;
  const deployProject = (env: string) => byPath(json, "aws_codebuild_project", `${P}/Environments/${env}`);

  test("each environment is a stage after build and test, in order; approval before prod only", () => {
    expect(pipeline.stage.map((s: any) => [s.name, s.action.map((a: any) => `${a.run_order}:${a.name}`)])).toEqual([
      ["Source", ["undefined:Source"]],
      ["BuildAndTest", ["undefined:BuildAndTest"]],
      ["Deploy-dev", ["2:Deploy"]],
      ["Deploy-staging", ["2:Deploy"]],
      ["Deploy-prod", ["1:Approve", "2:Deploy"]],
    ]);
    expect(pipeline.stage[4].action[0]).toEqual({
      name: "Approve",
      category: "Approval",
      owner: "AWS",
      provider: "Manual",
      version: "1",
      run_order: 1,
      configuration: { CustomData: "Deploy acme/shop/checkout at commit #{SourceVariables.CommitId} to prod?" },
    });
  });

  test("a CodeBuild deploy runs the environment's buildspec with its variables and the commit it deploys", () => {
    const dev = deployProject("dev");
    expect(dev.body.name).toBe("acme-shop-checkout-deploy-dev");
    expect(dev.body.source).toEqual({ type: "CODEPIPELINE", buildspec: "deploy/buildspec.yml" });
    expect(dev.body.description).toBe("Deploy to dev");
    expect(dev.body.environment.environment_variable[0]).toEqual({ name: "DEPLOY_ENVIRONMENT", value: "dev", type: "PLAINTEXT" });
    expect(pipeline.stage[2].action[0]).toEqual({
      name: "Deploy",
      category: "Build",
      owner: "AWS",
      provider: "CodeBuild",
      version: "1",
      run_order: 2,
      input_artifacts: ["build_output"],
      configuration: {
        ProjectName: `\${aws_codebuild_project.${dev.name}.name}`,
        EnvironmentVariables: `[{"name":"CHANNEL","value":"#{variables.RELEASE_CHANNEL}","type":"PLAINTEXT"},{"name":"STAGE","value":"dev","type":"PLAINTEXT"},${TRACE.slice(1)}`,
      },
    });
  });

  test("V2 pipeline variables are declared, and an environment's variables may read them when the action runs", () => {
    const { json: j } = synth(
      rawConfig({
        projects: [
          rawProject({
            pipeline: {
              variables: [{ name: "RELEASE_CHANNEL", default: "beta", description: "Where users get it" }],
              environments: [{ name: "dev", variables: { CHANNEL: "#{variables.RELEASE_CHANNEL}" }, deploy: { codebuild: { buildspec: "deploy.yml" } } }],
            },
          }),
        ],
      }),
    );
    const p = only(j, "aws_codepipeline").body;
    expect(p.variable).toEqual([{ name: "RELEASE_CHANNEL", default_value: "beta", description: "Where users get it" }]);
    expect(JSON.parse(p.stage[2].action[0].configuration.EnvironmentVariables)[0]).toEqual({ name: "CHANNEL", value: "#{variables.RELEASE_CHANNEL}", type: "PLAINTEXT" });
  });

  test("a CloudFormation deploy takes the template and its configuration from the build output", () => {
    expect(pipeline.stage[4].action[1]).toEqual({
      name: "Deploy",
      category: "Deploy",
      owner: "AWS",
      provider: "CloudFormation",
      version: "1",
      run_order: 2,
      input_artifacts: ["build_output"],
      configuration: {
        ActionMode: "CREATE_UPDATE",
        StackName: "checkout-prod",
        TemplatePath: "build_output::infra/template.yml",
        TemplateConfiguration: "build_output::infra/prod.json",
        Capabilities: "CAPABILITY_IAM",
        RoleArn: "arn:aws:iam::123456789012:role/checkout-cloudformation",
      },
    });
  });

  test("the pipeline role may start these deploy builds, run this stack, and pass its role to CloudFormation only", () => {
    const s = statements(json, `${P}/Pipeline/Role/PolicyDocument`);
    expect(s.StartDeployBuilds.resources).toEqual([`\${aws_codebuild_project.${deployProject("dev").name}.arn}`, `\${aws_codebuild_project.${deployProject("staging").name}.arn}`]);
    expect(s.DeployStacks.resources).toEqual(["arn:aws:cloudformation:eu-west-1:${data.aws_caller_identity.Account.account_id}:stack/checkout-prod/*"]);
    expect(s.PassStackRoles).toEqual({
      sid: "PassStackRoles",
      effect: "Allow",
      actions: ["iam:PassRole"],
      resources: ["arn:aws:iam::123456789012:role/checkout-cloudformation"],
      condition: [{ test: "StringEquals", variable: "iam:PassedToService", values: ["cloudformation.amazonaws.com"] }],
    });
    expect(checkStack(json)).toEqual([]);
  });

  test("GAD-IAM-4 still refuses a named role passed without iam:PassedToService", () => {
    const broken = JSON.parse(JSON.stringify(json));
    const doc = Object.entries<any>(broken.data.aws_iam_policy_document).find(([n]) => n.includes("Pipeline_Role_PolicyDocument"))![1];
    delete doc.statement.find((x: any) => x.sid === "PassStackRoles").condition;
    expect(checkStack(broken).map((f) => f.rule)).toEqual(["GAD-IAM-4"]);
  });

  test("approval can be turned on anywhere and off for prod", () => {
    const env = (name: string, approval?: boolean) => ({ name, approval, deploy: { codebuild: { buildspec: "deploy.yml" } } });
    const { json: j } = synth(rawConfig({ projects: [rawProject({ pipeline: { environments: [env("qa", true), env("prod", false)] } })] }));
    const stages = only(j, "aws_codepipeline").body.stage;
    expect(stages.slice(2).map((s: any) => s.action.map((a: any) => a.name))).toEqual([["Approve", "Deploy"], ["Deploy"]]);
  });
});

describe("environment configuration errors", () => {
  const env = (extra: Record<string, unknown>) => rawConfig({ projects: [rawProject({ pipeline: { environments: [{ name: "dev", ...extra }] } })] });

  test.each([
    [env({ deploy: {} }), "projects[0].pipeline.environments[0].deploy: needs exactly one of codebuild or cloudformation"],
    [
      env({ deploy: { codebuild: { buildspec: "a.yml" }, cloudformation: { stackName: "s", templatePath: "t.yml", executionRoleArn: "arn:aws:iam::123456789012:role/r" } } }),
      "projects[0].pipeline.environments[0].deploy: needs exactly one of codebuild or cloudformation",
    ],
    [
      env({ deploy: { cloudformation: { stackName: "s", templatePath: "t.yml", executionRoleArn: "checkout-cloudformation" } } }),
      'projects[0].pipeline.environments[0].deploy.cloudformation.executionRoleArn: must be an IAM role ARN (arn:aws:iam::<account>:role/<name>) (got string "checkout-cloudformation"); correct the value',
    ],
    [env({ name: "Prod", deploy: { codebuild: { buildspec: "a.yml" } } }), `projects[0].pipeline.environments[0].name: must be 1-20 lowercase letters, digits or '-', starting with a letter (got string "Prod"); correct the value`],
  ])("%#", (raw, expected) => {
    expect(problems(raw)).toEqual([expected]);
  });

  test("an environment listed twice", () => {
    const e = { name: "dev", deploy: { codebuild: { buildspec: "a.yml" } } };
    expect(problems(rawConfig({ projects: [rawProject({ pipeline: { environments: [e, e] } })] }))).toEqual([
      'projects[0].pipeline.environments[1].name: "dev" is listed twice; give each environment its own name',
    ]);
  });
});
