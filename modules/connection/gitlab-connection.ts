import { CodeconnectionsConnection } from "@cdktf/provider-aws/lib/codeconnections-connection";
import { Fn } from "cdktf";
import { Construct } from "constructs";
import { ServiceRole } from "../iam/service-role";
import { GitlabHost } from "./gitlab-host";

export interface GitlabConnectionProps {
  /** Connection name (1-32 characters). */
  readonly name: string;
  /** Region the connection lives in; used for the console URL. */
  readonly region: string;
  /** @default - none beyond the provider's default tags */
  readonly tags?: Record<string, string>;
  /**
   * The host of a self-managed instance; the connection then uses `host_arn` instead of
   * a provider type.
   * @default - GitLab.com
   */
  readonly host?: GitlabHost;
}

/**
 * The AWS CodeConnections connection to GitLab.com, or to a self-managed instance through
 * its host. It is created PENDING: a person must
 * finish the handshake in the console, so re-creating it is costly (prevent_destroy).
 * @see https://docs.aws.amazon.com/dtconsole/latest/userguide/connections-create-gitlab.html
 */
export class GitlabConnection extends Construct {
  readonly resource: CodeconnectionsConnection;
  /** The connection name as configured (not a token). */
  readonly name: string;
  /** The host it goes through, for a self-managed instance. */
  readonly host?: GitlabHost;
  /** Token for the connection ARN (`arn:aws:codeconnections:...`). */
  readonly arn: string;
  /** Token for PENDING | AVAILABLE | ERROR. */
  readonly status: string;
  /** Token for the console page where the pending handshake is completed. */
  readonly consoleUrl: string;

  constructor(scope: Construct, id: string, props: GitlabConnectionProps) {
    super(scope, id);
    this.name = props.name;
    this.host = props.host;
    this.resource = new CodeconnectionsConnection(this, "Resource", {
      name: props.name,
      providerType: props.host ? undefined : "GitLab",
      hostArn: props.host?.arn,
      tags: props.tags,
      lifecycle: { preventDestroy: true },
    });
    this.arn = this.resource.arn;
    this.status = this.resource.connectionStatus;
    // arn:aws:codeconnections:<region>:<account>:connection/<uuid>
    const account = Fn.element(Fn.split(":", this.resource.arn), 4);
    const uuid = Fn.element(Fn.split("/", this.resource.arn), 1);
    this.consoleUrl = `https://${props.region}.console.aws.amazon.com/codesuite/settings/${account}/${props.region}/codeconnections/connections/${uuid}`;
  }

  /**
   * Let CodeBuild fetch a token for this connection: what a CodeBuild project whose source
   * is the GitLab repository (auth CODECONNECTIONS) needs, besides UseConnection.
   */
  grantToken(role: ServiceRole): void {
    role.addGrant({
      sid: "ConnectionToken",
      actions: [
        "codeconnections:GetConnection",
        "codeconnections:GetConnectionToken",
        "codestar-connections:GetConnection",
        "codestar-connections:GetConnectionToken",
      ],
      resources: [this.arn],
    });
  }

  /**
   * Let a role use this connection for one repository. Both service prefixes are granted:
   * new ARNs are `codeconnections`, and CodePipeline still checks the older
   * `codestar-connections` action for some callers.
   */
  grantUse(role: ServiceRole, fullRepositoryId: string): void {
    for (const prefix of ["codeconnections", "codestar-connections"]) {
      role.addGrant({
        sid: prefix === "codeconnections" ? "UseConnection" : "UseConnectionLegacyPrefix",
        actions: [`${prefix}:UseConnection`],
        resources: [this.arn],
        conditions: [{ test: "StringEquals", variable: `${prefix}:FullRepositoryId`, values: [fullRepositoryId] }],
      });
    }
  }
}
