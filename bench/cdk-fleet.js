#!/usr/bin/env node
/*
 * The bench's yardstick (bench/synth.ts): the same fleet shape in AWS CDK (aws-cdk-lib, a
 * devDependency used only here). Per project one CodePipeline V2 whose source is the GitLab
 * repository through a CodeConnections connection (the CodeStarSourceConnection action), a
 * CodeBuild build, and the pipeline's KMS-encrypted artifact store; the connection in a shared
 * stack; 20 pipelines per stack, to stay under CloudFormation's 500-resource cap.
 * Plain JavaScript, like our bundled app: neither side pays for TypeScript.
 *
 * Usage: node bench/cdk-fleet.js <projects> <output folder>
 */
"use strict";
const { App, Stack } = require("aws-cdk-lib");
const { CfnConnection } = require("aws-cdk-lib/aws-codeconnections");
const { PipelineProject } = require("aws-cdk-lib/aws-codebuild");
const { Artifact, Pipeline, PipelineType } = require("aws-cdk-lib/aws-codepipeline");
const { CodeBuildAction, CodeStarConnectionsSourceAction } = require("aws-cdk-lib/aws-codepipeline-actions");

const PER_STACK = 20;
const projects = Number(process.argv[2]);
const outdir = process.argv[3];
if (!Number.isInteger(projects) || projects < 1 || !outdir) {
  process.stderr.write("usage: node bench/cdk-fleet.js <projects> <output folder>\n");
  process.exit(1);
}

const env = { account: "123456789012", region: "eu-west-1" };
const app = new App({ outdir });
const shared = new Stack(app, "bench-fleet-shared", { env });
const connection = new CfnConnection(shared, "Connection", { connectionName: "bench-fleet", providerType: "GitLab" });

let stack;
for (let i = 0; i < projects; i++) {
  if (i % PER_STACK === 0) stack = new Stack(app, `bench-fleet-${i / PER_STACK}`, { env });
  const id = `service-${i}`;
  const source = new Artifact(`${id}-source`);
  const project = new PipelineProject(stack, `${id}-Build`);
  new Pipeline(stack, `${id}-Pipeline`, {
    pipelineType: PipelineType.V2,
    crossAccountKeys: true,
    stages: [
      {
        stageName: "Source",
        actions: [
          new CodeStarConnectionsSourceAction({
            actionName: "GitLab",
            connectionArn: connection.attrConnectionArn,
            owner: `group-${i % 10}/team-${i % 7}`,
            repo: id,
            branch: "main",
            output: source,
          }),
        ],
      },
      { stageName: "BuildAndTest", actions: [new CodeBuildAction({ actionName: "Build", project, input: source })] },
    ],
  });
}
app.synth();
