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
      ["Deploy-prod", ["1:Approve", "1:StampCommit", "2:Deploy"]],
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
    expect(JSON.parse(p.stage[2].action[0].configuration.EnvironmentVariables)[0]).toEqual({
      name: "CHANNEL",
      value: "#{variables.RELEASE_CHANNEL}",
      type: "PLAINTEXT",
    });
  });

  test("a cross-account CloudFormation deploy runs as the target account's role, with the stamped configuration", () => {
    expect(pipeline.stage[4].action[2]).toEqual({
      name: "Deploy",
      category: "Deploy",
      owner: "AWS",
      provider: "CloudFormation",
      version: "1",
      run_order: 2,
      input_artifacts: ["build_output", "template_configuration_prod"],
      role_arn: "arn:aws:iam::210987654321:role/acme-delivery-deploy",
      configuration: {
        ActionMode: "CREATE_UPDATE",
        StackName: "checkout-prod",
        TemplatePath: "build_output::infra/template.yml",
        TemplateConfiguration: "template_configuration_prod::template-configuration.json",
        Capabilities: "CAPABILITY_IAM",
        RoleArn: "arn:aws:iam::210987654321:role/checkout-cloudformation",
      },
    });
  });

  test("the stamp build reads the environment's parameters file and writes the configuration the deploy reads", () => {
    const stamp = byPath(json, "aws_codebuild_project", `${P}/Environments/StampCommit`);
    expect(stamp.body.name).toBe("acme-shop-checkout-stamp");
    expect(stamp.body.build_timeout).toBe(5);
    // A build that never reads GitLab gets no deploy token.
    expect(stamp.body.environment.environment_variable).toEqual([]);
    expect(pipeline.stage[4].action[1]).toEqual({
      name: "StampCommit",
      category: "Build",
      owner: "AWS",
      provider: "CodeBuild",
      version: "1",
      run_order: 1,
      input_artifacts: ["build_output"],
      output_artifacts: ["template_configuration_prod"],
      configuration: {
        ProjectName: `\${aws_codebuild_project.${stamp.name}.name}`,
        EnvironmentVariables: `[{"name":"PARAMETERS_PATH","value":"infra/prod.json","type":"PLAINTEXT"},${TRACE.slice(1)}`,
      },
    });
    expect(Object.keys(statements(json, `${P}/Environments/StampCommit/Role/PolicyDocument`))).not.toContain("DeployToken");
  });

  test("the pipeline role assumes the prod account's role and starts the deploy builds; nothing of prod's is passed here", () => {
    const s = statements(json, `${P}/Pipeline/Role/PolicyDocument`);
    expect(s.AssumeDeployRoles.actions).toEqual(["sts:AssumeRole"]);
    expect(s.AssumeDeployRoles.resources).toEqual(["arn:aws:iam::210987654321:role/acme-delivery-deploy"]);
    const stamp = byPath(json, "aws_codebuild_project", `${P}/Environments/StampCommit`);
    expect(s.StartDeployBuilds.resources).toEqual([
      `\${aws_codebuild_project.${deployProject("dev").name}.arn}`,
      `\${aws_codebuild_project.${deployProject("staging").name}.arn}`,
      `\${aws_codebuild_project.${stamp.name}.arn}`,
    ]);
    // The target account's role passes its own execution role and creates its own stack.
    expect(s.PassStackRoles).toBeUndefined();
    expect(s.DeployStacks).toBeUndefined();
    expect(checkStack(json)).toEqual([]);
  });

  test("the artifact key and bucket let the prod account read artifacts, and only read", () => {
    const key = byPath(json, "aws_kms_key", "ArtifactStore/Key");
    expect(key.body.policy).toBe(`\${data.aws_iam_policy_document.${byPath(json, "aws_iam_policy_document", "ArtifactStore/KeyPolicy", "data").name}.json}`);
    const k = statements(json, "ArtifactStore/KeyPolicy");
    expect(k.AccountIamPolicies.principals).toEqual([{ type: "AWS", identifiers: ["arn:aws:iam::${data.aws_caller_identity.Account.account_id}:root"] }]);
    expect(k.AccountIamPolicies.actions).toContain("kms:PutKeyPolicy");
    expect(k.AccountIamPolicies.actions.some((a: string) => a.includes("*"))).toBe(false);
    expect(k.DeployAccountsDecrypt).toEqual({
      sid: "DeployAccountsDecrypt",
      effect: "Allow",
      principals: [{ type: "AWS", identifiers: ["arn:aws:iam::210987654321:root"] }],
      actions: ["kms:Decrypt", "kms:DescribeKey"],
      resources: ["*"],
    });
    const b = statements(json, "ArtifactStore/TlsOnlyPolicy");
    const bucket = `\${aws_s3_bucket.${only(json, "aws_s3_bucket").name}.arn}`;
    expect(b.DeployAccountsReadArtifacts.actions).toEqual(["s3:GetObject", "s3:GetObjectVersion"]);
    expect(b.DeployAccountsReadArtifacts.resources).toEqual([`${bucket}/*`]);
    expect(b.DeployAccountsReadArtifacts.principals).toEqual([{ type: "AWS", identifiers: ["arn:aws:iam::210987654321:root"] }]);
    expect(b.DeployAccountsLocateBucket.resources).toEqual([bucket]);
    expect(b.DenyInsecureTransport.effect).toBe("Deny");
  });

  test("approval can be turned on anywhere and off for prod", () => {
    const env = (name: string, approval?: boolean) => ({ name, approval, deploy: { codebuild: { buildspec: "deploy.yml" } } });
    const { json: j } = synth(rawConfig({ projects: [rawProject({ pipeline: { environments: [env("qa", true), env("prod", false)] } })] }));
    const stages = only(j, "aws_codepipeline").body.stage;
    expect(stages.slice(2).map((s: any) => s.action.map((a: any) => a.name))).toEqual([["Approve", "Deploy"], ["Deploy"]]);
  });
});

describe("same-account CloudFormation deploy", () => {
  const P = "acme__platform__payments-api";
  const cfn = (extra: Record<string, unknown> = {}) => ({
    name: "prod",
    deploy: {
      cloudformation: {
        stackName: "checkout-prod",
        templatePath: "t.yml",
        executionRoleArn: "arn:aws:iam::123456789012:role/checkout-cloudformation",
        ...extra,
      },
    },
  });
  const { json } = synth(rawConfig({ projects: [rawProject({ pipeline: { environments: [cfn()] } })] }));
  const pipeline = only(json, "aws_codepipeline").body;

  test("the pipeline's own role deploys: no role_arn, the stamped file without a parameters file", () => {
    const [, stamp, deploy] = pipeline.stage[2].action;
    expect(deploy.role_arn).toBeUndefined();
    expect(deploy.configuration.TemplateConfiguration).toBe("template_configuration_prod::template-configuration.json");
    expect(deploy.configuration.Capabilities).toBeUndefined();
    expect(deploy.configuration.ParameterOverrides).toBeUndefined();
    expect(stamp.configuration.EnvironmentVariables).toBe(TRACE);
  });

  test("the environment's variables reach the template as parameter overrides, sorted, and may read pipeline variables (issue 11)", () => {
    const { json: j } = synth(
      rawConfig({
        projects: [
          rawProject({
            pipeline: {
              variables: [{ name: "RELEASE_CHANNEL", default: "stable" }],
              environments: [{ ...cfn(), variables: { Stage: "prod", Channel: "#{variables.RELEASE_CHANNEL}" } }],
            },
          }),
        ],
      }),
    );
    expect(only(j, "aws_codepipeline").body.stage[2].action[2]).toEqual({
      name: "Deploy",
      category: "Deploy",
      owner: "AWS",
      provider: "CloudFormation",
      version: "1",
      run_order: 2,
      input_artifacts: ["build_output", "template_configuration_prod"],
      configuration: {
        ActionMode: "CREATE_UPDATE",
        StackName: "checkout-prod",
        TemplatePath: "build_output::t.yml",
        TemplateConfiguration: "template_configuration_prod::template-configuration.json",
        ParameterOverrides: '{"Channel":"#{variables.RELEASE_CHANNEL}","Stage":"prod"}',
        RoleArn: "arn:aws:iam::123456789012:role/checkout-cloudformation",
      },
    });
  });

  test("the pipeline role may run this stack, set its stack policy (a template configuration's StackPolicy), and pass its role to CloudFormation only", () => {
    const s = statements(json, `${P}/Pipeline/Role/PolicyDocument`);
    expect(s.DeployStacks).toEqual({
      sid: "DeployStacks",
      effect: "Allow",
      actions: [
        "cloudformation:CreateChangeSet",
        "cloudformation:CreateStack",
        "cloudformation:DeleteChangeSet",
        "cloudformation:DescribeChangeSet",
        "cloudformation:DescribeStackEvents",
        "cloudformation:DescribeStacks",
        "cloudformation:ExecuteChangeSet",
        "cloudformation:SetStackPolicy",
        "cloudformation:UpdateStack",
      ],
      resources: ["arn:aws:cloudformation:eu-west-1:${data.aws_caller_identity.Account.account_id}:stack/checkout-prod/*"],
    });
    expect(s.PassStackRoles).toEqual({
      sid: "PassStackRoles",
      effect: "Allow",
      actions: ["iam:PassRole"],
      resources: ["arn:aws:iam::123456789012:role/checkout-cloudformation"],
      condition: [{ test: "StringEquals", variable: "iam:PassedToService", values: ["cloudformation.amazonaws.com"] }],
    });
    expect(s.AssumeDeployRoles).toBeUndefined();
    expect(checkStack(json)).toEqual([]);
  });

  test("without other accounts the artifact key keeps AWS's default policy and the bucket only denies plain HTTP", () => {
    expect(byPath(json, "aws_kms_key", "ArtifactStore/Key").body.policy).toBeUndefined();
    expect(Object.keys(statements(json, "ArtifactStore/TlsOnlyPolicy"))).toEqual(["DenyInsecureTransport"]);
  });

  test("GAD-IAM-4 still refuses a named role passed without iam:PassedToService", () => {
    const broken = JSON.parse(JSON.stringify(json));
    const doc = Object.entries<any>(broken.data.aws_iam_policy_document).find(([n]) => n.includes("Pipeline_Role_PolicyDocument"))![1];
    delete doc.statement.find((x: any) => x.sid === "PassStackRoles").condition;
    expect(checkStack(broken).map((f) => f.rule)).toEqual(["GAD-IAM-4"]);
  });

  test("a CodeBuild deploy in another account gets the role to assume, and may assume only it", () => {
    const { json: j } = synth(
      rawConfig({
        projects: [
          rawProject({
            pipeline: {
              environments: [{ name: "prod", roleArn: "arn:aws:iam::210987654321:role/deployer", deploy: { codebuild: { buildspec: "deploy.yml" } } }],
            },
          }),
        ],
      }),
    );
    const project = byPath(j, "aws_codebuild_project", `${P}/Environments/prod`);
    expect(project.body.environment.environment_variable.slice(0, 2)).toEqual([
      { name: "DEPLOY_ENVIRONMENT", value: "prod", type: "PLAINTEXT" },
      { name: "DEPLOY_ROLE_ARN", value: "arn:aws:iam::210987654321:role/deployer", type: "PLAINTEXT" },
    ]);
    expect(statements(j, `${P}/Environments/prod/Role/PolicyDocument`).AssumeDeployRole.resources).toEqual(["arn:aws:iam::210987654321:role/deployer"]);
    // CodeBuild runs here and reads artifacts with its own role: the key stays this account's.
    expect(byPath(j, "aws_kms_key", "ArtifactStore/Key").body.policy).toBeUndefined();
    expect(only(j, "aws_codepipeline").body.stage[2].action[1].role_arn).toBeUndefined();
  });
});

describe("environment configuration errors", () => {
  const env = (extra: Record<string, unknown>) => rawConfig({ projects: [rawProject({ pipeline: { environments: [{ name: "dev", ...extra }] } })] });

  test.each([
    [env({ deploy: {} }), "projects[0].pipeline.environments[0].deploy: needs exactly one of codebuild or cloudformation"],
    [
      env({
        deploy: {
          codebuild: { buildspec: "a.yml" },
          cloudformation: { stackName: "s", templatePath: "t.yml", executionRoleArn: "arn:aws:iam::123456789012:role/r" },
        },
      }),
      "projects[0].pipeline.environments[0].deploy: needs exactly one of codebuild or cloudformation",
    ],
    [
      env({ deploy: { cloudformation: { stackName: "s", templatePath: "t.yml", executionRoleArn: "checkout-cloudformation" } } }),
      'projects[0].pipeline.environments[0].deploy.cloudformation.executionRoleArn: must be an IAM role ARN (arn:aws:iam::<account>:role/<name>) (got string "checkout-cloudformation"); correct the value',
    ],
    [
      env({ name: "Prod", deploy: { codebuild: { buildspec: "a.yml" } } }),
      `projects[0].pipeline.environments[0].name: must be 1-20 lowercase letters, digits or '-', starting with a letter (got string "Prod"); correct the value`,
    ],
    [
      env({ roleArn: "arn:aws:iam::21098765432:role/deployer", deploy: { codebuild: { buildspec: "a.yml" } } }),
      'projects[0].pipeline.environments[0].roleArn: must be an IAM role ARN (arn:aws:iam::<account>:role/<name>) (got string "arn:aws:iam::21098765432:role/deployer"); correct the value',
    ],
    [
      env({
        roleArn: "arn:aws:iam::210987654321:role/deployer",
        deploy: { cloudformation: { stackName: "s", templatePath: "t.yml", executionRoleArn: "arn:aws:iam::123456789012:role/r" } },
      }),
      'projects[0].pipeline.environments[0].deploy.cloudformation.executionRoleArn: "arn:aws:iam::123456789012:role/r" is in account 123456789012, but the stack is deployed in account 210987654321 (roleArn); CloudFormation there can only use a role of that account: name an execution role in 210987654321',
    ],
    [
      env({
        variables: { DB_HOST: "db.internal" },
        deploy: { cloudformation: { stackName: "s", templatePath: "t.yml", executionRoleArn: "arn:aws:iam::123456789012:role/r" } },
      }),
      'projects[0].pipeline.environments[0].variables.DB_HOST: "DB_HOST" is not a CloudFormation parameter name (letters and digits only), and a CloudFormation deploy passes its variables to the template as parameters; rename it to the template\'s parameter, e.g. "DbHost"',
    ],
    [
      env({
        variables: { Banner: "x".repeat(990) },
        deploy: { cloudformation: { stackName: "s", templatePath: "t.yml", executionRoleArn: "arn:aws:iam::123456789012:role/r" } },
      }),
      "projects[0].pipeline.environments[0].variables: a CloudFormation deploy passes these variables as ParameterOverrides, here 1003 characters of JSON, over CodePipeline's 1000-character limit for an action setting; keep the long values in the template configuration file (deploy.cloudformation.parametersPath)",
    ],
  ])("%#", (raw, expected) => {
    expect(problems(raw)).toEqual([expected]);
  });

  test("a CodeBuild deploy keeps variable names with '_' (they are environment variables there)", () => {
    expect(problems(env({ variables: { DB_HOST: "db.internal" }, deploy: { codebuild: { buildspec: "a.yml" } } }))).toEqual([]);
  });

  test("an environment listed twice", () => {
    const e = { name: "dev", deploy: { codebuild: { buildspec: "a.yml" } } };
    expect(problems(rawConfig({ projects: [rawProject({ pipeline: { environments: [e, e] } })] }))).toEqual([
      'projects[0].pipeline.environments[1].name: "dev" is listed twice; give each environment its own name',
    ]);
  });
});
