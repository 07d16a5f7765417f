/*
 * Deployer statements for the optional parts of a config: explicit key policies,
 * notification topics and rules, Service Catalog, and CloudFormation stacks (synced
 * products). Each appears only when the synthesized stacks contain it; the statements that
 * delete what AWS Proton templates left behind appear while a project has a proton section.
 */
import { projectBaseName } from "../config/naming";
import type { DeliveryConfig } from "../config/schema";
import { awsName } from "../modules/core/rules/aws-name";
import { capabilityStatements } from "./deployer-capabilities";
import type { PolicyStatement } from "./policy-statement";
import { all, Json, literal, names, referenced } from "./synthesized";

export function extraStatements(stacks: readonly Json[], arn: (service: string, resource: string) => string, account: string): PolicyStatement[] {
  const out: PolicyStatement[] = [];
  out.push(...ciOidcStatements(stacks, account));
  out.push(...capabilityStatements(stacks, arn, account));
  if (all(stacks, "aws_kms_key").some((k) => k.policy !== undefined)) {
    out.push({ Sid: "KeyPolicies", Effect: "Allow", Action: ["kms:PutKeyPolicy"], Resource: [arn("kms", "key/*")] });
  }
  const topics = names(stacks, "aws_sns_topic", "name");
  if (topics.length > 0) {
    out.push({
      Sid: "NotificationTopics",
      Effect: "Allow",
      Action: [
        "sns:CreateTopic",
        "sns:DeleteTopic",
        "sns:GetSubscriptionAttributes",
        "sns:GetTopicAttributes",
        "sns:ListTagsForResource",
        "sns:SetTopicAttributes",
        "sns:Subscribe",
        "sns:TagResource",
        "sns:Unsubscribe",
      ],
      Resource: topics.map((t) => arn("sns", t)),
    });
    out.push({
      Sid: "NotificationRules",
      Effect: "Allow",
      Action: [
        "codestar-notifications:CreateNotificationRule",
        "codestar-notifications:DeleteNotificationRule",
        "codestar-notifications:DescribeNotificationRule",
        "codestar-notifications:ListTagsForResource",
        "codestar-notifications:Subscribe",
        "codestar-notifications:TagResource",
        "codestar-notifications:Unsubscribe",
        "codestar-notifications:UpdateNotificationRule",
      ],
      Resource: [arn("codestar-notifications", "notificationrule/*")],
    });
  }
  if (all(stacks, "aws_servicecatalog_portfolio").length > 0) {
    // Service Catalog's create, association and constraint APIs take no resource ARN.
    out.push({
      Sid: "ServiceCatalog",
      Effect: "Allow",
      Action: [
        "servicecatalog:AssociatePrincipalWithPortfolio",
        "servicecatalog:AssociateProductWithPortfolio",
        "servicecatalog:CreateConstraint",
        "servicecatalog:CreatePortfolio",
        "servicecatalog:CreateProduct",
        "servicecatalog:DeleteConstraint",
        "servicecatalog:DeletePortfolio",
        "servicecatalog:DeleteProduct",
        "servicecatalog:DescribeConstraint",
        "servicecatalog:DescribePortfolio",
        "servicecatalog:DescribeProductAsAdmin",
        "servicecatalog:DescribeProvisioningArtifact",
        "servicecatalog:DisassociatePrincipalFromPortfolio",
        "servicecatalog:DisassociateProductFromPortfolio",
        "servicecatalog:ListPrincipalsForPortfolio",
        "servicecatalog:SearchProductsAsAdmin",
        "servicecatalog:UpdateConstraint",
        "servicecatalog:UpdatePortfolio",
        "servicecatalog:UpdateProduct",
      ],
      Resource: ["*"],
    });
    const launchRoles = [...new Set(launchRoleArns(stacks, account))].sort();
    if (launchRoles.length > 0) {
      out.push({
        Sid: "PassLaunchRoles",
        Effect: "Allow",
        Action: ["iam:PassRole"],
        Resource: launchRoles,
        Condition: { StringEquals: { "iam:PassedToService": ["servicecatalog.amazonaws.com"] } },
      });
    }
  }
  const objects = all(stacks, "aws_s3_object")
    .map((o) => o.key)
    .filter(literal);
  if (objects.length > 0) {
    const prefixes = names(stacks, "aws_s3_bucket", "bucket_prefix");
    const folders = [...new Set(objects.map((k) => k.split("/")[0]))].sort();
    out.push({
      Sid: "PlaceholderTemplates",
      Effect: "Allow",
      Action: ["s3:DeleteObject", "s3:GetObject", "s3:GetObjectTagging", "s3:PutObject"],
      Resource: prefixes.flatMap((p) => folders.map((f) => `arn:aws:s3:::${p}*/${f}/*`)),
    });
    // The artifact bucket encrypts with its key, so writing and reading the object uses it.
    out.push({ Sid: "PlaceholderEncryption", Effect: "Allow", Action: ["kms:Decrypt", "kms:GenerateDataKey"], Resource: [arn("kms", "key/*")] });
  }
  const cfnStacks = names(stacks, "aws_cloudformation_stack", "name");
  if (cfnStacks.length > 0) {
    out.push({
      Sid: "CatalogStacks",
      Effect: "Allow",
      Action: [
        "cloudformation:CreateStack",
        "cloudformation:DeleteStack",
        "cloudformation:DescribeStackEvents",
        "cloudformation:DescribeStacks",
        "cloudformation:GetTemplate",
        "cloudformation:UpdateStack",
      ],
      Resource: cfnStacks.map((s) => arn("cloudformation", `stack/${s}/*`)),
    });
  }
  return out;
}

/**
 * The roles the Service Catalog launch constraints name: an ARN as given, or a role of the
 * constraint's own stack (`${aws_iam_role.<name>.arn}`) by its name.
 */
function launchRoleArns(stacks: readonly Json[], account: string): string[] {
  return stacks.flatMap((stack) =>
    Object.values<Json>(stack.resource?.aws_servicecatalog_constraint ?? {}).flatMap((constraint) => {
      const role: unknown = JSON.parse(constraint.parameters).RoleArn;
      if (literal(role)) return [role];
      const name = referenced(stack, role, "aws_iam_role", "arn")?.name;
      return literal(name) ? [`arn:aws:iam::${account}:role/${name}`] : [];
    }),
  );
}

/**
 * The CI roles and their managed policies (ci.oidc), as ARNs in `account`: the roles are
 * those the stacks attach managed policies to, the policies are the managed policies the
 * stacks create (the CI roles' only ones). Whoever applies the shared stack manages them;
 * the CI apply role never may (report/ci-policies.ts).
 */
export function ciIdentities(stacks: readonly Json[], account: string): { roles: string[]; policies: string[] } {
  const roles = stacks.flatMap((stack) =>
    Object.values<Json>(stack.resource?.aws_iam_role_policy_attachment ?? {}).map((a) => referenced(stack, a.role, "aws_iam_role", "name")?.name),
  );
  // Their names end in the document they hold (`…-ci-apply-${…}`): matched by prefix.
  const policies = all(stacks, "aws_iam_policy")
    .map((p) => p.name)
    .filter((n): n is string => typeof n === "string")
    .map((n) => n.replace(/\$\{.*$/, "*"));
  return {
    roles: [...new Set(roles.filter(literal))].sort().map((r) => `arn:aws:iam::${account}:role/${r}`),
    policies: [...new Set(policies)].sort().map((n) => `arn:aws:iam::${account}:policy/${n}`),
  };
}

/**
 * Before AWS ended Proton, a proton section created a CloudFormation stack of Proton
 * templates and a CodeBuild project (with its role, log group and report group) that
 * published them. The state of such a project still holds them, and the next apply deletes
 * them: the deployer may read and delete those, by the names that version gave them.
 */
export function retiredProtonStatements(config: DeliveryConfig, arn: (service: string, resource: string) => string, account: string): PolicyStatement[] {
  const bases = config.projects.filter((p) => p.proton).map((p) => projectBaseName(p.path, p.name));
  if (bases.length === 0) return [];
  const builds = bases.map((base) => awsName(base, "proton", 100));
  return [
    {
      Sid: "RetiredProtonStacks",
      Effect: "Allow",
      Action: ["cloudformation:DeleteStack", "cloudformation:DescribeStackEvents", "cloudformation:DescribeStacks", "cloudformation:GetTemplate"],
      Resource: bases.map((base) => arn("cloudformation", `stack/${awsName(base, "proton", 128)}/*`)),
    },
    {
      Sid: "RetiredProtonBuilds",
      Effect: "Allow",
      Action: [
        "codebuild:BatchGetProjects",
        "codebuild:BatchGetReportGroups",
        "codebuild:DeleteProject",
        "codebuild:DeleteReportGroup",
        "iam:DeleteRole",
        "iam:DeleteRolePolicy",
        "iam:GetRole",
        "iam:GetRolePolicy",
        "iam:ListAttachedRolePolicies",
        "iam:ListInstanceProfilesForRole",
        "iam:ListRolePolicies",
        "logs:DeleteLogGroup",
        "logs:ListTagsForResource",
      ],
      Resource: builds.flatMap((build) => [
        arn("codebuild", `project/${build}`),
        arn("codebuild", `report-group/${build}-tests`),
        `arn:aws:iam::${account}:role/${awsName(build, "build", 64)}`,
        arn("logs", `log-group:/aws/codebuild/${build}`),
      ]),
    },
  ];
}

/**
 * The CI OIDC provider, the CI roles' managed policies and their attachments (ci.oidc): for
 * whoever applies the shared stack. Sids start with "CiOidc": the CI apply role never gets
 * them (report/ci-policies.ts), so it cannot widen its own rights.
 */
function ciOidcStatements(stacks: readonly Json[], account: string): PolicyStatement[] {
  const providers = names(stacks, "aws_iam_openid_connect_provider", "url").map((u) => u.replace(/^https:\/\//, ""));
  if (providers.length === 0) return [];
  const { roles, policies } = ciIdentities(stacks, account);
  return [
    {
      Sid: "CiOidcProvider",
      Effect: "Allow",
      Action: [
        "iam:AddClientIDToOpenIDConnectProvider",
        "iam:CreateOpenIDConnectProvider",
        "iam:DeleteOpenIDConnectProvider",
        "iam:GetOpenIDConnectProvider",
        "iam:RemoveClientIDFromOpenIDConnectProvider",
        "iam:TagOpenIDConnectProvider",
        "iam:UntagOpenIDConnectProvider",
        "iam:UpdateOpenIDConnectProviderThumbprint",
      ],
      Resource: providers.map((p) => `arn:aws:iam::${account}:oidc-provider/${p}`),
    },
    {
      Sid: "CiOidcPolicies",
      Effect: "Allow",
      Action: [
        "iam:CreatePolicy",
        "iam:CreatePolicyVersion",
        "iam:DeletePolicy",
        "iam:DeletePolicyVersion",
        "iam:GetPolicy",
        "iam:GetPolicyVersion",
        "iam:ListPolicyVersions",
        "iam:TagPolicy",
        "iam:UntagPolicy",
      ],
      Resource: policies,
    },
    {
      Sid: "CiOidcAttachments",
      Effect: "Allow",
      Action: ["iam:AttachRolePolicy", "iam:DetachRolePolicy"],
      Resource: roles,
      Condition: { ArnLike: { "iam:PolicyARN": policies } },
    },
  ];
}
