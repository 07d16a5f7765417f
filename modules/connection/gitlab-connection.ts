import { CodeconnectionsConnection } from "@cdktf/provider-aws/lib/codeconnections-connection";
import { Fn, Token } from "cdktf";
import { Construct } from "constructs";
import { ConstructError } from "../core/construct-error";
import { StackEnv } from "../core/stack-env";
import { IRoleGrantee } from "../iam/grantee";
import { GitlabHost } from "./gitlab-host";

export interface GitlabConnectionProps {
  /** Connection name (1-32 characters). */
  readonly name: string;
  /** Tags of the connection. @default - none beyond the provider's default tags */
  readonly tags?: Record<string, string>;
  /**
   * The host of a self-managed instance; the connection then uses `host_arn` instead of
   * a provider type.
   * @default - GitLab.com
   */
  readonly host?: GitlabHost;
}

/** A CodeConnections connection to GitLab: created here (`GitlabConnection`) or existing (`GitlabConnection.fromArn`). */
export interface IGitlabConnection {
  /** The connection ARN (`arn:<partition>:codeconnections:...`; a token for one created here). */
  readonly arn: string;
  /** The connection name as configured; for an imported one, the id at the end of its ARN. */
  readonly name: string;
  /** The console page where the pending handshake is completed. */
  readonly consoleUrl: string;
  /** The host it goes through, for a self-managed instance. @default - GitLab.com, or unknown for an imported connection */
  readonly host?: GitlabHost;
  /**
   * Let a role use this connection for one repository. Both service prefixes are granted:
   * new ARNs are `codeconnections`, and CodePipeline still checks the older
   * `codestar-connections` action for some callers.
   */
  grantUse(grantee: IRoleGrantee, fullRepositoryId: string): void;
  /** Let a role use this connection for every repository under one group (`<group>/*`), both prefixes as grantUse. */
  grantGroupUse(grantee: IRoleGrantee, groupPath: string): void;
  /**
   * Let CodeBuild fetch a token for this connection: what a CodeBuild project whose source
   * is the GitLab repository (auth CODECONNECTIONS) needs, besides UseConnection.
   */
  grantToken(grantee: IRoleGrantee): void;
}

/** The grants every connection offers, created or imported. */
abstract class GitlabConnectionBase extends Construct implements IGitlabConnection {
  abstract readonly arn: string;
  abstract readonly name: string;
  abstract readonly consoleUrl: string;
  abstract readonly host?: GitlabHost;

  grantToken(grantee: IRoleGrantee): void {
    grantee.addGrant({
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

  grantUse(grantee: IRoleGrantee, fullRepositoryId: string): void {
    this.grantUseWhere(grantee, "UseConnection", "StringEquals", fullRepositoryId);
  }

  grantGroupUse(grantee: IRoleGrantee, groupPath: string): void {
    this.grantUseWhere(grantee, "UseConnectionGroup", "StringLike", `${groupPath}/*`);
  }

  /** UseConnection under both service prefixes, for the repositories whose FullRepositoryId matches. */
  private grantUseWhere(grantee: IRoleGrantee, sid: string, test: "StringEquals" | "StringLike", fullRepositoryId: string): void {
    for (const prefix of ["codeconnections", "codestar-connections"]) {
      grantee.addGrant({
        sid: prefix === "codeconnections" ? sid : `${sid}LegacyPrefix`,
        actions: [`${prefix}:UseConnection`],
        resources: [this.arn],
        conditions: [{ test, variable: `${prefix}:FullRepositoryId`, values: [fullRepositoryId] }],
      });
    }
  }
}

/** `arn:<partition>:codeconnections|codestar-connections:<region>:<account>:connection/<id>` */
const CONNECTION_ARN = /^arn:[a-z-]+:(codeconnections|codestar-connections):([a-z0-9-]+):(\d{12}):connection\/([A-Za-z0-9-]+)$/;

/**
 * The AWS CodeConnections connection to GitLab.com, or to a self-managed instance through
 * its host. It is created PENDING: a person must
 * finish the handshake in the console, so re-creating it is costly (prevent_destroy).
 * @see https://docs.aws.amazon.com/dtconsole/latest/userguide/connections-create-gitlab.html
 */
export class GitlabConnection extends GitlabConnectionBase {
  /**
   * An existing connection (made in the console or by another app), by ARN: it can be
   * granted and gated like one created here, and nothing about it is managed.
   */
  static fromArn(scope: Construct, id: string, arn: string): IGitlabConnection {
    return new ImportedGitlabConnection(scope, id, arn);
  }

  readonly resource: CodeconnectionsConnection;
  /** The connection name as configured (not a token). */
  readonly name: string;
  /** The host it goes through, for a self-managed instance. */
  readonly host?: GitlabHost;
  /** Token for the connection ARN (`arn:<partition>:codeconnections:...`). */
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
    // arn:<partition>:codeconnections:<region>:<account>:connection/<uuid>
    const account = Fn.element(Fn.split(":", this.resource.arn), 4);
    const uuid = Fn.element(Fn.split("/", this.resource.arn), 1);
    const region = StackEnv.of(this).region;
    this.consoleUrl = `https://${region}.console.aws.amazon.com/codesuite/settings/${account}/${region}/codeconnections/connections/${uuid}`;
  }
}

/** An existing connection, known by its ARN. */
class ImportedGitlabConnection extends GitlabConnectionBase {
  readonly arn: string;
  readonly name: string;
  readonly consoleUrl: string;
  readonly host?: GitlabHost = undefined;

  constructor(scope: Construct, id: string, arn: string) {
    super(scope, id);
    this.arn = arn;
    let region: string, account: string;
    if (Token.isUnresolved(arn)) {
      region = Fn.element(Fn.split(":", arn), 3);
      account = Fn.element(Fn.split(":", arn), 4);
      this.name = Fn.element(Fn.split("/", arn), 1);
    } else {
      const parts = CONNECTION_ARN.exec(arn);
      if (!parts) {
        throw new ConstructError(
          this,
          `${JSON.stringify(arn)} is not a connection ARN; copy it from the connection's page in the console ("arn:<partition>:codeconnections:<region>:<account>:connection/<id>")`,
        );
      }
      [, , region, account, this.name] = parts;
    }
    this.consoleUrl = `https://${region}.console.aws.amazon.com/codesuite/settings/${account}/${region}/codeconnections/connections/${this.name}`;
  }
}
