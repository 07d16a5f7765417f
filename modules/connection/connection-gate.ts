import { DataAwsCodestarconnectionsConnection } from "@cdktf/provider-aws/lib/data-aws-codestarconnections-connection";
import { Fn, IResolvable, Op, TerraformStack, Token } from "cdktf";
import { Construct } from "constructs";
import { IGitlabConnection } from "./gitlab-connection";

export interface ConnectionGateProps {
  /** The connection whose status the gate reads at plan time. */
  readonly connection: IGitlabConnection;
  /** Words for the message: which projects wait, and who may authorize them. */
  readonly projects: readonly string[];
}

/**
 * Reads the connection's status afresh at every plan (the connection lives in another
 * stack) and turns it into a `count` for resources that must wait for the first handshake:
 * a pipeline created on a PENDING connection can miss its GitLab webhook.
 *
 * The gate is one-way. A connection is PENDING only before its first handshake; afterwards
 * it is AVAILABLE or, when GitLab's authorization is revoked, ERROR. So the gate opens on
 * "not PENDING": an ERROR connection keeps every pipeline (and its execution history),
 * webhook and rule it gated, and the check block says how to repair it. Going back to
 * PENDING needs a new connection, which the shared stack refuses (prevent_destroy).
 */
export class ConnectionGate extends Construct {
  /** Token: 1 once the connection has left PENDING, else 0. */
  readonly count: number;
  /** Expression: whether the connection has left PENDING (AVAILABLE or ERROR). */
  readonly open: IResolvable;
  /** Expression: whether the connection is AVAILABLE (what the check block asserts). */
  readonly available: IResolvable;
  /** Token: "AVAILABLE" | "PENDING" | "ERROR" as read at plan time. */
  readonly status: string;
  /** Token: what to do next, for an output. */
  readonly nextStep: string;

  constructor(scope: Construct, id: string, props: ConnectionGateProps) {
    super(scope, id);
    const read = new DataAwsCodestarconnectionsConnection(this, "Status", { arn: props.connection.arn });
    this.status = read.connectionStatus;
    this.open = Op.neq(read.connectionStatus, "PENDING");
    this.available = Op.eq(read.connectionStatus, "AVAILABLE");
    this.count = Token.asNumber(Fn.conditional(this.open, 1, 0));
    const projects = listProjects(props.projects);
    const pending =
      `The GitLab connection ${props.connection.name} is PENDING, so the pipelines of ${projects} ` +
      `are not created yet (a pipeline created on a pending connection can miss its GitLab webhook). ` +
      (props.connection.host
        ? `First set up the host of the GitLab instance: in the console's Settings > Connections > Hosts, choose the host, ` +
          `'Set up host', and enter a GitLab personal access token with the api scope (of an administrator). Then complete ` +
          `the connection handshake at`
        : `Complete the handshake at`) +
      ` ${props.connection.consoleUrl} ('Update pending connection'), signed in to GitLab as ` +
      `a user with the Owner role on each of these projects; then run cdktf deploy again.`;
    const error =
      `The GitLab connection ${props.connection.name} is in ERROR: GitLab no longer accepts its authorization (revoked, ` +
      `or the user who authorized it lost the Owner role or left the group). The pipelines of ${projects} are kept, with ` +
      `their history, and nothing is changed by this plan, but pushes do not start them and their source actions fail ` +
      `until it is repaired: open ${props.connection.consoleUrl}, choose 'Update pending connection' and authorize again ` +
      `as a GitLab user with the Owner role on each of these projects.`;
    const message = Token.asString(Fn.conditional(Op.eq(read.connectionStatus, "ERROR"), error, pending));
    this.nextStep = Token.asString(Fn.conditional(this.available, "none: the connection is AVAILABLE", message));
    // Not an error: the first deploy must go on and create everything else.
    TerraformStack.of(this).addOverride(`check.${id.replace(/[^A-Za-z0-9_]/g, "_")}_handshake`, {
      assert: [{ condition: Token.asString(this.available), error_message: message }],
    });
  }
}

/** Sorted (so project order in the config changes nothing), and short for big stacks. */
function listProjects(paths: readonly string[], max = 10): string {
  const sorted = [...paths].sort();
  if (sorted.length <= max) return sorted.join(", ");
  return `${sorted.slice(0, max).join(", ")} and ${sorted.length - max} more`;
}
