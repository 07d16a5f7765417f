import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { Fn, Op, TerraformStack, Token } from "cdktf";
import { Construct } from "constructs";
import { ConstructError } from "../core/construct-error";
import { StackEnv } from "../core/stack-env";
import { Grant, IRoleGrantee } from "./grantee";
import { GrantStatements } from "./private/grant-statements";
import { parseRoleReference, RoleReference } from "../core/rules/role-reference";

export interface ServiceRoleProps {
  /** Role name (at most 64 characters). */
  readonly name: string;
  /** Service principal allowed to assume the role, e.g. `codebuild.amazonaws.com`. */
  readonly service: string;
  /** Tags of the role. @default - none beyond the provider's default tags */
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

export interface ImportedRoleOptions {
  /**
   * Name of the inline policy the grants go into. Two imports of one role in one stack
   * need different names (or share one grantee): each writes its whole policy.
   * @default "gitlab-aws-delivery"
   */
  readonly policyName?: string;
}

/**
 * An IAM role for an AWS service, with one inline policy built from the grants other
 * modules add (`addGrant`), written with the aws_iam_policy_document data source.
 */
export class ServiceRole extends Construct implements IRoleGrantee {
  /**
   * An existing role, by ARN, as a grantee: the grants given to it go into one inline
   * policy on that role (PutRolePolicy; the role itself is not managed here). The role
   * must be in the account the stack deploys to.
   */
  static fromArn(scope: Construct, id: string, arn: string, options: ImportedRoleOptions = {}): IRoleGrantee {
    return new ImportedRole(scope, id, arn, options.policyName ?? "gitlab-aws-delivery");
  }

  /** The role created, unless an existing one was named. */
  readonly role?: IamRole;
  /** Token for the role ARN. */
  readonly arn: string;
  private readonly statements: GrantStatements;
  private readonly policyDocument: DataAwsIamPolicyDocument;

  constructor(scope: Construct, id: string, props: ServiceRoleProps) {
    super(scope, id);
    this.statements = new GrantStatements(this);
    this.policyDocument = this.statements.document;
    if (props.existingRoleName) {
      const existing = this.existingRole(props.existingRoleName);
      const env = StackEnv.of(this);
      this.arn = env.arn("iam", `role${existing.path}${existing.name}`, { region: "", account: existing.accountId ?? env.account });
      new IamRolePolicy(this, "Policy", {
        name: "gitlab-aws-delivery",
        // PutRolePolicy takes the role's name alone; the path is only part of its ARN.
        role: existing.name,
        policy: this.policyDocument.json,
        lifecycle: existing.accountId
          ? {
              precondition: [
                {
                  condition: Op.eq(env.account, existing.accountId),
                  errorMessage: `The existing role ${this.arn} is in account ${existing.accountId}, but this stack deploys to account ${env.account}; a service role serves its own account only: name the role of account ${env.account}.`,
                },
              ],
            }
          : undefined,
      });
      return;
    }
    const trust = trustPolicy(this, props.service, props.sourceAccountCondition ?? true);
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
    if ("problem" in role) throw new ConstructError(this, `existingRoleName ${JSON.stringify(text)} ${role.problem}`);
    return role;
  }

  /** Adds a statement to the role's inline policy; a repeated grant merges (see `Grant.sid`). */
  addGrant(grant: Grant): void {
    this.statements.add(grant);
  }
}

/** Inline policies written on imported roles, per stack: `<role name>/<policy name>`. */
const importedPolicies = new WeakMap<TerraformStack, Set<string>>();

/** An existing role named by ARN, which gets the grants in one inline policy. */
class ImportedRole extends Construct implements IRoleGrantee {
  readonly arn: string;
  private readonly statements: GrantStatements;

  constructor(scope: Construct, id: string, arn: string, policyName: string) {
    super(scope, id);
    this.arn = arn;
    this.statements = new GrantStatements(this);
    let name: string;
    if (Token.isUnresolved(arn)) {
      // PutRolePolicy takes the name alone: the last segment of the ARN's resource path.
      name = Fn.element(Fn.reverse(Fn.split("/", arn)), 0);
    } else {
      const role = parseRoleReference(arn);
      if ("problem" in role) throw new ConstructError(this, `role ARN ${JSON.stringify(arn)} ${role.problem}`);
      if (role.accountId === undefined)
        throw new ConstructError(this, `${JSON.stringify(arn)} is not a role ARN; write "arn:<partition>:iam::<account>:role/<path/>name"`);
      name = role.name;
      const stack = TerraformStack.of(this);
      const written = importedPolicies.get(stack) ?? new Set<string>();
      importedPolicies.set(stack, written);
      if (written.has(`${name}/${policyName}`)) {
        throw new ConstructError(
          this,
          `the role ${arn} is already imported in this stack with the inline policy "${policyName}"; pass the first grantee around, or give this one another policyName`,
        );
      }
      written.add(`${name}/${policyName}`);
    }
    new IamRolePolicy(this, "Policy", { name: policyName, role: name, policy: this.statements.document.json });
  }

  addGrant(grant: Grant): void {
    this.statements.add(grant);
  }
}

/** The service each shared trust policy admits (ids are short, so two services could share one). */
const trustedService = new WeakMap<DataAwsIamPolicyDocument, string>();

/**
 * The trust policy for a service, one per stack and service: every role of that service
 * in the stack trusts it the same way, so it is declared once.
 */
function trustPolicy(scope: Construct, service: string, sourceAccount: boolean): DataAwsIamPolicyDocument {
  const stack = TerraformStack.of(scope);
  const suffix = sourceAccount ? "" : "-unconditioned";
  let id = `Trust-${service.split(".")[0]}${suffix}`;
  let existing = stack.node.tryFindChild(id) as DataAwsIamPolicyDocument | undefined;
  // cloudformation.amazonaws.com and cloudformation.sync.codeconnections.amazonaws.com share
  // a first label: the second one to come takes an id of its whole name.
  if (existing && trustedService.get(existing) !== service) {
    id = `Trust-${service.replace(/\./g, "-")}${suffix}`;
    existing = stack.node.tryFindChild(id) as DataAwsIamPolicyDocument | undefined;
  }
  if (existing) return existing;
  const doc = new DataAwsIamPolicyDocument(stack, id, {
    statement: [
      {
        effect: "Allow",
        actions: ["sts:AssumeRole"],
        principals: [{ type: "Service", identifiers: [service] }],
        condition: sourceAccount ? [{ test: "StringEquals", variable: "aws:SourceAccount", values: [StackEnv.of(scope).account] }] : undefined,
      },
    ],
  });
  trustedService.set(doc, service);
  return doc;
}
