/*
 * A cdktf app of its own that uses gitlab-aws-delivery as a library: a GitLab pipeline on
 * a connection and a pipeline role that exist already (made in the console, or by another
 * app). Of this package it imports the entry point only (`../../index`; an app that
 * installed the package writes `from "gitlab-aws-delivery"`). The tests synthesize it and
 * plan it on the real engine (__tests__/engine/library-app.test.ts).
 *
 *   npx tsx examples/library-app/main.ts     (writes examples/library-app/cdktf.out)
 */
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { GitlabProvider } from "@cdktf/provider-gitlab/lib/provider";
import { App, TerraformStack } from "cdktf";
import { join } from "node:path";
import { Construct } from "constructs";
import { ArtifactStore, BuildProject, GitlabConnection, GitlabPipeline, GitlabProject, ServiceRole } from "../../index";

/** The existing connection, past its handshake (from the console's Settings > Connections). */
export const CONNECTION_ARN = "arn:aws:codeconnections:eu-west-1:123456789012:connection/0a1b2c3d-1111-2222-3333-444455556666";
/** The existing role the pipeline runs as; the app adds one inline policy to it. */
export const PIPELINE_ROLE_ARN = "arn:aws:iam::123456789012:role/service-role/acme-web-pipeline";
export const STACK_NAME = "acme-web-delivery";

export class WebDelivery extends TerraformStack {
  readonly pipeline: GitlabPipeline;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    new AwsProvider(this, "aws", { region: "eu-west-1" });
    new GitlabProvider(this, "gitlab", {});

    const connection = GitlabConnection.fromArn(this, "Connection", CONNECTION_ARN);
    const role = ServiceRole.fromArn(this, "PipelineRole", PIPELINE_ROLE_ARN);
    const project = GitlabProject.fromPath(this, "Project", "acme/web");
    const artifactStore = new ArtifactStore(this, "Artifacts", { bucketPrefix: "acme-web-artifacts-", keyAlias: "acme-web-artifacts" });
    const build = new BuildProject(this, "Build", { name: "acme-web", artifactStore });

    this.pipeline = new GitlabPipeline(this, "Pipeline", { name: "acme-web", project, connection, role, artifactStore, build, branch: "main" });
    // Grants compose: a second grant of what the pipeline already gave its role merges.
    build.grantStart(role);
  }
}

/** The app, synthesized into `outdir` (by default cdktf's CDKTF_OUTDIR, else cdktf.out beside this file). */
export function synthLibraryApp(outdir = process.env.CDKTF_OUTDIR ?? join(__dirname, "cdktf.out")): App {
  const app = new App({ outdir });
  new WebDelivery(app, STACK_NAME);
  app.synth();
  return app;
}

if (require.main === module) synthLibraryApp();
