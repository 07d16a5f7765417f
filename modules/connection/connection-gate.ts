import { DataAwsCodestarconnectionsConnection } from "@cdktf/provider-aws/lib/data-aws-codestarconnections-connection";
import { Fn, IResolvable, Op, TerraformStack, Token } from "cdktf";
import { Construct } from "constructs";
import { GitlabConnection } from "./gitlab-connection";

export interface ConnectionGateProps {
  readonly connection: GitlabConnection;
  /** Words for the message: which projects wait, and who may authorize them. */
  readonly projects: readonly string[];
}

/**
 * Reads the connection's status afresh at every plan (the connection lives in another
 * stack) and turns it into a `count` for resources that must wait for the handshake:
 * a pipeline created on a PENDING connection can miss its GitLab webhook.
 * While it waits, a Terraform check block prints where to complete the handshake.
 */
export class ConnectionGate extends Construct {
  /** Token: 1 when the connection is AVAILABLE, else 0. */
  readonly count: number;
  /** Expression: whether the connection is AVAILABLE. */
  readonly available: IResolvable;
  /** Token: "AVAILABLE" | "PENDING" | "ERROR" as read at plan time. */
  readonly status: string;
  /** Token: what to do next, for an output. */
  readonly nextStep: string;

  constructor(scope: Construct, id: string, props: ConnectionGateProps) {
    super(scope, id);
    const read = new DataAwsCodestarconnectionsConnection(this, "Status", { arn: props.connection.arn });
    this.status = read.connectionStatus;
    const available = Op.eq(read.connectionStatus, "AVAILABLE");
    this.available = available;
    this.count = Token.asNumber(Fn.conditional(available, 1, 0));
    const message =
      `The GitLab connection ${props.connection.name} is not AVAILABLE, so the pipelines of ${listProjects(props.projects)} ` +
      `are not created yet (a pipeline created on a pending connection can miss its GitLab webhook). ` +
      (props.connection.host
        ? `First set up the host of the GitLab instance: in the console's Settings > Connections > Hosts, choose the host, ` +
          `'Set up host', and enter a GitLab personal access token with the api scope (of an administrator). Then complete ` +
          `the connection handshake at`
        : `Complete the handshake at`) +
      ` ${props.connection.consoleUrl} ('Update pending connection'), signed in to GitLab as ` +
      `a user with the Owner role on each of these projects; then run cdktf deploy again.`;
    this.nextStep = Token.asString(Fn.conditional(available, "none: the connection is AVAILABLE", message));
    // Not an error: the first deploy must go on and create everything else.
    TerraformStack.of(this).addOverride(`check.${id.replace(/[^A-Za-z0-9_]/g, "_")}_handshake`, {
      assert: [{ condition: Token.asString(available), error_message: message }],
    });
  }
}

/** Sorted (so project order in the config changes nothing), and short for big stacks. */
function listProjects(paths: readonly string[], max = 10): string {
  const sorted = [...paths].sort();
  if (sorted.length <= max) return sorted.join(", ");
  return `${sorted.slice(0, max).join(", ")} and ${sorted.length - max} more`;
}
