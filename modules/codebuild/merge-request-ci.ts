import { CodebuildWebhook } from "@cdktf/provider-aws/lib/codebuild-webhook";
import { Construct } from "constructs";
import { BuildProject, BuildProjectProps } from "./build-project";
import { ConnectionGate } from "../connection/connection-gate";

/**
 * First words of the description of a merge-request CI project that runs privileged. Only an
 * explicit `privileged` here writes them, and policy rule GAD-CB-5 accepts a privileged CI
 * project only with them: code from any merge request then has root on the build host.
 */
export const PRIVILEGED_CI_PURPOSE = "Merge-request CI, privileged by its own opt-in";

export interface MergeRequestCiProps extends Omit<BuildProjectProps, "gitlabSource" | "cloneThrough"> {
  /** The GitLab repository the merge-request builds clone, through the connection. */
  readonly gitlabSource: NonNullable<BuildProjectProps["gitlabSource"]>;
  /**
   * Run merge-request builds privileged (Docker daemon access for code from any merge
   * request). Its own choice: a caller never passes the pipeline build's setting on.
   * @default false
   */
  readonly privileged?: boolean;
  /** Why merge-request builds are privileged; required with `privileged`, written into the description. @default - none; required with `privileged` */
  readonly privilegedReason?: string;
  /** GitLab merge-request events that start a build (CodeBuild webhook EVENT filter). */
  readonly events: readonly string[];
  /**
   * The project reads GitLab through the connection and its webhook is made on GitLab
   * through it, so both wait for the connection's first handshake.
   */
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
    const { events, gate, ...ownProps } = props;
    // A privileged CI project says it is so by its own opt-in (the mark GAD-CB-5 looks for).
    const buildProps = props.privileged ? { ...ownProps, purpose: PRIVILEGED_CI_PURPOSE } : ownProps;
    this.build = new BuildProject(this, "Build", { ...buildProps, count: gate.count });
    this.webhook = new CodebuildWebhook(this, "Webhook", {
      // By name: the project is counted, and both share the gate's count.
      projectName: buildProps.name,
      dependsOn: [this.build.project],
      buildType: "BUILD",
      filterGroup: [{ filter: [{ type: "EVENT", pattern: [...events].join(",") }] }],
      count: gate.count,
    });
  }
}
