import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { checkStack } from "../../policy";
import { specProblems } from "../cfn-spec";
import { byPath, connectionArnRef, only, problems, rawConfig, rawProject, statements, synth } from "../helpers";

const example = (name: string) => parse(readFileSync(join(__dirname, "..", "..", "examples", `${name}.yaml`), "utf8"));
const ref = (type: string, name: string, attr: string) => `\${${type}.${name}.${attr}}`;

describe("Service Catalog, publishing by pipeline (examples/service-catalog.yaml)", () => {
  const { json } = synth(example("service-catalog"));
  const C = "acme__platform__catalog_Catalog";
  const portfolio = byPath(json, "aws_servicecatalog_portfolio", `${C}/Portfolio`);
  const product = (name: string) => byPath(json, "aws_servicecatalog_product", `${C}/Product-${name}/Resource`.replace("/Resource", ""));
  const bucket = only(json, "aws_s3_bucket").name;

  test("the portfolio and who may launch: an IAM role, and an IAM_PATTERN without account", () => {
    expect(portfolio.body).toEqual({ name: "Platform products", description: "Building blocks approved by the platform team", provider_name: "Platform team" });
    const principals = Object.values<any>(json.resource.aws_servicecatalog_principal_portfolio_association).map(({ "//": _, ...b }) => b);
    expect(principals).toEqual(
      expect.arrayContaining([
        {
          portfolio_id: ref("aws_servicecatalog_portfolio", portfolio.name, "id"),
          principal_arn: "arn:aws:iam::123456789012:role/Developers",
          principal_type: "IAM",
        },
        { portfolio_id: ref("aws_servicecatalog_portfolio", portfolio.name, "id"), principal_arn: "arn:aws:iam:::role/team-*", principal_type: "IAM_PATTERN" },
      ]),
    );
    expect(principals).toHaveLength(2);
  });

  test("a product starts from a placeholder version the stack stores, then leaves versions to the pipeline", () => {
    const s3 = product("s3-bucket");
    const placeholder = byPath(json, "aws_s3_object", `${C}/Product-s3-bucket/Placeholder`);
    expect(s3.body).toEqual({
      name: "s3-bucket",
      owner: "Platform team",
      type: "CLOUD_FORMATION_TEMPLATE",
      support_email: "platform@acme.example",
      provisioning_artifact_parameters: {
        name: "placeholder",
        description: "Placeholder until the pipeline of acme/platform/catalog publishes products/s3-bucket.yml",
        template_url: `https://${ref("aws_s3_bucket", bucket, "bucket_regional_domain_name").slice(2, -1).replace(/^/, "${")}}/service-catalog/acme-platform-catalog/s3-bucket/placeholder.json`,
        type: "CLOUD_FORMATION_TEMPLATE",
      },
      lifecycle: { ignore_changes: ["provisioning_artifact_parameters"] },
      depends_on: [`aws_s3_object.${placeholder.name}`],
    });
    expect(placeholder.body.bucket).toBe(ref("aws_s3_bucket", bucket, "id"));
    expect(placeholder.body.key).toBe("service-catalog/acme-platform-catalog/s3-bucket/placeholder.json");
    expect(specProblems(JSON.parse(placeholder.body.content))).toEqual([]);
  });

  test("each run publishes every product's template at the commit, named by the commit id", () => {
    const stages = only(json, "aws_codepipeline").body.stage;
    expect(stages.map((s: any) => s.name)).toEqual(["Source", "BuildAndTest", "Publish"]);
    expect(stages[2].action[0]).toEqual({
      name: "Publish-s3-bucket",
      category: "Deploy",
      owner: "AWS",
      provider: "ServiceCatalog",
      version: "1",
      run_order: 1,
      input_artifacts: ["source_output"],
      configuration: {
        TemplateFilePath: "products/s3-bucket.yml",
        ProductVersionName: "#{SourceVariables.CommitId}",
        ProductVersionDescription: "acme/platform/catalog at commit #{SourceVariables.CommitId} (#{SourceVariables.BranchName})",
        ProductType: "CLOUD_FORMATION_TEMPLATE",
        ProductId: ref("aws_servicecatalog_product", product("s3-bucket").name, "id"),
      },
    });
    expect(stages[2].action.map((a: any) => a.name)).toEqual(["Publish-s3-bucket", "Publish-sqs-queue"]);
  });

  test("the pipeline role may publish versions of these products only", () => {
    const s = statements(json, "acme__platform__catalog/Pipeline/Role/PolicyDocument");
    expect(s.PublishProductVersions.resources).toEqual([
      ref("aws_servicecatalog_product", product("s3-bucket").name, "arn"),
      ref("aws_servicecatalog_product", product("sqs-queue").name, "arn"),
    ]);
    expect(s.PublishProductVersions.actions).toEqual([
      "servicecatalog:CreateProvisioningArtifact",
      "servicecatalog:DeleteProvisioningArtifact",
      "servicecatalog:DescribeProductAsAdmin",
      "servicecatalog:DescribeProvisioningArtifact",
      "servicecatalog:ListProvisioningArtifacts",
      "servicecatalog:UpdateProduct",
    ]);
    expect(s.ValidateTemplates).toEqual({ sid: "ValidateTemplates", effect: "Allow", actions: ["cloudformation:ValidateTemplate"], resources: ["*"] });
    expect(checkStack(json)).toEqual([]);
  });

  test("products join the portfolio, then get their launch constraint", () => {
    const association = byPath(json, "aws_servicecatalog_product_portfolio_association", `${C}/Portfolio/Product-s3-bucket`);
    expect(association.body).toEqual({
      portfolio_id: ref("aws_servicecatalog_portfolio", portfolio.name, "id"),
      product_id: ref("aws_servicecatalog_product", product("s3-bucket").name, "id"),
    });
    const role = byPath(json, "aws_iam_role", `${C}/LaunchRole-s3-bucket/Role/Resource`.replace("/Resource", ""));
    expect(byPath(json, "aws_servicecatalog_constraint", `${C}/Portfolio/Launch-s3-bucket`).body).toEqual({
      portfolio_id: ref("aws_servicecatalog_portfolio", portfolio.name, "id"),
      product_id: ref("aws_servicecatalog_product", product("s3-bucket").name, "id"),
      type: "LAUNCH",
      parameters: `{"RoleArn":"${ref("aws_iam_role", role.name, "arn")}"}`,
      description: "Launch constraint of s3-bucket",
      depends_on: [`aws_servicecatalog_product_portfolio_association.${association.name}`],
    });
    // A launch role named in the config is used as it is: no role is created for it.
    expect(byPath(json, "aws_servicecatalog_constraint", `${C}/Portfolio/Launch-sqs-queue`).body.parameters).toBe(
      '{"RoleArn":"arn:aws:iam::123456789012:role/sc-launch-sqs"}',
    );
    expect(Object.keys(json.resource.aws_iam_role).filter((n) => n.includes("LaunchRole"))).toEqual([role.name]);
  });

  test("a created launch role runs Service Catalog's stacks and does only what the product lists", () => {
    const role = byPath(json, "aws_iam_role", `${C}/LaunchRole-s3-bucket/Role`);
    expect(role.body.name).toBe("acme-platform-catalog-s3-bucket-launch");
    const trust = json.data.aws_iam_policy_document[role.body.assume_role_policy.match(/aws_iam_policy_document\.([^.]+)\./)[1]];
    expect(trust.statement).toEqual([
      { effect: "Allow", actions: ["sts:AssumeRole"], principals: [{ type: "Service", identifiers: ["servicecatalog.amazonaws.com"] }] },
    ]);
    const s = statements(json, `${C}/LaunchRole-s3-bucket/Role/PolicyDocument`);
    expect(Object.keys(s)).toEqual(["RunProductStacks", "ReadTemplates", "ReadCatalogTemplates", "Product1"]);
    expect(s.RunProductStacks.resources).toEqual(["arn:aws:cloudformation:eu-west-1:${data.aws_caller_identity.Account.account_id}:stack/SC-*"]);
    expect(s.ReadCatalogTemplates.condition).toEqual([
      { test: "StringEquals", variable: "s3:ExistingObjectTag/servicecatalog:provisioning", values: ["true"] },
    ]);
    expect(s.Product1).toEqual({
      sid: "Product1",
      effect: "Allow",
      actions: ["s3:CreateBucket", "s3:DeleteBucket", "s3:PutBucketTagging", "s3:PutEncryptionConfiguration"],
      resources: ["arn:aws:s3:::acme-*"],
    });
  });

  test("GAD-IAM-2 accepts s3:GetObject on * only with the Service Catalog tag condition", () => {
    const broken = JSON.parse(JSON.stringify(json));
    const name = byPath(json, "aws_iam_policy_document", `${C}/LaunchRole-s3-bucket/Role/PolicyDocument`, "data").name;
    delete broken.data.aws_iam_policy_document[name].statement.find((x: any) => x.sid === "ReadCatalogTemplates").condition;
    expect(checkStack(broken).map((f) => [f.rule, f.address])).toEqual([["GAD-IAM-2", `data.aws_iam_policy_document.${name}`]]);
  });

  test("portfolio and product ids are outputs", () => {
    expect(json.output.acme__platform__catalog_portfolio_id.value).toBe(ref("aws_servicecatalog_portfolio", portfolio.name, "id"));
    expect(json.output["acme__platform__catalog_product_s3_bucket_id"].value).toBe(ref("aws_servicecatalog_product", product("s3-bucket").name, "id"));
  });
});

describe("Service Catalog, publishing by sync (examples/service-catalog-sync.yaml)", () => {
  const { json, shared } = synth(example("service-catalog-sync"));
  const stack = byPath(json, "aws_cloudformation_stack", "acme__catalog-products_Catalog/SyncedProducts");
  const template = JSON.parse(stack.body.template_body);

  test("the products are a CloudFormation stack with SourceConnection, and the specification accepts it", () => {
    expect(stack.body.name).toBe("acme-catalog-products-service-catalog");
    expect(specProblems(template)).toEqual([]);
    const [logical] = Object.keys(template.Resources);
    expect(template.Resources[logical]).toEqual({
      Type: "AWS::ServiceCatalog::CloudFormationProduct",
      Properties: {
        Name: "vpc",
        Owner: "Network team",
        SupportEmail: "network@acme.example",
        ProductType: "CLOUD_FORMATION_TEMPLATE",
        SourceConnection: {
          Type: "CODESTAR",
          ConnectionParameters: {
            CodeStar: {
              ArtifactPath: "products/vpc.json",
              Branch: "main",
              ConnectionArn: { Ref: "ConnectionArn" },
              Repository: "acme/catalog-products",
            },
          },
        },
      },
    });
    expect(template.Parameters.ConnectionArn.Type).toBe("String");
    // The parameter refuses what CloudFormation's SourceConnection would refuse, at deploy time too.
    const allowed = new RegExp(template.Parameters.ConnectionArn.AllowedPattern);
    expect(allowed.test("arn:aws:codestar-connections:eu-west-1:123456789012:connection/0b1c2d3e-aaaa")).toBe(true);
    expect(allowed.test("arn:aws:codeconnections:eu-west-1:123456789012:connection/0b1c2d3e-aaaa")).toBe(false);
    expect(stack.body.parameters).toEqual({
      ConnectionArn: `\${replace(${connectionArnRef(shared.json, "acme-sync-shared").slice(2, -1)}, ":codeconnections:", ":codestar-connections:")}`,
    });
    expect(template.Outputs).toEqual({ [`${logical}Id`]: { Value: { Ref: logical }, Description: "Product id of vpc" } });
  });

  test("associations and the launch constraint read the product id from the stack's outputs; the pipeline publishes nothing", () => {
    const [logical] = Object.keys(template.Resources);
    const association = only(json, "aws_servicecatalog_product_portfolio_association").body;
    expect(association.product_id).toBe(`\${try(one(aws_cloudformation_stack.${stack.name}[*].outputs)["${logical}Id"], null)}`);
    expect(only(json, "aws_servicecatalog_constraint").body.product_id).toBe(association.product_id);
    expect(only(json, "aws_codepipeline").body.stage.map((s: any) => s.name)).toEqual(["Source", "BuildAndTest"]);
    expect(json.resource.aws_servicecatalog_product).toBeUndefined();
    expect(checkStack(json)).toEqual([]);
  });

  test("the synced stack reads GitLab through the connection, so it and the product's links wait for the first handshake", () => {
    const status = `data.aws_codestarconnections_connection.${only(json, "aws_codestarconnections_connection", "data").name}.connection_status`;
    const gate = `\${(${status} != "PENDING") ? 1 : 0}`;
    expect(stack.body.count).toBe(gate);
    expect(only(json, "aws_servicecatalog_product_portfolio_association").body.count).toBe(gate);
    expect(only(json, "aws_servicecatalog_constraint").body.count).toBe(gate);
    // The portfolio and its principals do not read GitLab: they are made on the first deploy.
    expect(only(json, "aws_servicecatalog_portfolio").body.count).toBeUndefined();
  });

  test("a codestar-connections ARN given in the config is used as it is", () => {
    const raw = example("service-catalog-sync");
    raw.projects[0].serviceCatalog.connectionArn = "arn:aws:codestar-connections:eu-west-1:123456789012:connection/0b1c2d3e-aaaa-bbbb-cccc-1234567890ab";
    expect(only(synth(raw).json, "aws_cloudformation_stack").body.parameters).toEqual({ ConnectionArn: raw.projects[0].serviceCatalog.connectionArn });
  });
});

describe("every product detail reaches both publishing modes", () => {
  const full = {
    name: "bucket",
    templatePath: "p/bucket.yml",
    owner: "Platform",
    description: "An encrypted bucket",
    distributor: "ACME platform",
    supportEmail: "p@acme.example",
    supportUrl: "https://wiki.acme.example/bucket",
    supportDescription: "Ask in #platform",
  };
  const sc = (publishing: string) => ({ publishing, portfolio: { name: "P", providerName: "Platform" }, products: [full] });

  test("pipeline: the aws_servicecatalog_product", () => {
    const { json } = synth(rawConfig({ projects: [rawProject({ serviceCatalog: sc("pipeline") })] }));
    const { provisioning_artifact_parameters: _versions, lifecycle: _l, depends_on: _d, ...product } = only(json, "aws_servicecatalog_product").body;
    expect(product).toEqual({
      name: "bucket",
      owner: "Platform",
      type: "CLOUD_FORMATION_TEMPLATE",
      description: "An encrypted bucket",
      distributor: "ACME platform",
      support_email: "p@acme.example",
      support_url: "https://wiki.acme.example/bucket",
      support_description: "Ask in #platform",
    });
  });

  test("sync: the CloudFormation product, accepted by the specification", () => {
    const { json } = synth(rawConfig({ projects: [rawProject({ path: "acme/catalog", serviceCatalog: sc("sync") })] }));
    const template = JSON.parse(only(json, "aws_cloudformation_stack").body.template_body);
    expect(specProblems(template)).toEqual([]);
    const { SourceConnection: _s, ...props } = Object.values<any>(template.Resources)[0].Properties;
    expect(props).toEqual({
      Name: "bucket",
      Owner: "Platform",
      Description: "An encrypted bucket",
      Distributor: "ACME platform",
      SupportEmail: "p@acme.example",
      SupportUrl: "https://wiki.acme.example/bucket",
      SupportDescription: "Ask in #platform",
      ProductType: "CLOUD_FORMATION_TEMPLATE",
    });
  });
});

describe("Service Catalog configuration errors", () => {
  const sc = (extra: Record<string, unknown> = {}) => ({
    portfolio: { name: "P", providerName: "Platform" },
    products: [{ name: "bucket", templatePath: "p/bucket.yml", owner: "Platform", supportEmail: "p@acme.example" }],
    ...extra,
  });
  const cfg = (serviceCatalog: unknown, project: Record<string, unknown> = {}) => rawConfig({ projects: [rawProject({ serviceCatalog, ...project })] });

  test.each([
    [
      "sync with a GitLab path deeper than Account/Repo",
      cfg(sc({ publishing: "sync" })),
      'projects[0].serviceCatalog.publishing: is sync, but Service Catalog sync takes a repository "Account/Repo" of at most 100 characters and "acme/platform/payments-api" has 3 segments; use publishing: pipeline, which works with any GitLab path',
    ],
    [
      "sync with a repository over 100 characters",
      cfg(sc({ publishing: "sync" }), { path: `acme/${"p".repeat(100)}` }),
      `projects[0].serviceCatalog.publishing: is sync, but Service Catalog sync takes a repository "Account/Repo" of at most 100 characters and "acme/${"p".repeat(71)}... has 105 characters; use publishing: pipeline, which works with any GitLab path`,
    ],
    [
      "a codeconnections ARN for sync",
      cfg(sc({ publishing: "sync", connectionArn: "arn:aws:codeconnections:eu-west-1:123456789012:connection/0b1c2d3e-aaaa" }), { path: "acme/catalog" }),
      'projects[0].serviceCatalog.connectionArn: must be a codestar-connections connection ARN (the only form CloudFormation accepts for SourceConnection) (got string "arn:aws:codeconnections:eu-west-1:123456789012:connection/0b1c2d3e-aaaa"); correct the value',
    ],
    [
      "connectionArn with pipeline publishing",
      cfg(sc({ connectionArn: "arn:aws:codestar-connections:eu-west-1:123456789012:connection/0b1c2d3e-aaaa" })),
      "projects[0].serviceCatalog.connectionArn: is used only with publishing: sync; remove it",
    ],
    [
      "a principal that is neither an ARN nor a pattern",
      cfg(sc({ principals: ["Developers"] })),
      'projects[0].serviceCatalog.principals[0]: "Developers" is neither an IAM role/user ARN (arn:aws:iam::123456789012:role/Developers) nor an IAM_PATTERN (no account, wildcards allowed: arn:aws:iam:::role/team-*)',
    ],
    [
      "a pattern with an account",
      cfg(sc({ principals: ["arn:aws:iam::123456789012:role/team-*"] })),
      'projects[0].serviceCatalog.principals[0]: "arn:aws:iam::123456789012:role/team-*" is neither an IAM role/user ARN (arn:aws:iam::123456789012:role/Developers) nor an IAM_PATTERN (no account, wildcards allowed: arn:aws:iam:::role/team-*)',
    ],
    [
      "no product",
      cfg(sc({ products: [] })),
      "projects[0].serviceCatalog.products: is empty; list at least one product (name, templatePath, owner, support contact)",
    ],
    [
      "no support contact",
      cfg(sc({ products: [{ name: "bucket", templatePath: "p/bucket.yml", owner: "Platform" }] })),
      "projects[0].serviceCatalog.products[0]: needs a support contact: supportEmail or supportUrl",
    ],
    [
      "a template outside the repository",
      cfg(sc({ products: [{ name: "bucket", templatePath: "../x.yml", owner: "Platform", supportEmail: "p@acme.example" }] })),
      `projects[0].serviceCatalog.products[0].templatePath: must be a relative CloudFormation template path in the repository: letters, digits, '.', '_', '-' and '/', no segment starting with '.' (so no '..') (got string "../x.yml"); correct the value`,
    ],
    [
      "a wildcard action for the launch role",
      cfg(
        sc({
          products: [
            {
              name: "b",
              templatePath: "b.yml",
              owner: "P",
              supportEmail: "p@acme.example",
              launchPermissions: [{ actions: ["s3:*"], resources: ["arn:aws:s3:::a"] }],
            },
          ],
        }),
      ),
      'projects[0].serviceCatalog.products[0].launchPermissions[0].actions[0]: must be one IAM action such as s3:CreateBucket (no wildcards: name each action the product needs) (got string "s3:*"); correct the value',
    ],
    [
      "a * resource for the launch role",
      cfg(
        sc({
          products: [
            {
              name: "b",
              templatePath: "b.yml",
              owner: "P",
              supportEmail: "p@acme.example",
              launchPermissions: [{ actions: ["s3:CreateBucket"], resources: ["*"] }],
            },
          ],
        }),
      ),
      'projects[0].serviceCatalog.products[0].launchPermissions[0].resources[0]: is "*"; name the ARNs the product creates (patterns such as arn:aws:s3:::acme-*-assets are fine)',
    ],
    [
      "pipeline publishing with a clone-ref source",
      cfg(sc(), { pipeline: { artifactFormat: "CODEBUILD_CLONE_REF" } }),
      "projects[0].pipeline.artifactFormat: is CODEBUILD_CLONE_REF, which only CodeBuild actions can read; the Service Catalog deploy action needs the template files: use CODE_ZIP",
    ],
    [
      "two products of one name",
      cfg(sc({ products: [0, 1].map(() => ({ name: "b", templatePath: "b.yml", owner: "P", supportEmail: "p@acme.example" })) })),
      'projects[0].serviceCatalog.products: "b" is used by two products (the templates of a proton section count too); give each its own name',
    ],
  ])("%s", (_what, raw, expected) => {
    expect(problems(raw)).toEqual([expected]);
  });

  test("a pasted blob is quoted short, not echoed whole (found by fuzzing, seed 7)", () => {
    const [line] = problems(cfg(sc({ principals: ["x".repeat(100000)] })));
    expect(line).toBe(
      `projects[0].serviceCatalog.principals[0]: "${"x".repeat(76)}... is neither an IAM role/user ARN (arn:aws:iam::123456789012:role/Developers) nor an IAM_PATTERN (no account, wildcards allowed: arn:aws:iam:::role/team-*)`,
    );
  });
});
