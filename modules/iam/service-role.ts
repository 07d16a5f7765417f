import { DataAwsIamPolicyDocument, DataAwsIamPolicyDocumentStatement } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { Op, TerraformStack, Token } from "cdktf";
import { Construct } from "constructs";
import { parseRoleReference, RoleReference } from "./role-reference";

export interface ServiceRoleProps {
  /** Role name (at most 64 characters). */
  readonly name: string;
  /** Service principal allowed to assume the role, e.g. `codebuild.amazonaws.com`. */
  readonly service: string;
  /** Account id (token) the service must act for: guards against the confused deputy. */
  readonly accountId: string;
  /** @default - none beyond the provider's default tags */
  readonly tags?: Record<string, string>;
  /**
   * Add the grants to this existing role instead of creating one: for adopted pipelines,
   * whose own role keeps what their other stages need. Its name, with its IAM path when that
   * is not "/" (`service-role/AWSCodePipelineServiceRole-eu-west-1-app`: the console's
   * roles live under /service-role/), or its ARN; a role named by ARN must be in the stack's
   * account (a plan-time precondition says so otherwise).
   * @default - a new role
   */
  readonly existingRoleName?: string;
  /**
   * Require aws:SourceAccount in the trust policy (confused-deputy guard).
   * @default true
   */
  readonly sourceAccountCondition?: boolean;
}

/** One least-privilege grant: named actions on named resources, never `*` actions. */
export interface Grant {
  /** Statement id: letters and digits only. */
  readonly sid: string;
  readonly actions: readonly string[];
  readonly resources: readonly string[];
  /** @default - no condition */
  readonly conditions?: ReadonlyArray<{ test: string; variable: string; values: readonly string[] }>;
}

/**
 * An IAM role for an AWS service, with one inline policy built from the grants other
 * modules add (`addGrant`), written with the aws_iam_policy_document data source.
 */
export class ServiceRole extends Construct {
  /** The role created, unless an existing one was named. */
  readonly role?: IamRole;
  /** Token for the role ARN. */
  readonly arn: string;
  private readonly statements: DataAwsIamPolicyDocumentStatement[] = [];
  private readonly policyDocument: DataAwsIamPolicyDocument;

  constructor(scope: Construct, id: string, props: ServiceRoleProps) {
    super(scope, id);
    this.policyDocument = new DataAwsIamPolicyDocument(this, "PolicyDocument", { statement: [] });
    if (props.existingRoleName) {
      const existing = this.existingRole(props.existingRoleName);
      const accountId = existing.accountId ?? props.accountId;
      // Connections are not offered in the China and GovCloud partitions, so "aws" it is.
      this.arn = `arn:aws:iam::${accountId}:role${existing.path}${existing.name}`;
      new IamRolePolicy(this, "Policy", {
        name: "gitlab-aws-delivery",
        // PutRolePolicy takes the role's name alone; the path is only part of its ARN.
        role: existing.name,
        policy: this.policyDocument.json,
        lifecycle: existing.accountId
          ? {
              precondition: [
                {
                  condition: Op.eq(props.accountId, existing.accountId),
                  errorMessage: `The existing role ${this.arn} is in account ${existing.accountId}, but this stack deploys to account ${props.accountId}; a service role serves its own account only: name the role of account ${props.accountId}.`,
                },
              ],
            }
          : undefined,
      });
      return;
    }
    const trust = trustPolicy(this, props.service, props.accountId, props.sourceAccountCondition ?? true);
    this.role = new IamRole(this, "Resource", {
      name: props.name,
      assumeRolePolicy: trust.json,
      tags: props.tags,
    });
    this.arn = this.role.arn;
    new IamRolePolicy(this, "Policy", {
      name: "least-privilege",
      role: this.role.id,
      policy: this.policyDocument.json,
    });
  }

  /** The role an adopted pipeline keeps, read from its name, path-qualified name or ARN. */
  private existingRole(text: string): RoleReference {
    // A token (a role made elsewhere in the app) is taken as a name without path.
    if (Token.isUnresolved(text)) return { name: text, path: "/" };
    const role = parseRoleReference(text);
    if ("problem" in role) throw new Error(`${this.node.path}: existingRoleName ${JSON.stringify(text)} ${role.problem}`);
    return role;
  }

  addGrant(grant: Grant): void {
    if (!/^[A-Za-z0-9]+$/.test(grant.sid)) throw new Error(`${this.node.path}: statement id "${grant.sid}" must be alphanumeric`);
    const wildcard = grant.actions.find((a) => a.includes("*"));
    if (wildcard) throw new Error(`${this.node.path}: grant ${grant.sid} uses the wildcard action "${wildcard}"; name each action`);
    if (this.statements.some((s) => s.sid === grant.sid)) throw new Error(`${this.node.path}: duplicate statement id "${grant.sid}"`);
    this.statements.push({
      sid: grant.sid,
      effect: "Allow",
      actions: [...grant.actions],
      resources: [...grant.resources],
      condition: grant.conditions?.map((c) => ({ test: c.test, variable: c.variable, values: [...c.values] })),
    });
    this.policyDocument.putStatement(this.statements);
  }
}

/**
 * The trust policy for a service, one per stack and service: every role of that service
 * in the stack trusts it the same way, so it is declared once.
 */
function trustPolicy(scope: Construct, service: string, accountId: string, sourceAccount: boolean): DataAwsIamPolicyDocument {
  const stack = TerraformStack.of(scope);
  const id = `Trust-${service.split(".")[0]}${sourceAccount ? "" : "-unconditioned"}`;
  const existing = stack.node.tryFindChild(id);
  if (existing) return existing as DataAwsIamPolicyDocument;
  return new DataAwsIamPolicyDocument(stack, id, {
    statement: [
      {
        effect: "Allow",
        actions: ["sts:AssumeRole"],
        principals: [{ type: "Service", identifiers: [service] }],
        condition: sourceAccount ? [{ test: "StringEquals", variable: "aws:SourceAccount", values: [accountId] }] : undefined,
      },
    ],
  });
}
