import { DataAwsIamPolicyDocument, DataAwsIamPolicyDocumentStatement } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { Construct } from "constructs";
import { StackEnv } from "../core/stack-env";

/**
 * What the key's own account may do with it through IAM policies. AWS's default key policy
 * grants `kms:*`; naming the actions keeps the no-wildcard rule while still including
 * PutKeyPolicy and ScheduleKeyDeletion, so the account can never lock itself out.
 */
export const ACCOUNT_KEY_ACTIONS = [
  "kms:CancelKeyDeletion",
  "kms:CreateAlias",
  "kms:CreateGrant",
  "kms:Decrypt",
  "kms:DeleteAlias",
  "kms:DescribeKey",
  "kms:DisableKey",
  "kms:DisableKeyRotation",
  "kms:EnableKey",
  "kms:EnableKeyRotation",
  "kms:Encrypt",
  "kms:GenerateDataKey",
  "kms:GenerateDataKeyWithoutPlaintext",
  "kms:GetKeyPolicy",
  "kms:GetKeyRotationStatus",
  "kms:ListGrants",
  "kms:ListKeyPolicies",
  "kms:ListKeyRotations",
  "kms:ListResourceTags",
  "kms:PutKeyPolicy",
  "kms:ReEncryptFrom",
  "kms:ReEncryptTo",
  "kms:RetireGrant",
  "kms:RevokeGrant",
  "kms:RotateKeyOnDemand",
  "kms:ScheduleKeyDeletion",
  "kms:TagResource",
  "kms:UntagResource",
  "kms:UpdateAlias",
  "kms:UpdateKeyDescription",
];

/**
 * An explicit key policy: the account's IAM policies govern the key (as with AWS's default
 * policy), plus the statements given. In a key policy the resource `*` means this key.
 */
export function keyPolicy(scope: Construct, id: string, extra: DataAwsIamPolicyDocumentStatement[]): DataAwsIamPolicyDocument {
  return new DataAwsIamPolicyDocument(scope, id, {
    statement: [
      {
        sid: "AccountIamPolicies",
        effect: "Allow",
        principals: [{ type: "AWS", identifiers: [StackEnv.of(scope).arn("iam", "root", { region: "" })] }],
        actions: ACCOUNT_KEY_ACTIONS,
        resources: ["*"],
      },
      ...extra,
    ],
  });
}
