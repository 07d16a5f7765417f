import { asList, blocks, isRefTo } from "../refs";
import { Rule } from "../types";

const CMK = ["aws_kms_key"];

/** A key named by ARN (an adopted pipeline's own key): customer-managed, since AWS-managed keys go by alias/aws/*. */
function isKeyArn(value: unknown): boolean {
  return typeof value === "string" && /^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/[0-9a-f-]+$/.test(value);
}

export const encryptionRules: Rule[] = [
  {
    id: "GAD-KMS-1",
    title: "Pipeline artifact store encrypted with a customer-managed KMS key (checkov CKV_AWS_219)",
    check: (stack) =>
      blocks(stack, "aws_codepipeline").flatMap(([address, p]) =>
        asList(p.artifact_store)
          .filter(
            (s: any) => s.encryption_key?.type !== "KMS" || !(isRefTo(s.encryption_key?.id, CMK, ["arn", "key_id", "id"]) || isKeyArn(s.encryption_key?.id)),
          )
          .map(() => ({
            rule: "GAD-KMS-1",
            address,
            message: "artifact_store is not encrypted with a customer-managed KMS key",
            fix: 'set artifact_store.encryption_key { id = aws_kms_key.<key>.arn, type = "KMS" }',
          })),
      ),
  },
  {
    id: "GAD-SNS-1",
    title: "SNS topics are encrypted with a customer-managed KMS key (checkov CKV_AWS_26)",
    check: (stack) =>
      blocks(stack, "aws_sns_topic")
        .filter(([, t]) => !isRefTo(t.kms_master_key_id, CMK, ["arn", "key_id", "id"]))
        .map(([address]) => ({
          rule: "GAD-SNS-1",
          address,
          message: "kms_master_key_id is not a customer-managed KMS key of this stack",
          fix: "set kms_master_key_id = aws_kms_key.<key>.arn (its policy must let the publishing service use it)",
        })),
  },
  {
    id: "GAD-KMS-2",
    title: "KMS keys rotate (checkov CKV_AWS_7)",
    check: (stack) =>
      blocks(stack, "aws_kms_key")
        .filter(([, k]) => k.enable_key_rotation !== true)
        .map(([address]) => ({ rule: "GAD-KMS-2", address, message: "key rotation is off", fix: "set enable_key_rotation = true" })),
  },
  {
    id: "GAD-CB-1",
    title: "CodeBuild projects encrypt with a customer-managed key (checkov CKV_AWS_147)",
    check: (stack) =>
      blocks(stack, "aws_codebuild_project")
        .filter(([, p]) => !isRefTo(p.encryption_key, CMK, ["arn"]))
        .map(([address]) => ({
          rule: "GAD-CB-1",
          address,
          message: "encryption_key is not a customer-managed KMS key of this stack",
          fix: "set encryption_key = aws_kms_key.<key>.arn",
        })),
  },
  {
    id: "GAD-CB-2",
    title: "CodeBuild artifact encryption is not disabled (checkov CKV_AWS_78)",
    check: (stack) =>
      blocks(stack, "aws_codebuild_project")
        .filter(([, p]) => [...asList(p.artifacts), ...asList(p.secondary_artifacts)].some((a: any) => a?.encryption_disabled === true))
        .map(([address]) => ({
          rule: "GAD-CB-2",
          address,
          message: "an artifact has encryption_disabled = true",
          fix: "remove encryption_disabled (artifacts are then encrypted with the project key)",
        })),
  },
  {
    id: "GAD-S3-4",
    title: "Buckets are encrypted by default with a customer-managed KMS key",
    check: (stack) => {
      const encrypted = new Set(
        blocks(stack, "aws_s3_bucket_server_side_encryption_configuration")
          .filter(([, e]) =>
            asList(e.rule).some(
              (r: any) =>
                r.apply_server_side_encryption_by_default?.sse_algorithm === "aws:kms" &&
                isRefTo(r.apply_server_side_encryption_by_default?.kms_master_key_id, CMK, ["arn", "key_id", "id"]),
            ),
          )
          .map(([, e]) => e.bucket),
      );
      return blocks(stack, "aws_s3_bucket")
        .filter(([address]) => !encrypted.has(`\${${address}.id}`) && !encrypted.has(`\${${address}.bucket}`))
        .map(([address]) => ({
          rule: "GAD-S3-4",
          address,
          message: "no default encryption with a customer-managed KMS key",
          fix: "add aws_s3_bucket_server_side_encryption_configuration with sse_algorithm aws:kms and kms_master_key_id = aws_kms_key.<key>.arn",
        }));
    },
  },
];
