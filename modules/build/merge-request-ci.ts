import { CodebuildWebhook } from "@cdktf/provider-aws/lib/codebuild-webhook";
import { Construct } from "constructs";
import { BuildProject, BuildProjectProps } from "./build-project";
import { ConnectionGate } from "../connection/connection-gate";

export interface MergeRequestCiProps extends Omit<BuildProjectProps, "gitlabSource" | "cloneThrough"> {
  readonly gitlabSource: NonNullable<BuildProjectProps["gitlabSource"]>;
  /** GitLab merge-request events that start a build (CodeBuild webhook EVENT filter). */
  readonly events: readonly string[];
  /** The webhook is made on GitLab through the connection, so it waits for the handshake too. */
  readonly gate: ConnectionGate;
}

/**
 * Standalone CodeBuild CI for one GitLab repository: a webhook on merge-request events
 * starts a build of the repository itself, and CodeBuild reports its status on the commit
 * in GitLab. Meant for merge requests only; pushes stay with the pipeline, so no event is
 * built twice.
 * @see https://docs.aws.amazon.com/codebuild/latest/userguide/gitlab-connection.html
 */
export class MergeRequestCi extends Construct {
  readonly build: BuildProject;
  readonly webhook: CodebuildWebhook;

  constructor(scope: Construct, id: string, props: MergeRequestCiProps) {
    super(scope, id);
    const { events, gate, ...buildProps } = props;
    this.build = new BuildProject(this, "Build", buildProps);
    this.webhook = new CodebuildWebhook(this, "Webhook", {
      projectName: this.build.project.name,
      buildType: "BUILD",
      filterGroup: [{ filter: [{ type: "EVENT", pattern: [...events].join(",") }] }],
      count: gate.count,
    });
  }
}
