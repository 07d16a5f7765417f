import { CodebuildSourceCredential } from "@cdktf/provider-aws/lib/codebuild-source-credential";
import { Construct } from "constructs";
import { IGitlabConnection } from "./gitlab-connection";

export interface SourceCredentialProps {
  /** The connection CodeBuild authenticates through. */
  readonly connection: IGitlabConnection;
  /** CodeBuild's name for the kind of GitLab: gitlab.com or a self-managed instance. */
  readonly serverType: "GITLAB" | "GITLAB_SELF_MANAGED";
}

/**
 * CodeBuild's source credential for GitLab through a connection: CodeBuild keeps one per
 * server type for the whole account and region, and builds with a GitLab source (merge-request
 * CI) authenticate with it. Declared right in `scope` (no construct of its own), so its
 * address is `aws_codebuild_source_credential.<id>` of the stack it is made in.
 * @see https://docs.aws.amazon.com/codebuild/latest/userguide/connections-gitlab.html
 */
export function codebuildSourceCredential(scope: Construct, id: string, props: SourceCredentialProps): CodebuildSourceCredential {
  return new CodebuildSourceCredential(scope, id, {
    authType: "CODECONNECTIONS",
    serverType: props.serverType,
    token: props.connection.arn,
  });
}
