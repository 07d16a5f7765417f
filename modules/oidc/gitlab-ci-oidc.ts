import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { IamOpenidConnectProvider } from "@cdktf/provider-aws/lib/iam-openid-connect-provider";
import { IamPolicy } from "@cdktf/provider-aws/lib/iam-policy";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import { Fn, ref, TerraformStack } from "cdktf";
import { Construct } from "constructs";
import { StackEnv } from "../core/stack-env";

/** The audience GitLab's ID token must carry for AWS STS (`id_tokens: …: aud:`). */
export const STS_AUDIENCE = "sts.amazonaws.com";
/** Folder, beside the stack's cdk.tf.json, that holds the roles' policy documents. */
export const CI_POLICY_FOLDER = "ci-policies";

export interface GitlabCiOidcProps {
  /** URL of the GitLab instance that issues the CI ID tokens (`https://gitlab.com` or a self-managed URL). */
  readonly issuerUrl: string;
  /** Full path of the GitLab project whose pipelines run plan and apply. */
  readonly project: string;
  /** The only branch whose pipelines may assume the apply role. */
  readonly applyBranch: string;
  /** Role names: `<prefix>-ci-plan` and `<prefix>-ci-apply`. */
  readonly namePrefix: string;
}

/**
 * GitLab CI → AWS through OIDC, with no long-lived keys: the IAM OIDC provider of the GitLab
 * instance, a **plan role** any pipeline of the project may assume (merge requests and
 * branches: read-only policies), and an **apply role** only pipelines of the apply branch may
 * assume. Both require `aud` = sts.amazonaws.com.
 *
 * Their policies are documents the app writes beside the stack after synthesis
 * (`ci-policies/plan-N.json`, `apply-N.json`), since they are computed from every stack of
 * the app; Terraform reads them with `fileset`/`templatefile`, one managed policy each
 * (a role's inline policy would hold 10 KB, a fleet needs more).
 * @see https://docs.gitlab.com/ci/cloud_services/aws/
 */
export class GitlabCiOidc extends Construct {
  readonly provider: IamOpenidConnectProvider;
  readonly planRole: IamRole;
  readonly applyRole: IamRole;

  constructor(scope: Construct, id: string, props: GitlabCiOidcProps) {
    super(scope, id);
    const url = new URL(props.issuerUrl);
    // IAM names the condition keys after the provider URL without its scheme.
    const issuer = `${url.host}${url.pathname.replace(/\/+$/, "")}`;
    this.provider = new IamOpenidConnectProvider(this, "Provider", {
      url: `https://${issuer}`,
      clientIdList: [STS_AUDIENCE],
    });
    const trust = (name: string, test: "StringEquals" | "StringLike", subject: string) =>
      new DataAwsIamPolicyDocument(this, `${name}Trust`, {
        statement: [
          {
            sid: "GitlabCiIdToken",
            effect: "Allow",
            actions: ["sts:AssumeRoleWithWebIdentity"],
            principals: [{ type: "Federated", identifiers: [this.provider.arn] }],
            condition: [
              { test: "StringEquals", variable: `${issuer}:aud`, values: [STS_AUDIENCE] },
              { test, variable: `${issuer}:sub`, values: [subject] },
            ],
          },
        ],
      });
    // GitLab's sub claim: project_path:<path>:ref_type:<branch|tag>:ref:<name>.
    const planTrust = trust("Plan", "StringLike", `project_path:${props.project}:ref_type:branch:ref:*`);
    const applyTrust = trust("Apply", "StringEquals", `project_path:${props.project}:ref_type:branch:ref:${props.applyBranch}`);
    this.planRole = new IamRole(this, "PlanRole", {
      name: `${props.namePrefix}-ci-plan`,
      description: `Read-only plans of gitlab-aws-delivery from any pipeline of ${props.project}`,
      assumeRolePolicy: planTrust.json,
      maxSessionDuration: 3600,
    });
    this.applyRole = new IamRole(this, "ApplyRole", {
      name: `${props.namePrefix}-ci-apply`,
      description: `Applies of gitlab-aws-delivery from ${props.project}, branch ${props.applyBranch} only`,
      assumeRolePolicy: applyTrust.json,
      maxSessionDuration: 3600,
    });
    this.attachPolicies("Plan", "plan", this.planRole, props);
    this.attachPolicies("Apply", "apply", this.applyRole, props);
  }

  /** One managed policy per document the app wrote for this role, attached to it. */
  private attachPolicies(id: string, kind: string, role: IamRole, props: GitlabCiOidcProps): void {
    const stack = TerraformStack.of(this);
    const policy = new IamPolicy(this, `${id}Policies`, {
      name: `${props.namePrefix}-ci-${kind}-\${trimsuffix(each.key, ".json")}`,
      description: `gitlab-aws-delivery CI ${kind} permissions (${CI_POLICY_FOLDER}/\${each.key})`,
      // path.module and each.key as references: a literal "${…}" inside a function argument would be escaped.
      policy: Fn.templatefile(Fn.format(`%s/${CI_POLICY_FOLDER}/%s`, [ref("path.module", stack), ref("each.key", stack)]), {
        account_id: StackEnv.of(this).account,
      }),
    });
    policy.addOverride("for_each", `\${fileset("\${path.module}/${CI_POLICY_FOLDER}", "${kind}-*.json")}`);
    const attachment = new IamRolePolicyAttachment(this, `${id}Attachments`, {
      role: role.name,
      policyArn: "${each.value.arn}",
    });
    attachment.addOverride("for_each", `\${${policy.terraformResourceType}.${stack.getLogicalId(policy)}}`);
  }
}
