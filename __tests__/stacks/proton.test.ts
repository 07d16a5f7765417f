/*
 * AWS Proton after its end of support (2026-10-07): a `proton:` section is a migration. Its
 * templates become Service Catalog products published by the pipeline; nothing of Proton is
 * ever planned; asking for Proton is refused with the date and what to write instead. That a
 * state from before the migration sees its Proton stack and publish build deleted is planned on
 * the real engine in proton-day2.test.ts.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse, stringify } from "yaml";
import { parseConfig } from "../../config/load";
import { checkStack } from "../../policy";
import { byPath, NOW, only, problems, rawConfig, rawProject, statements, synth, synthAll } from "../helpers";
import { V1_PROTON } from "./proton-v1";

const root = join(__dirname, "..", "..");
const EXAMPLE = join(root, "examples", "proton.yaml");
const example = () => parse(readFileSync(EXAMPLE, "utf8"));
const C = "acme__platform__proton-templates_Catalog";
const ref = (type: string, name: string, attr: string) => `\${${type}.${name}.${attr}}`;

/** The notices examples/proton.yaml gives, one per template, in the order of the templates. */
const EXAMPLE_NOTICES = [
  [
    "projects[0].proton.templates[0]",
    'environment template "vpc-env" is migrated to the Service Catalog product "vpc-env" of the portfolio "Migrated from Proton" (AWS Proton ended on 2026-10-07); each commit publishes a version of templates/vpc-env/infrastructure/cloudformation.yaml',
  ],
  [
    "projects[0].proton.templates[1]",
    'service template "web-service" is migrated to the Service Catalog product "web-service" of the portfolio "Migrated from Proton" (AWS Proton ended on 2026-10-07); each commit publishes a version of templates/web-service/infrastructure/cloudformation.yaml',
  ],
  [
    "projects[0].proton.templates[2]",
    'environment template "queue-env" is migrated to the Service Catalog product "queue-env" of the portfolio "Migrated from Proton" (AWS Proton ended on 2026-10-07); each commit publishes a version of templates/queue-env/infrastructure/cloudformation.yaml',
  ],
];

describe("no AWS Proton is ever planned", () => {
  test("no AWS::Proton resource, Proton IAM action or Proton publish build in any synthesized stack of the example", () => {
    const { shared, stacks } = synthAll(example());
    const texts = [shared.text, ...Object.values(stacks).map((s) => s.text)];
    expect(texts).toHaveLength(2);
    for (const text of texts) {
      expect(text).not.toContain("AWS::Proton");
      expect(text).not.toMatch(/"proton:[A-Za-z]+"/);
      expect(text).not.toContain("PublishProtonTemplates");
    }
  });

  test("nor for a template with every field a Proton template had", () => {
    const { text, shared } = synth(
      rawConfig({
        projects: [
          rawProject({
            serviceCatalog: { portfolio: { name: "P", providerName: "Platform" } },
            proton: {
              templates: [
                {
                  kind: "service",
                  name: "api",
                  displayName: "API service",
                  description: "An HTTP API",
                  bundlePath: "t/api",
                  compatibleEnvironmentTemplates: [{ name: "vpc-env", majorVersion: "1" }],
                  product: { owner: "Platform", supportEmail: "p@acme.example" },
                },
              ],
            },
          }),
        ],
      }),
    );
    for (const t of [text, shared.text]) expect(t).not.toContain("AWS::Proton");
  });
});

describe("a proton section becomes Service Catalog products (examples/proton.yaml)", () => {
  const { json } = synth(example());
  const portfolio = byPath(json, "aws_servicecatalog_portfolio", `${C}/Portfolio`);
  const product = (name: string) => byPath(json, "aws_servicecatalog_product", `${C}/Product-${name}`);
  const bucket = only(json, "aws_s3_bucket").name;

  test("each template is a product named after it, owned and supported as its product: says, starting from a placeholder version", () => {
    const placeholder = byPath(json, "aws_s3_object", `${C}/Product-vpc-env/Placeholder`);
    expect(product("vpc-env").body).toEqual({
      name: "vpc-env",
      owner: "Platform team",
      type: "CLOUD_FORMATION_TEMPLATE",
      description: "A VPC with private subnets",
      support_email: "platform@acme.example",
      provisioning_artifact_parameters: {
        name: "placeholder",
        description: "Placeholder until the pipeline of acme/platform/proton-templates publishes templates/vpc-env/infrastructure/cloudformation.yaml",
        template_url: `https://\${aws_s3_bucket.${bucket}.bucket_regional_domain_name}/service-catalog/acme-platform-proton-templates/vpc-env/placeholder.json`,
        type: "CLOUD_FORMATION_TEMPLATE",
      },
      lifecycle: { ignore_changes: ["provisioning_artifact_parameters"] },
      depends_on: [`aws_s3_object.${placeholder.name}`],
    });
    expect(Object.values<any>(json.resource.aws_servicecatalog_product).map((p) => [p.name, p.owner, p.support_email ?? null, p.support_url ?? null])).toEqual([
      ["queue-env", "Platform team", "platform@acme.example", null],
      ["vpc-env", "Platform team", "platform@acme.example", null],
      ["web-service", "Web team", null, "https://wiki.acme.example/web-service"],
    ]);
    expect(portfolio.body).toEqual({ name: "Migrated from Proton", provider_name: "Platform team" });
  });

  test("the Publish stage publishes each bundle's infrastructure/cloudformation.yaml at the commit, and runs no other build", () => {
    const stages = only(json, "aws_codepipeline").body.stage;
    expect(stages.map((s: any) => s.name)).toEqual(["Source", "BuildAndTest", "Publish"]);
    expect(stages[2].action[0]).toEqual({
      name: "Publish-vpc-env",
      category: "Deploy",
      owner: "AWS",
      provider: "ServiceCatalog",
      version: "1",
      run_order: 1,
      input_artifacts: ["source_output"],
      configuration: {
        TemplateFilePath: "templates/vpc-env/infrastructure/cloudformation.yaml",
        ProductVersionName: "#{SourceVariables.CommitId}",
        ProductVersionDescription: "acme/platform/proton-templates at commit #{SourceVariables.CommitId} (#{SourceVariables.BranchName})",
        ProductType: "CLOUD_FORMATION_TEMPLATE",
        ProductId: ref("aws_servicecatalog_product", product("vpc-env").name, "id"),
      },
    });
    expect(stages[2].action.map((a: any) => [a.name, a.provider, a.configuration.TemplateFilePath])).toEqual([
      ["Publish-vpc-env", "ServiceCatalog", "templates/vpc-env/infrastructure/cloudformation.yaml"],
      ["Publish-web-service", "ServiceCatalog", "templates/web-service/infrastructure/cloudformation.yaml"],
      ["Publish-queue-env", "ServiceCatalog", "templates/queue-env/infrastructure/cloudformation.yaml"],
    ]);
    // Only the project's own build is left: the Proton publish build is gone.
    expect(Object.values<any>(json.resource.aws_codebuild_project).map((p) => p.name)).toEqual(["acme-platform-proton-templates"]);
    expect(json.resource.aws_cloudformation_stack).toBeUndefined();
  });

  test("the pipeline role may publish versions of these three products only", () => {
    const s = statements(json, "acme__platform__proton-templates/Pipeline/Role/PolicyDocument");
    expect(s.PublishProductVersions.resources).toEqual(
      ["vpc-env", "web-service", "queue-env"].map((n) => ref("aws_servicecatalog_product", product(n).name, "arn")),
    );
    expect(s.StartProtonPublish).toBeUndefined();
    expect(checkStack(json)).toEqual([]);
  });

  test("each product joins the portfolio with a launch constraint: a created role doing what product: lists, or the given role", () => {
    expect(statements(json, `${C}/LaunchRole-vpc-env/Role/PolicyDocument`).Product1).toEqual({
      sid: "Product1",
      effect: "Allow",
      actions: ["ec2:CreateSubnet", "ec2:CreateTags", "ec2:CreateVpc", "ec2:DeleteSubnet", "ec2:DeleteVpc"],
      resources: ["arn:aws:ec2:eu-west-1:123456789012:vpc/*", "arn:aws:ec2:eu-west-1:123456789012:subnet/*"],
    });
    expect(byPath(json, "aws_servicecatalog_constraint", `${C}/Portfolio/Launch-web-service`).body.parameters).toBe(
      '{"RoleArn":"arn:aws:iam::123456789012:role/sc-launch-web"}',
    );
    expect(Object.keys(json.resource.aws_servicecatalog_product_portfolio_association)).toHaveLength(3);
  });

  test("what version 1 planned for the kept parts keeps its address: only the Proton stack and publish build leave", () => {
    const addresses = Object.entries<Record<string, unknown>>(json.resource).flatMap(([type, blocks]) => Object.keys(blocks).map((n) => `${type}.${n}`));
    // Synthesized by the version before the migration from the same project (one template
    // already moved with target: service-catalog), less its Proton resources.
    const kept = [
      "aws_cloudwatch_log_group.acme__platform__proton-templates_Build_Logs_6061A808",
      "aws_codebuild_project.acme__platform__proton-templates_Build_21CD0389",
      "aws_codebuild_report_group.acme__platform__proton-templates_Build_TestReports_8B212499",
      "aws_codepipeline.acme__platform__proton-templates_Pipeline_B73FA18D",
      "aws_iam_role.acme__platform__proton-templates_Build_Role_449CB460",
      "aws_iam_role.acme__platform__proton-templates_Catalog_LaunchRole-queue-env_Role_3F386968",
      "aws_iam_role.acme__platform__proton-templates_Pipeline_Role_70D53E6E",
      "aws_iam_role_policy.acme__platform__proton-templates_Build_Role_Policy_9D3B05B0",
      "aws_iam_role_policy.acme__platform__proton-templates_Catalog_LaunchRole-queue-env_Role_Policy_E76A73EB",
      "aws_iam_role_policy.acme__platform__proton-templates_Pipeline_Role_Policy_5279B6B8",
      "aws_s3_object.acme__platform__proton-templates_Catalog_Product-queue-env_Placeholder_36AC9DFE",
      "aws_servicecatalog_constraint.acme__platform__proton-templates_Catalog_Portfolio_Launch-queue-env_0DFE259A",
      "aws_servicecatalog_portfolio.acme__platform__proton-templates_Catalog_Portfolio_0C5E0D63",
      "aws_servicecatalog_principal_portfolio_association.acme__platform__proton-templates_Catalog_Portfolio_Principal-c6210f9631bc_6B845619",
      "aws_servicecatalog_product.acme__platform__proton-templates_Catalog_Product-queue-env_68D48B2B",
      "aws_servicecatalog_product_portfolio_association.acme__platform__proton-templates_Catalog_Portfolio_Product-queue-env_0ED7D263",
    ];
    expect(addresses).toEqual(expect.arrayContaining(kept));
    for (const gone of V1_PROTON) expect(addresses).not.toContain(`${gone.type}.${gone.name}`);
  });
});

test("the same products written under serviceCatalog.products synthesize byte for byte the same, without notices", () => {
  const raw = example();
  const project = raw.projects[0];
  project.serviceCatalog.products = project.proton.templates.map((t: any) => ({
    name: t.name,
    templatePath: `${t.bundlePath}/infrastructure/cloudformation.yaml`,
    ...(t.description ? { description: t.description } : {}),
    ...t.product,
  }));
  delete project.proton;
  expect(parseConfig(stringify(raw), "delivery.yaml", NOW).warnings).toEqual([]);
  const rewritten = synthAll(raw);
  const migrated = synthAll(example());
  expect(rewritten.stacks["acme-proton-acme"].text).toBe(migrated.stacks["acme-proton-acme"].text);
});

describe("one notice per template says what it became", () => {
  const notices = (raw: Record<string, unknown>) => parseConfig(stringify(raw), "delivery.yaml", NOW).warnings.map((w) => [w.path, w.message]);

  test("examples/proton.yaml", () => {
    expect(parseConfig(readFileSync(EXAMPLE, "utf8"), EXAMPLE, NOW).warnings.map((w) => [w.path, w.message])).toEqual(EXAMPLE_NOTICES);
  });

  test("fields without a Service Catalog counterpart are named; with sync publishing, Service Catalog pulls the versions", () => {
    const raw = rawConfig({
      projects: [
        rawProject({
          path: "acme/templates",
          serviceCatalog: { publishing: "sync", portfolio: { name: "P", providerName: "Platform" } },
          proton: {
            templates: [
              {
                kind: "service",
                name: "api",
                displayName: "API service",
                bundlePath: "t/api",
                compatibleEnvironmentTemplates: [{ name: "vpc-env", majorVersion: "1" }],
                product: { owner: "Platform", supportEmail: "p@acme.example" },
              },
            ],
          },
        }),
      ],
    });
    expect(notices(raw)).toEqual([
      [
        "projects[0].proton.templates[0]",
        'service template "api" is migrated to the Service Catalog product "api" of the portfolio "P" (AWS Proton ended on 2026-10-07); Service Catalog syncs versions of t/api/infrastructure/cloudformation.yaml from branch main; displayName and compatibleEnvironmentTemplates are not carried over (Service Catalog has no counterpart)',
      ],
    ]);
  });

  test("the app prints each notice once, as a warning, even when several processes synthesize; it exits 0", () => {
    const dir = mkdtempSync(join(tmpdir(), "delivery-proton-"));
    const raw = example();
    // A second stack, so that two synthesis processes run.
    raw.projects.push({ path: "acme2/app", deployToken: { expiresAt: "2027-09-30" } });
    const file = join(dir, "delivery.yaml");
    writeFileSync(file, stringify(raw));
    const r = spawnSync(process.execPath, [join(root, "scripts", "run-app.js")], {
      cwd: dir,
      encoding: "utf8",
      env: { ...process.env, DELIVERY_CONFIG: file, CDKTF_OUTDIR: join(dir, "cdktf.out"), DELIVERY_SYNTH_WORKERS: "2" },
    });
    expect(r.status).toBe(0);
    expect(r.stderr.trim().split("\n")).toEqual(EXAMPLE_NOTICES.map(([path, message]) => `warning: ${file}: ${path}: ${message}`));
    expect(r.stderr).not.toMatch(/error|not a valid/i);
    expect(readdirSync(join(dir, "cdktf.out", "stacks")).sort()).toEqual(["acme-proton-acme", "acme-proton-acme2", "acme-proton-shared"]);
  });
});

describe("asking for AWS Proton is refused with the date and what to write instead", () => {
  const env = { kind: "environment", name: "vpc-env", bundlePath: "templates/vpc-env", product: { owner: "P", supportEmail: "p@acme.example" } };
  const portfolio = { serviceCatalog: { portfolio: { name: "P", providerName: "Platform" } } };
  const cfg = (proton: unknown, project: Record<string, unknown> = portfolio) => rawConfig({ projects: [rawProject({ proton, ...project })] });

  test.each([
    [
      "acknowledgeEndOfSupport: true",
      cfg({ acknowledgeEndOfSupport: true, templates: [env] }),
      "projects[0].proton.acknowledgeEndOfSupport: true asks to keep AWS Proton resources, which AWS ended on 2026-10-07 (its API is gone); remove acknowledgeEndOfSupport: the templates then become Service Catalog products, each with product: owner and supportEmail or supportUrl, in the portfolio of the project's serviceCatalog section",
    ],
    [
      "target: proton",
      cfg({ templates: [{ ...env, target: "proton" }] }),
      'projects[0].proton.templates[0].target: "proton" asks for an AWS Proton template, which AWS ended on 2026-10-07 (its API is gone); remove target: the template then becomes a Service Catalog product (give it product: owner and supportEmail or supportUrl)',
    ],
    [
      "another target",
      cfg({ templates: [{ ...env, target: "codecatalyst" }] }),
      'projects[0].proton.templates[0].target: "codecatalyst" is not a target; remove target: every template becomes a Service Catalog product',
    ],
    [
      "a template without product details",
      cfg({ templates: [{ kind: "environment", name: "vpc-env", bundlePath: "templates/vpc-env" }] }),
      "projects[0].proton.templates[0].product: is needed, since the template becomes a Service Catalog product; add it with owner and supportEmail or supportUrl",
    ],
    [
      "no portfolio for the products",
      cfg({ templates: [env] }, {}),
      "projects[0].serviceCatalog: is needed, since the templates of the proton section become Service Catalog products; add it with portfolio: name and providerName",
    ],
    [
      "two templates of one name",
      cfg({ templates: [env, { ...env, kind: "service" }] }),
      'projects[0].proton.templates[1].name: "vpc-env" is already the name of another product (serviceCatalog.products and the proton templates share one list); give each its own name',
    ],
    [
      "a template named like a product",
      cfg(
        { templates: [env] },
        { serviceCatalog: { ...portfolio.serviceCatalog, products: [{ name: "vpc-env", templatePath: "v.yml", owner: "P", supportEmail: "p@acme.example" }] } },
      ),
      'projects[0].proton.templates[0].name: "vpc-env" is already the name of another product (serviceCatalog.products and the proton templates share one list); give each its own name',
    ],
    [
      "a bundle path with a shell character",
      cfg({ templates: [{ ...env, bundlePath: "t/$(reboot)" }] }),
      `projects[0].proton.templates[0].bundlePath: must be a relative folder in the repository: letters, digits, '.', '_', '-' and '/', no segment starting with '.' (so no '..') (got string "t/$(reboot)"); correct the value`,
    ],
  ])("%s", (_what, raw, expected) => {
    expect(problems(raw)).toEqual([expected]);
  });

  test("a config written for the version before the end of support gets one line per change to make", () => {
    const before = parse(`
name: acme-proton
aws: { region: eu-west-1 }
connection: { name: acme-proton-gitlab }
projects:
  - path: acme/platform/proton-templates
    deployToken: { expiresAt: "2027-09-30" }
    proton:
      acknowledgeEndOfSupport: true
      templates:
        - { kind: environment, name: vpc-env, displayName: VPC environment, bundlePath: templates/vpc-env }
        - kind: service
          name: web-service
          bundlePath: templates/web-service
          compatibleEnvironmentTemplates: [{ name: vpc-env, majorVersion: "1" }]
`);
    expect(problems(before)).toEqual([
      "projects[0].proton.templates[0].product: is needed, since the template becomes a Service Catalog product; add it with owner and supportEmail or supportUrl",
      "projects[0].proton.templates[1].product: is needed, since the template becomes a Service Catalog product; add it with owner and supportEmail or supportUrl",
      "projects[0].proton.acknowledgeEndOfSupport: true asks to keep AWS Proton resources, which AWS ended on 2026-10-07 (its API is gone); remove acknowledgeEndOfSupport: the templates then become Service Catalog products, each with product: owner and supportEmail or supportUrl, in the portfolio of the project's serviceCatalog section",
      "projects[0].serviceCatalog: is needed, since the templates of the proton section become Service Catalog products; add it with portfolio: name and providerName",
    ]);
  });

  test("an adopted pipeline cannot publish the products (sync can)", () => {
    const raw = parse(readFileSync(join(root, "examples", "adopt-pipeline.yaml"), "utf8"));
    expect(problems(raw)).toEqual([]);
    Object.assign(raw.projects[0], { proton: { templates: [env] }, ...portfolio });
    expect(problems(raw)).toEqual([
      "projects[0].pipeline.adopt: keeps the adopted pipeline's own stages, so it cannot publish catalog products; use serviceCatalog.publishing: sync, or a pipeline of this tool",
    ]);
    raw.projects[0].serviceCatalog.publishing = "sync";
    expect(problems(raw)).toEqual([]);
  });
});
