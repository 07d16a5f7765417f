import { execFileSync } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "yaml";
import { checkStack } from "../../policy";
import { specProblems } from "../cfn-spec";
import { byPath, only, problems, rawConfig, rawProject, statements, synth } from "../helpers";

const example = () => parse(readFileSync(join(__dirname, "..", "..", "examples", "proton.yaml"), "utf8"));
const C = "acme__platform__proton-templates_Catalog";
const COMMIT = "3f2a9c1e0b7d4a6f8e5c2b1a0d9e8f7c6b5a4d3e";

/**
 * Runs the publish build's commands as CodeBuild would, each in its own bash, with an `aws`
 * on PATH that records its arguments and answers like the CLI (create prints the version).
 */
function runPublish(buildspec: string, createAnswer = "1\t3"): { calls: string[][]; uploads: string[] } {
  const dir = mkdtempSync(join(tmpdir(), "proton-"));
  try {
    const bin = join(dir, "bin");
    mkdirSync(bin);
    writeFileSync(
      join(bin, "aws"),
      `#!/usr/bin/env bash
printf '%s\\0' "$@" >> "${dir}/calls"; printf '\\n' >> "${dir}/calls"
if [ "$1" = s3 ]; then tar -tzf "$3" >> "${dir}/uploads"; fi
if [ "$1 $2" = "proton create-environment-template-version" ] || [ "$1 $2" = "proton create-service-template-version" ]; then printf '${createAnswer}\\n'; fi
`,
    );
    chmodSync(join(bin, "aws"), 0o755);
    const src = join(dir, "src");
    for (const b of ["templates/vpc-env", "templates/web-service"]) {
      mkdirSync(join(src, b, "infrastructure"), { recursive: true });
      writeFileSync(join(src, b, "infrastructure", "cloudformation.yaml"), "Resources: {}\n");
    }
    for (const command of parse(buildspec).phases.build.commands) {
      execFileSync("bash", ["-eo", "pipefail", "-c", command], {
        cwd: src,
        env: { PATH: `${bin}:${process.env.PATH}`, TEMPLATE_BUCKET: "acme-artifacts-x", GITLAB_COMMIT_ID: COMMIT },
        stdio: "pipe",
      });
    }
    const calls = readFileSync(join(dir, "calls"), "utf8")
      .split("\n")
      .filter(Boolean)
      .map((l) => l.split("\0").filter(Boolean));
    return { calls, uploads: readFileSync(join(dir, "uploads"), "utf8").split("\n").filter(Boolean).sort() };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe("AWS Proton, acknowledged (examples/proton.yaml)", () => {
  const { json } = synth(example());
  const cfn = byPath(json, "aws_cloudformation_stack", `${C}/Proton/Templates`);
  const template = JSON.parse(cfn.body.template_body);
  const publisher = byPath(json, "aws_codebuild_project", `${C}/Proton/Publish`);

  test("the template shells are a CloudFormation stack the specification accepts", () => {
    expect(cfn.body.name).toBe("acme-platform-proton-templates-proton");
    expect(specProblems(template)).toEqual([]);
    expect(Object.values(template.Resources)).toEqual([
      { Type: "AWS::Proton::EnvironmentTemplate", Properties: { Name: "vpc-env", DisplayName: "VPC environment" } },
      { Type: "AWS::Proton::ServiceTemplate", Properties: { Name: "web-service" } },
    ]);
  });

  test("the publish build tars each bundle, uploads it under the commit, registers and publishes a version", () => {
    const { calls, uploads } = runPublish(publisher.body.source.buildspec);
    const key = (kind: string, name: string) => `proton/${kind}/${name}/${COMMIT}.tar.gz`;
    expect(calls).toEqual([
      ["s3", "cp", "/tmp/environment-vpc-env.tar.gz", `s3://acme-artifacts-x/${key("environment", "vpc-env")}`],
      [
        "proton",
        "create-environment-template-version",
        "--template-name",
        "vpc-env",
        "--description",
        `GitLab commit ${COMMIT}`,
        "--source",
        `s3={bucket=acme-artifacts-x,key=${key("environment", "vpc-env")}}`,
        "--query",
        "environmentTemplateVersion.[majorVersion,minorVersion]",
        "--output",
        "text",
      ],
      ["proton", "wait", "environment-template-version-registered", "--template-name", "vpc-env", "--major-version", "1", "--minor-version", "3"],
      ["proton", "update-environment-template-version", "--template-name", "vpc-env", "--major-version", "1", "--minor-version", "3", "--status", "PUBLISHED"],
      ["s3", "cp", "/tmp/service-web-service.tar.gz", `s3://acme-artifacts-x/${key("service", "web-service")}`],
      [
        "proton",
        "create-service-template-version",
        "--template-name",
        "web-service",
        "--description",
        `GitLab commit ${COMMIT}`,
        "--compatible-environment-templates",
        "templateName=vpc-env,majorVersion=1",
        "--source",
        `s3={bucket=acme-artifacts-x,key=${key("service", "web-service")}}`,
        "--query",
        "serviceTemplateVersion.[majorVersion,minorVersion]",
        "--output",
        "text",
      ],
      ["proton", "wait", "service-template-version-registered", "--template-name", "web-service", "--major-version", "1", "--minor-version", "3"],
      ["proton", "update-service-template-version", "--template-name", "web-service", "--major-version", "1", "--minor-version", "3", "--status", "PUBLISHED"],
    ]);
    // Each archive holds its bundle folder's contents at its root, as Proton expects.
    expect(uploads).toEqual([
      "./",
      "./",
      "./infrastructure/",
      "./infrastructure/",
      "./infrastructure/cloudformation.yaml",
      "./infrastructure/cloudformation.yaml",
    ]);
  });

  test("a version Proton did not return stops the build before anything is published", () => {
    expect(() => runPublish(publisher.body.source.buildspec, "")).toThrow();
  });

  test("the build may publish versions of these templates only; the pipeline may start it", () => {
    const s = statements(json, `${C}/Proton/Publish/Role/PolicyDocument`);
    const arn = (kind: string, name: string) => `arn:aws:proton:eu-west-1:\${data.aws_caller_identity.Account.account_id}:${kind}-template/${name}`;
    expect(s.PublishTemplateVersions).toEqual({
      sid: "PublishTemplateVersions",
      effect: "Allow",
      actions: [
        "proton:CreateEnvironmentTemplateVersion",
        "proton:CreateServiceTemplateVersion",
        "proton:GetEnvironmentTemplateVersion",
        "proton:GetServiceTemplateVersion",
        "proton:UpdateEnvironmentTemplateVersion",
        "proton:UpdateServiceTemplateVersion",
      ],
      resources: [arn("environment", "vpc-env"), `${arn("environment", "vpc-env")}:*`, arn("service", "web-service"), `${arn("service", "web-service")}:*`],
    });
    expect(publisher.body.environment.environment_variable).toEqual([
      { name: "TEMPLATE_BUCKET", value: `\${aws_s3_bucket.${only(json, "aws_s3_bucket").name}.bucket}`, type: "PLAINTEXT" },
    ]);
    expect(statements(json, "acme__platform__proton-templates/Pipeline/Role/PolicyDocument").StartProtonPublish.resources).toEqual([
      `\${aws_codebuild_project.${publisher.name}.arn}`,
    ]);
    expect(checkStack(json)).toEqual([]);
  });

  test("the migrated template becomes a Service Catalog product published from its bundle's template", () => {
    const stage = only(json, "aws_codepipeline").body.stage[2];
    expect(stage.name).toBe("Publish");
    expect(stage.action.map((a: any) => [a.name, a.provider, a.configuration.TemplateFilePath])).toEqual([
      ["Publish-queue-env", "ServiceCatalog", "templates/queue-env/infrastructure/cloudformation.yaml"],
      ["PublishProtonTemplates", "CodeBuild", undefined],
    ]);
    const product = only(json, "aws_servicecatalog_product").body;
    expect([product.name, product.owner, product.support_email]).toEqual(["queue-env", "Platform team", "platform@acme.example"]);
    expect(statements(json, `${C}/LaunchRole-queue-env/Role/PolicyDocument`).Product1.actions).toEqual(["sqs:CreateQueue", "sqs:DeleteQueue", "sqs:TagQueue"]);
    // Moved templates are not Proton templates any more.
    expect(Object.values<any>(template.Resources).map((r) => r.Properties.Name)).not.toContain("queue-env");
  });
});

describe("Proton template options", () => {
  test("description, display name and several compatible environment templates reach the shells and the publish command", () => {
    const { json } = synth(
      rawConfig({
        projects: [
          rawProject({
            proton: {
              acknowledgeEndOfSupport: true,
              templates: [
                {
                  kind: "service",
                  name: "api",
                  displayName: "API service",
                  description: "An HTTP API",
                  bundlePath: "t/api",
                  compatibleEnvironmentTemplates: [
                    { name: "vpc-env", majorVersion: "1" },
                    { name: "vpc-env", majorVersion: "2" },
                  ],
                },
              ],
            },
          }),
        ],
      }),
    );
    const template = JSON.parse(only(json, "aws_cloudformation_stack").body.template_body);
    expect(specProblems(template)).toEqual([]);
    expect(Object.values(template.Resources)).toEqual([
      { Type: "AWS::Proton::ServiceTemplate", Properties: { Name: "api", DisplayName: "API service", Description: "An HTTP API" } },
    ]);
    const spec = parse(byPath(json, "aws_codebuild_project", "acme__platform__payments-api_Catalog/Proton/Publish").body.source.buildspec);
    expect(spec.phases.build.commands[2]).toContain(
      "--compatible-environment-templates templateName=vpc-env,majorVersion=1 templateName=vpc-env,majorVersion=2 --source",
    );
  });
});

describe("Proton configuration errors", () => {
  const env = { kind: "environment", name: "vpc-env", bundlePath: "templates/vpc-env" };
  const cfg = (proton: unknown, project: Record<string, unknown> = {}) => rawConfig({ projects: [rawProject({ proton, ...project })] });

  test.each([
    [
      "not acknowledged",
      cfg({ templates: [env] }),
      "projects[0].proton.acknowledgeEndOfSupport: AWS ended support for AWS Proton on 2026-10-07 (its console and API are no longer reachable); move the templates to Service Catalog (target: service-catalog on each template, or serviceCatalog.products), or set acknowledgeEndOfSupport: true to keep them knowingly",
    ],
    [
      "a service template without compatible environment templates",
      cfg({ acknowledgeEndOfSupport: true, templates: [{ kind: "service", name: "web", bundlePath: "t/web" }] }),
      "projects[0].proton.templates[0].compatibleEnvironmentTemplates: is needed for a service template: list the environment templates (name, majorVersion) it runs on",
    ],
    [
      "moved to Service Catalog without a portfolio",
      cfg({ acknowledgeEndOfSupport: true, templates: [{ ...env, target: "service-catalog", product: { owner: "P", supportEmail: "p@acme.example" } }] }),
      "projects[0].proton.templates: moves templates to Service Catalog (target: service-catalog), so the project needs a serviceCatalog section with its portfolio",
    ],
    [
      "moved to Service Catalog without product details",
      cfg(
        { acknowledgeEndOfSupport: true, templates: [{ ...env, target: "service-catalog" }] },
        { serviceCatalog: { portfolio: { name: "P", providerName: "P" } } },
      ),
      "projects[0].proton.templates[0].product: is needed with target: service-catalog: give owner and supportEmail or supportUrl",
    ],
    [
      "one name twice",
      cfg({ acknowledgeEndOfSupport: true, templates: [env, env] }),
      'projects[0].proton.templates[1].name: "vpc-env" is listed twice for kind environment; give each template its own name',
    ],
    [
      "a bundle path with a shell character",
      cfg({ acknowledgeEndOfSupport: true, templates: [{ ...env, bundlePath: "t/$(reboot)" }] }),
      `projects[0].proton.templates[0].bundlePath: must be a relative folder in the repository: letters, digits, '.', '_', '-' and '/', no segment starting with '.' (so no '..') (got string "t/$(reboot)"); correct the value`,
    ],
  ])("%s", (_what, raw, expected) => {
    expect(problems(raw)).toEqual([expected]);
  });

  test("an adopted pipeline cannot publish templates", () => {
    const raw = parse(readFileSync(join(__dirname, "..", "..", "examples", "adopt-pipeline.yaml"), "utf8"));
    expect(problems(raw)).toEqual([]);
    raw.projects[0].proton = { acknowledgeEndOfSupport: true, templates: [env] };
    expect(problems(raw)).toEqual([
      "projects[0].pipeline.adopt: keeps the adopted pipeline's own stages, so it cannot publish catalog products or Proton templates; use serviceCatalog.publishing: sync, or a pipeline of this tool",
    ]);
  });
});
