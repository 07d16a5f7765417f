import { CloudformationStack } from "@cdktf/provider-aws/lib/cloudformation-stack";
import { CodepipelineStageAction } from "@cdktf/provider-aws/lib/codepipeline";
import { Construct } from "constructs";
import { awsName } from "../../config/naming";
import { ArtifactStore } from "../artifact-store/artifact-store";
import { BuildProject } from "../build/build-project";
import { ServiceRole } from "../iam/service-role";
import { actionVariables } from "../pipeline/environments";
import { logicalId } from "../service-catalog/cfn-templates";
import { protonTemplatesTemplate } from "./cfn-template";
import { BundleToPublish, publishBuildspec } from "./publish-buildspec";

export interface ProtonTemplatesProps {
  /** Base of the stack and build names. */
  readonly name: string;
  readonly accountId: string;
  readonly region: string;
  readonly repository: string;
  readonly artifactStore: ArtifactStore;
  readonly templates: ReadonlyArray<BundleToPublish & { displayName?: string; description?: string }>;
}

/**
 * AWS Proton templates fed from GitLab, which Proton itself cannot sync from: the template
 * shells are a CloudFormation stack (the Terraform provider has no Proton resources), and
 * a build in the pipeline publishes each bundle folder as a new template version.
 */
export class ProtonTemplates extends Construct {
  readonly stack: CloudformationStack;
  readonly publisher: BuildProject;

  constructor(scope: Construct, id: string, props: ProtonTemplatesProps) {
    super(scope, id);
    const template = protonTemplatesTemplate(
      props.repository,
      props.templates.map((t) => ({
        logicalId: logicalId(t.kind === "environment" ? "Env" : "Svc", t.name),
        kind: t.kind,
        name: t.name,
        displayName: t.displayName,
        description: t.description,
      })),
    );
    this.stack = new CloudformationStack(this, "Templates", {
      name: awsName(props.name, "proton", 128),
      templateBody: JSON.stringify(template),
    });
    this.publisher = new BuildProject(this, "Publish", {
      name: awsName(props.name, "proton", 100),
      accountId: props.accountId,
      artifactStore: props.artifactStore,
      buildspec: publishBuildspec(props.templates),
      environmentVariables: { TEMPLATE_BUCKET: props.artifactStore.bucket.bucket },
      timeoutMinutes: 30,
      purpose: "Publishes the AWS Proton template bundles of the repository as template versions",
    });
    const arns = (kind: string, name: string) => {
      const base = `arn:aws:proton:${props.region}:${props.accountId}:${kind}-template/${name}`;
      return [base, `${base}:*`];
    };
    this.publisher.role.addGrant({
      sid: "PublishTemplateVersions",
      actions: [
        ...new Set(
          props.templates.flatMap((t) => {
            const k = t.kind === "environment" ? "Environment" : "Service";
            return [`proton:Create${k}TemplateVersion`, `proton:Get${k}TemplateVersion`, `proton:Update${k}TemplateVersion`];
          }),
        ),
      ].sort(),
      resources: props.templates.flatMap((t) => arns(t.kind, t.name)),
    });
    // The bundles go to the artifact bucket under proton/, which the build's role already
    // reads and writes (Proton reads a bundle with the caller's rights).
  }

  publishAction(sourceArtifact: string): CodepipelineStageAction {
    return {
      name: "PublishProtonTemplates",
      category: "Build",
      owner: "AWS",
      provider: "CodeBuild",
      version: "1",
      runOrder: 1,
      inputArtifacts: [sourceArtifact],
      configuration: { ProjectName: this.publisher.project.name, EnvironmentVariables: actionVariables() },
    };
  }

  grantStart(role: ServiceRole): void {
    role.addGrant({ sid: "StartProtonPublish", actions: ["codebuild:BatchGetBuilds", "codebuild:StartBuild"], resources: [this.publisher.project.arn] });
  }
}
