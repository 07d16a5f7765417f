/* What doctor expects, read from the example configurations' synthesized stacks. */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { synthesizeConfig } from "../../app/synth-tree";
import { loadConfigFile } from "../../config/load";
import { expectedFrom, triggersFromApi } from "../../doctor/expected";
import { readSynthesized } from "../../scripts/doctor";

const root = join(__dirname, "..", "..");
function expectedOfFile(file: string) {
  const { config } = loadConfigFile(join(root, file));
  const out = join(mkdtempSync(join(tmpdir(), "doctor-expected-")), "out");
  synthesizeConfig(config, out);
  return expectedFrom(config, readSynthesized(out));
}

test("delivery.yaml: the connection, both pipelines (created and adopted project), deploy tokens", () => {
  const e = expectedOfFile("delivery.yaml");
  expect(e.connection).toEqual({ stack: "acme-delivery-shared", name: "acme-gitlab", providerType: "GitLab", host: undefined });
  expect(e.pipelines.map((p) => [p.stack, p.name, p.project, p.branch, p.buildProjects, p.address])).toEqual([
    ["acme-delivery-acme", "acme-legacy-app", "acme/legacy-app", "master", ["acme-legacy-app"], "aws_codepipeline.acme__legacy-app_Pipeline_37EF427C[0]"],
    [
      "acme-delivery-acme",
      "acme-platform-payments-api",
      "acme/platform/payments-api",
      "main",
      ["acme-platform-payments-api"],
      "aws_codepipeline.acme__platform__payments-api_Pipeline_9A758224[0]",
    ],
  ]);
  expect(e.pipelines[1].triggers).toEqual([
    {
      providerType: "CodeStarSourceConnection",
      sourceActionName: "Source",
      push: [{ branches: { includes: ["main"] }, filePaths: { includes: ["buildspec.yml", "src/**"] } }, { tags: { includes: ["v*"] } }],
      pullRequest: [{ events: ["OPEN", "UPDATED"], branches: { includes: ["main"] } }],
    },
  ]);
  expect(e.projects).toEqual([
    {
      stack: "acme-delivery-acme",
      path: "acme/platform/payments-api",
      defaultBranch: "main",
      mode: "create",
      deployTokens: [{ name: "aws-delivery", expiresAt: "2027-11-01T00:00:00Z" }],
    },
    {
      stack: "acme-delivery-acme",
      path: "acme/legacy-app",
      defaultBranch: "master",
      mode: "adopt",
      deployTokens: [{ name: "aws-delivery", expiresAt: "2027-06-30T00:00:00Z" }],
    },
  ]);
  expect(e.gitlabUrl).toBe("https://gitlab.com");
});

test("self-managed in a VPC: the host, its literal subnets, the created security group left out, the certificate", () => {
  const e = expectedOfFile("examples/self-managed-vpc.yaml");
  expect(e.connection.providerType).toBe("GitLabSelfManaged");
  expect(e.connection.host).toMatchObject({
    name: "acme-internal-gitlab",
    endpoint: "https://gitlab.internal.acme.example",
    vpc: { vpcId: "vpc-0a1b2c3d4e5f60718", subnetIds: ["subnet-0a1b2c3d4e5f60719", "subnet-0a1b2c3d4e5f6071a"], securityGroupIds: [] },
  });
  expect(e.connection.host?.vpc?.tlsCertificate).toMatch(/^-----BEGIN CERTIFICATE-----/);
  expect(e.gitlabUrl).toBe("https://gitlab.internal.acme.example");
});

test("GetPipeline's triggers and terraform's compare equal however filters are ordered", () => {
  expect(
    triggersFromApi([
      {
        providerType: "CodeStarSourceConnection",
        gitConfiguration: {
          sourceActionName: "Source",
          push: [{ branches: { includes: ["main"] }, filePaths: { includes: ["src/**", "buildspec.yml"] } }, { tags: { includes: ["v*"] } }],
          pullRequest: [{ events: ["UPDATED", "OPEN"], branches: { includes: ["main"] } }],
        },
      },
    ]),
  ).toEqual(expectedOfFile("delivery.yaml").pipelines[1].triggers);
});
