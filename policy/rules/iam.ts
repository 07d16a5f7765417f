import { CI_POLICY_FOLDER } from "../../modules/oidc/gitlab-ci-oidc";
import { asList, blocks, blocksOf, isRefTo, policyDocument, refTarget } from "../refs";
import { Finding, Rule, StackJson } from "../types";

/**
 * Actions AWS only authorizes on `*`: the one place a `*` resource is accepted, each with
 * its reason. A module that needs another adds it here, reviewed.
 */
export const WILDCARD_RESOURCE_ALLOWED: Readonly<Record<string, string>> = {
  "sts:GetCallerIdentity": "takes no resource",
  "codeconnections:ListConnections": "list APIs take no resource ARN",
  "codeconnections:ListHosts": "list APIs take no resource ARN",
  "codestar-notifications:ListNotificationRules": "list APIs take no resource ARN",
  "cloudformation:ValidateTemplate": "validates a template, not a stack: it takes no resource",
  "cloudformation:GetTemplateSummary": "summarizes a template before any stack exists",
  // A runner in a VPC (modules/runners): CodeBuild looks up the network it places builds in.
  "ec2:DescribeDhcpOptions": "EC2 Describe APIs take no resource ARN",
  "ec2:DescribeNetworkInterfaces": "EC2 Describe APIs take no resource ARN",
  "ec2:DescribeSecurityGroups": "EC2 Describe APIs take no resource ARN",
  "ec2:DescribeSubnets": "EC2 Describe APIs take no resource ARN",
  "ec2:DescribeVpcs": "EC2 Describe APIs take no resource ARN",
  // CloudFormation Git sync (modules/git-sync) lists stacks before it syncs one.
  "cloudformation:ListStacks": "list APIs take no resource ARN",
};

/**
 * Actions accepted on `*` only together with a condition that narrows them, each with its reason.
 */
export const WILDCARD_RESOURCE_WITH_CONDITION: Readonly<Record<string, { variable: string; reason: string }>> = {
  "s3:GetObject": {
    variable: "s3:ExistingObjectTag/servicecatalog:provisioning",
    reason: "Service Catalog keeps product templates in buckets of its own that have no name we know; the tag it sets limits the grant to them",
  },
  "events:PutRule": {
    variable: "events:ManagedBy",
    reason: "CloudFormation Git sync makes EventBridge rules with names we do not know; only rules managed by the Git sync service",
  },
  "events:PutTargets": {
    variable: "events:ManagedBy",
    reason: "the targets of those Git sync managed rules",
  },
};

/** Whether a `*`-resource statement is one of the accepted cases. */
function wildcardResourceAccepted(s: StackJson): boolean {
  const actions = asList<string>(s.actions);
  if (actions.every((a) => a in WILDCARD_RESOURCE_ALLOWED)) return true;
  return actions.every((a) => {
    const needed = WILDCARD_RESOURCE_WITH_CONDITION[a];
    return needed !== undefined && asList(s.condition).some((c: any) => c.variable === needed.variable);
  });
}

const CONNECTION_TYPES = ["aws_codeconnections_connection", "aws_codestarconnections_connection"];
const USE_CONNECTION = ["codeconnections:UseConnection", "codestar-connections:UseConnection"];

/** Addresses of the policy documents used as KMS key policies, where the resource `*` means the key itself. */
function keyPolicyDocuments(stack: StackJson): Set<string> {
  return new Set(
    blocks(stack, "aws_kms_key")
      .map(([, k]) => refTarget(k.policy, ["aws_iam_policy_document"], ["json", "minified_json"]))
      .filter((t): t is string => t !== undefined),
  );
}

/** Allow statements of every policy document, with the document's address. */
function allowStatements(stack: StackJson): Array<[string, StackJson]> {
  return blocks(stack, "aws_iam_policy_document", "data").flatMap(([address, doc]) =>
    asList(doc.statement)
      .filter((s: any) => (s.effect ?? "Allow") === "Allow")
      .map((s: any) => [address, s] as [string, StackJson]),
  );
}

function sid(s: StackJson): string {
  return s.sid ? ` (statement ${s.sid})` : "";
}

export const iamRules: Rule[] = [
  {
    id: "GAD-IAM-1",
    title: "No wildcard action in an Allow (cdk-nag IAM5)",
    check: (stack) =>
      allowStatements(stack).flatMap(([address, s]) =>
        asList(s.actions)
          .filter((a: string) => a.includes("*"))
          .map((a: string) => ({
            rule: "GAD-IAM-1",
            address,
            message: `allows the wildcard action "${a}"${sid(s)}`,
            fix: "name each action the service needs",
          })),
      ),
  },
  {
    id: "GAD-IAM-2",
    title: "No * resource, except for actions AWS authorizes only on * (listed with reasons) and in key policies (where * is the key)",
    check: (stack) => {
      const keyPolicies = keyPolicyDocuments(stack);
      return allowStatements(stack)
        .filter(([address]) => !keyPolicies.has(address))
        .filter(([, s]) => asList(s.resources).includes("*"))
        .filter(([, s]) => !wildcardResourceAccepted(s))
        .map(([address, s]) => ({
          rule: "GAD-IAM-2",
          address,
          message: `allows ${asList(s.actions).join(", ")} on "*"${sid(s)}`,
          fix: "scope the resources to the ARNs of this stack (or list the action in WILDCARD_RESOURCE_ALLOWED with the reason)",
        }));
    },
  },
  {
    id: "GAD-IAM-3",
    title: "UseConnection only on this stack's connection",
    check: (stack) =>
      allowStatements(stack)
        .filter(([, s]) => asList(s.actions).some((a: string) => USE_CONNECTION.includes(a)))
        .filter(([, s]) => {
          const resources = asList(s.resources);
          return resources.length === 0 || !resources.every((r) => isRefTo(r, CONNECTION_TYPES, ["arn", "id"]) || isRemoteConnectionRef(r));
        })
        .map(([address, s]) => ({
          rule: "GAD-IAM-3",
          address,
          message: `grants UseConnection on ${JSON.stringify(asList(s.resources))}${sid(s)}`,
          fix: "grant it on the connection construct's ARN only (GitlabConnection.grantUse)",
        })),
  },
  {
    id: "GAD-IAM-4",
    // Relaxed for roles the config names itself (a CloudFormation execution role): a literal
    // role ARN is accepted, still only with iam:PassedToService.
    title: "iam:PassRole only for this stack's roles or roles the config names, always with iam:PassedToService",
    check: (stack) =>
      allowStatements(stack)
        .filter(([, s]) => asList(s.actions).includes("iam:PassRole"))
        .filter(
          ([, s]) =>
            asList(s.resources).length === 0 ||
            !asList(s.resources).every((r) => isRefTo(r, ["aws_iam_role"], ["arn"]) || /^arn:aws:iam::\d{12}:role\/[\w+=,.@\/-]+$/.test(String(r))) ||
            !asList(s.condition).some((c: any) => c.variable === "iam:PassedToService"),
        )
        .map(([address, s]) => ({
          rule: "GAD-IAM-4",
          address,
          message: `passes roles ${JSON.stringify(asList(s.resources))} without being limited to this stack's roles and a service${sid(s)}`,
          fix: "list aws_iam_role.<role>.arn resources and add a StringEquals iam:PassedToService condition",
        })),
  },
  {
    id: "GAD-IAM-5",
    title: "Policies come from aws_iam_policy_document, never hand-built JSON",
    check: (stack) => {
      const findings: Finding[] = [];
      for (const [address, p] of blocksOf(stack, [
        "aws_iam_role_policy",
        "aws_iam_policy",
        "aws_s3_bucket_policy",
        "aws_kms_key",
        "aws_secretsmanager_secret_policy",
      ])) {
        // The CI roles' documents are computed from the synthesized stacks and written beside the
        // shared stack (report/ci-policies.ts, checked there: named actions only).
        if (p.policy !== undefined && !policyDocument(stack, p.policy) && !CI_POLICY_TEMPLATE.test(String(p.policy))) {
          findings.push({
            rule: "GAD-IAM-5",
            address,
            message: "policy is not a reference to an aws_iam_policy_document",
            fix: "build it with the aws_iam_policy_document data source",
          });
        }
      }
      for (const [address, r] of blocks(stack, "aws_iam_role")) {
        if (!policyDocument(stack, r.assume_role_policy)) {
          findings.push({
            rule: "GAD-IAM-5",
            address,
            message: "assume_role_policy is not a reference to an aws_iam_policy_document",
            fix: "build it with the aws_iam_policy_document data source",
          });
        }
      }
      return findings;
    },
  },
];

const CI_POLICY_TEMPLATE = new RegExp(
  `^\\$\\{templatefile\\(format\\("%s/${CI_POLICY_FOLDER}/%s", path\\.module, each\\.key\\), \\{"account_id" = data\\.aws_caller_identity\\.[\\w-]+\\.account_id\\}\\)\\}$`,
);

/** A connection ARN read from another stack of this app (cdktf cross-stack reference). */
function isRemoteConnectionRef(value: unknown): boolean {
  return (
    typeof value === "string" &&
    /^\$\{data\.terraform_remote_state\.[\w-]+\.outputs\.[\w-]*connection[\w-]*\}$/i.test(value) &&
    refTarget(value, [], []) === undefined
  );
}
