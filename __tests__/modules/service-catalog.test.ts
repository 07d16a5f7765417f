/*
 * ServiceCatalog on a bare stack, as another app calls it: its publishing is one of two
 * kinds, and the pipeline kind adds the Publish stage and its grant (the YAML-driven cases:
 * __tests__/stacks/service-catalog.test.ts).
 */
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { TerraformStack, Testing } from "cdktf";
import { ArtifactStore, ConnectionGate, GitlabConnection, Grant, ServiceCatalog, ServiceCatalogProps, sourceVariables } from "../../index";

const CONNECTION_ARN = "arn:aws:codeconnections:eu-west-1:123456789012:connection/0a1b2c3d-1111-2222-3333-444455556666";

function catalog(publishing: (stack: TerraformStack) => ServiceCatalogProps["publishing"]) {
  const stack = new TerraformStack(Testing.app(), "test");
  new AwsProvider(stack, "aws", { region: "eu-west-1" });
  const construct = new ServiceCatalog(stack, "Catalog", {
    name: "acme-platform",
    repository: "acme/platform",
    portfolio: { name: "Platform", providerName: "Platform team", principals: [] },
    products: [{ name: "bucket", owner: "platform", templatePath: "products/bucket.yaml", supportEmail: "p@example.com" }],
    publishing: publishing(stack),
  });
  return { construct, json: JSON.parse(Testing.synth(stack, true)) };
}

describe("ServiceCatalog", () => {
  test("published by the pipeline: a Publish stage whose action names the commit, and a grant on those products only", () => {
    const { construct, json } = catalog((stack) => ({
      kind: "pipeline",
      artifactStore: new ArtifactStore(stack, "Artifacts", { bucketPrefix: "a-", keyAlias: "a" }),
    }));
    expect(construct.stages).toHaveLength(1);
    expect(construct.stages[0].name).toBe("Publish");
    expect(construct.stages[0].action).toEqual([
      expect.objectContaining({
        name: "Publish-bucket",
        provider: "ServiceCatalog",
        configuration: expect.objectContaining({ ProductVersionName: sourceVariables.commitId, TemplateFilePath: "products/bucket.yaml" }),
      }),
    ]);
    const grants: Grant[] = [];
    construct.grantTo({ arn: "role", addGrant: (g) => grants.push(g) });
    expect(grants.map((g) => g.sid)).toEqual(["PublishProductVersions", "ValidateTemplates"]);
    expect(Object.keys(json.resource.aws_servicecatalog_product)).toHaveLength(1);
    expect(json.resource.aws_cloudformation_stack).toBeUndefined();
  });

  test("synced by Service Catalog: a counted CloudFormation stack, no Publish stage and no grant", () => {
    const { construct, json } = catalog((stack) => {
      const connection = GitlabConnection.fromArn(stack, "Connection", CONNECTION_ARN);
      return { kind: "sync", connection, gate: new ConnectionGate(stack, "Gate", { connection, projects: ["acme/platform"] }), branch: "main" };
    });
    expect(construct.stages).toEqual([]);
    const grants: Grant[] = [];
    construct.grantTo({ arn: "role", addGrant: (g) => grants.push(g) });
    expect(grants).toEqual([]);
    const [stack] = Object.values<any>(json.resource.aws_cloudformation_stack);
    expect(stack.name).toBe("acme-platform-service-catalog");
    expect(stack.count).toMatch(/^\$\{/);
    // CloudFormation accepts only the codestar-connections form; Terraform rewrites the ARN.
    expect(stack.parameters).toEqual({ ConnectionArn: `\${replace("${CONNECTION_ARN}", ":codeconnections:", ":codestar-connections:")}` });
    expect(json.resource.aws_servicecatalog_product).toBeUndefined();
  });

  test("a sync without its gate, or a pipeline kind with a connection, does not type-check", () => {
    const stack = new TerraformStack(Testing.app(), "types");
    const connection = GitlabConnection.fromArn(stack, "Connection", CONNECTION_ARN);
    // @ts-expect-error -- sync needs the gate
    const sync: ServiceCatalogProps["publishing"] = { kind: "sync", connection, branch: "main" };
    // @ts-expect-error -- the pipeline kind takes an artifact store, not a connection
    const pipeline: ServiceCatalogProps["publishing"] = { kind: "pipeline", connection };
    expect([sync.kind, pipeline.kind]).toEqual(["sync", "pipeline"]);
  });
});
