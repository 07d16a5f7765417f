/*
 * The IAM policy a deployer (workstation user, CI role, Terraform Cloud workspace role)
 * needs to plan and apply the synthesized stacks of a config: each statement scoped to the
 * names this config produces, `*` only where AWS authorizes nothing narrower.
 */
import { DeliveryConfig } from "../config/schema";
import { extraStatements, retiredProtonStatements } from "./deployer-extras";
import { PolicyStatement } from "./policy-statement";
import { Json, names } from "./synthesized";

export type { PolicyStatement } from "./policy-statement";

export function deployerPolicy(config: DeliveryConfig, stacks: readonly Json[], account = "*"): { Version: string; Statement: PolicyStatement[] } {
  const region = config.aws.region;
  const arn = (service: string, resource: string) => `arn:aws:${service}:${region}:${account}:${resource}`;
  const roles = names(stacks, "aws_iam_role", "name");
  const existingRoles = names(stacks, "aws_iam_role_policy", "role");
  const pipelines = names(stacks, "aws_codepipeline", "name");
  const projects = names(stacks, "aws_codebuild_project", "name");
  const reportGroups = names(stacks, "aws_codebuild_report_group", "name");
  const logGroups = names(stacks, "aws_cloudwatch_log_group", "name");
  const secrets = names(stacks, "aws_secretsmanager_secret", "name");
  const bucketPrefixes = names(stacks, "aws_s3_bucket", "bucket_prefix");
  const aliases = names(stacks, "aws_kms_alias", "name");
  const hosts = stacks.some((s) => s.resource?.aws_codeconnections_host);
  const securityGroups = stacks.some((s) => s.resource?.aws_security_group);
  const sourceCredential = stacks.some((s) => s.resource?.aws_codebuild_source_credential);
  const allRoles = [...roles, ...existingRoles].map((r) => `arn:aws:iam::${account}:role/${r}`);
  const functions = names(stacks, "aws_lambda_function", "function_name");
  const rules = names(stacks, "aws_cloudwatch_event_rule", "name");

  const statements: PolicyStatement[] = [
    {
      Sid: "ConnectionLifecycle",
      Effect: "Allow",
      Action: [
        "codeconnections:CreateConnection",
        "codeconnections:DeleteConnection",
        "codeconnections:GetConnection",
        "codeconnections:ListTagsForResource",
        "codeconnections:PassConnection",
        "codeconnections:TagResource",
        "codeconnections:UntagResource",
        "codestar-connections:GetConnection",
        "codestar-connections:PassConnection",
      ],
      Resource: [arn("codeconnections", "connection/*"), arn("codestar-connections", "connection/*")],
    },
    {
      Sid: "ConnectionHandshakeInConsole",
      Effect: "Allow",
      Action: [
        "codeconnections:GetIndividualAccessToken",
        "codeconnections:GetInstallationUrl",
        "codeconnections:ListConnections",
        "codeconnections:ListInstallationTargets",
        "codeconnections:StartOAuthHandshake",
        "codeconnections:UpdateConnectionInstallation",
      ],
      // The console handshake and list actions take no resource ARN.
      Resource: ["*"],
    },
  ];
  if (hosts) {
    statements.push({
      Sid: "HostLifecycle",
      Effect: "Allow",
      Action: [
        "codeconnections:CreateHost",
        "codeconnections:DeleteHost",
        "codeconnections:GetHost",
        "codeconnections:TagResource",
        "codeconnections:UpdateHost",
      ],
      Resource: [arn("codeconnections", "host/*")],
    });
    statements.push({ Sid: "HostList", Effect: "Allow", Action: ["codeconnections:ListHosts"], Resource: ["*"] });
  }
  if (securityGroups) {
    statements.push({
      Sid: "HostSecurityGroup",
      Effect: "Allow",
      Action: [
        "ec2:AuthorizeSecurityGroupEgress",
        "ec2:CreateSecurityGroup",
        "ec2:CreateTags",
        "ec2:DeleteSecurityGroup",
        "ec2:RevokeSecurityGroupEgress",
        "ec2:RevokeSecurityGroupIngress",
      ],
      Resource: [
        `arn:aws:ec2:${region}:${account}:security-group/*`,
        `arn:aws:ec2:${region}:${account}:vpc/${config.gitlab.vpc?.vpcId ?? "*"}`,
        `arn:aws:ec2:${region}:${account}:security-group-rule/*`,
      ],
    });
    statements.push({
      Sid: "Ec2Describe",
      Effect: "Allow",
      Action: ["ec2:DescribeNetworkInterfaces", "ec2:DescribeSecurityGroupRules", "ec2:DescribeSecurityGroups", "ec2:DescribeSubnets", "ec2:DescribeVpcs"],
      // EC2 Describe actions take no resource ARN.
      Resource: ["*"],
    });
  }
  if (pipelines.length > 0) {
    statements.push({
      Sid: "Pipelines",
      Effect: "Allow",
      Action: [
        "codepipeline:CreatePipeline",
        "codepipeline:DeletePipeline",
        "codepipeline:GetPipeline",
        "codepipeline:ListTagsForResource",
        "codepipeline:TagResource",
        "codepipeline:UntagResource",
        "codepipeline:UpdatePipeline",
      ],
      Resource: pipelines.map((p) => arn("codepipeline", p)),
    });
  }
  if (projects.length > 0) {
    statements.push({
      Sid: "BuildProjects",
      Effect: "Allow",
      Action: [
        "codebuild:BatchGetProjects",
        "codebuild:BatchGetReportGroups",
        "codebuild:CreateProject",
        "codebuild:CreateReportGroup",
        "codebuild:CreateWebhook",
        "codebuild:DeleteProject",
        "codebuild:DeleteReportGroup",
        "codebuild:DeleteWebhook",
        "codebuild:UpdateProject",
        "codebuild:UpdateReportGroup",
        "codebuild:UpdateWebhook",
      ],
      Resource: [...projects.map((p) => arn("codebuild", `project/${p}`)), ...reportGroups.map((g) => arn("codebuild", `report-group/${g}`))],
    });
  }
  if (sourceCredential) {
    statements.push({
      Sid: "BuildSourceCredential",
      Effect: "Allow",
      Action: ["codebuild:DeleteSourceCredentials", "codebuild:ImportSourceCredentials", "codebuild:ListSourceCredentials"],
      // Source credentials are account-wide; CodeBuild takes no narrower resource.
      Resource: ["*"],
    });
  }
  if (allRoles.length > 0) {
    statements.push({
      Sid: "ServiceRoles",
      Effect: "Allow",
      Action: [
        "iam:CreateRole",
        "iam:DeleteRole",
        "iam:DeleteRolePolicy",
        "iam:GetRole",
        "iam:GetRolePolicy",
        "iam:ListAttachedRolePolicies",
        "iam:ListInstanceProfilesForRole",
        "iam:ListRolePolicies",
        "iam:PutRolePolicy",
        "iam:TagRole",
        "iam:UntagRole",
        "iam:UpdateAssumeRolePolicy",
      ],
      Resource: allRoles,
    });
    statements.push({
      Sid: "PassServiceRoles",
      Effect: "Allow",
      Action: ["iam:PassRole"],
      Resource: allRoles,
      Condition: {
        StringEquals: {
          "iam:PassedToService": ["codebuild.amazonaws.com", "codepipeline.amazonaws.com", ...(functions.length > 0 ? ["lambda.amazonaws.com"] : [])],
        },
      },
    });
  }
  if (bucketPrefixes.length > 0) {
    statements.push({
      Sid: "ArtifactBuckets",
      Effect: "Allow",
      Action: [
        "s3:CreateBucket",
        "s3:DeleteBucketPolicy",
        "s3:GetAccelerateConfiguration",
        "s3:GetBucketAcl",
        "s3:GetBucketCORS",
        "s3:GetBucketLogging",
        "s3:GetBucketObjectLockConfiguration",
        "s3:GetBucketOwnershipControls",
        "s3:GetBucketPolicy",
        "s3:GetBucketPublicAccessBlock",
        "s3:GetBucketRequestPayment",
        "s3:GetBucketTagging",
        "s3:GetBucketVersioning",
        "s3:GetBucketWebsite",
        "s3:GetEncryptionConfiguration",
        "s3:GetLifecycleConfiguration",
        "s3:GetReplicationConfiguration",
        "s3:ListBucket",
        "s3:PutBucketOwnershipControls",
        "s3:PutBucketPolicy",
        "s3:PutBucketPublicAccessBlock",
        "s3:PutBucketTagging",
        "s3:PutBucketVersioning",
        "s3:PutEncryptionConfiguration",
      ],
      Resource: bucketPrefixes.map((p) => `arn:aws:s3:::${p}*`),
    });
  }
  statements.push(
    {
      Sid: "KeyCreate",
      Effect: "Allow",
      Action: ["kms:CreateKey", "kms:ListAliases"],
      // A key's ARN does not exist before CreateKey; ListAliases takes no resource.
      Resource: ["*"],
    },
    {
      Sid: "Keys",
      Effect: "Allow",
      Action: [
        "kms:CreateAlias",
        "kms:DeleteAlias",
        "kms:DescribeKey",
        "kms:EnableKeyRotation",
        "kms:GetKeyPolicy",
        "kms:GetKeyRotationStatus",
        "kms:ListResourceTags",
        "kms:ScheduleKeyDeletion",
        "kms:TagResource",
        "kms:UntagResource",
      ],
      Resource: [arn("kms", "key/*"), ...aliases.map((a) => arn("kms", a))],
    },
  );
  if (secrets.length > 0) {
    statements.push({
      Sid: "DeployTokenSecrets",
      Effect: "Allow",
      Action: [
        "secretsmanager:CreateSecret",
        "secretsmanager:DeleteSecret",
        "secretsmanager:DescribeSecret",
        "secretsmanager:GetResourcePolicy",
        "secretsmanager:GetSecretValue",
        "secretsmanager:PutSecretValue",
        "secretsmanager:TagResource",
        "secretsmanager:UntagResource",
      ],
      Resource: [arn("secretsmanager", "secret:gitlab-aws-delivery/*")],
    });
  }
  if (logGroups.length > 0) {
    statements.push({
      Sid: "BuildLogGroups",
      Effect: "Allow",
      Action: ["logs:CreateLogGroup", "logs:DeleteLogGroup", "logs:ListTagsForResource", "logs:PutRetentionPolicy", "logs:TagResource", "logs:UntagResource"],
      Resource: logGroups.map((g) => arn("logs", `log-group:${g}`)),
    });
    statements.push({ Sid: "LogGroupsDescribe", Effect: "Allow", Action: ["logs:DescribeLogGroups"], Resource: ["*"] });
  }
  if (functions.length > 0) {
    statements.push({
      Sid: "StatusFunctions",
      Effect: "Allow",
      Action: [
        "lambda:AddPermission",
        "lambda:CreateFunction",
        "lambda:DeleteFunction",
        "lambda:GetFunction",
        "lambda:GetFunctionCodeSigningConfig",
        "lambda:GetPolicy",
        "lambda:ListVersionsByFunction",
        "lambda:RemovePermission",
        "lambda:TagResource",
        "lambda:UpdateFunctionCode",
        "lambda:UpdateFunctionConfiguration",
      ],
      Resource: functions.map((f) => arn("lambda", `function:${f}`)),
    });
    statements.push({
      Sid: "StatusRules",
      Effect: "Allow",
      Action: [
        "events:DeleteRule",
        "events:DescribeRule",
        "events:ListTagsForResource",
        "events:ListTargetsByRule",
        "events:PutRule",
        "events:PutTargets",
        "events:RemoveTargets",
        "events:TagResource",
      ],
      Resource: rules.map((r) => arn("events", `rule/${r}`)),
    });
  }
  statements.push(...extraStatements(stacks, arn, account));
  statements.push(...retiredProtonStatements(config, arn, account));
  statements.push({ Sid: "WhoAmI", Effect: "Allow", Action: ["sts:GetCallerIdentity"], Resource: ["*"] });
  if (config.state.backend === "s3") {
    const s3 = config.state.s3!;
    statements.push({ Sid: "StateList", Effect: "Allow", Action: ["s3:ListBucket"], Resource: [`arn:aws:s3:::${s3.bucket}`] });
    statements.push({
      Sid: "StateObjects",
      Effect: "Allow",
      Action: ["s3:DeleteObject", "s3:GetObject", "s3:PutObject"],
      Resource: [`arn:aws:s3:::${s3.bucket}/${s3.keyPrefix}/*`],
    });
    if (s3.dynamodbTable) {
      statements.push({
        Sid: "StateLocks",
        Effect: "Allow",
        Action: ["dynamodb:DeleteItem", "dynamodb:GetItem", "dynamodb:PutItem"],
        Resource: [`arn:aws:dynamodb:${s3.region ?? region}:${account}:table/${s3.dynamodbTable}`],
      });
    }
  }
  return { Version: "2012-10-17", Statement: statements };
}
