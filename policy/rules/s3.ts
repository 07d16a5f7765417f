import { asList, blocks, blocksOf, policyDocument } from "../refs";
import { Rule, StackJson } from "../types";

const PUBLIC_ACLS = ["public-read", "public-read-write", "authenticated-read"];

/** Attachments (versioning, policies, ...) of a bucket, by their `bucket = ${aws_s3_bucket.x.id}`. */
function attachedTo(address: string, body: StackJson): boolean {
  return body.bucket === `\${${address}.id}` || body.bucket === `\${${address}.bucket}`;
}

export const s3Rules: Rule[] = [
  {
    id: "GAD-S3-1",
    title: "Buckets block all public access (cdk-nag S3BucketLevelPublicAccessProhibited)",
    check: (stack) =>
      blocks(stack, "aws_s3_bucket")
        .filter(
          ([address]) =>
            !blocks(stack, "aws_s3_bucket_public_access_block").some(
              ([, b]) =>
                attachedTo(address, b) &&
                b.block_public_acls === true &&
                b.block_public_policy === true &&
                b.ignore_public_acls === true &&
                b.restrict_public_buckets === true,
            ),
        )
        .map(([address]) => ({
          rule: "GAD-S3-1",
          address,
          message: "no public access block with all four settings true",
          fix: "add aws_s3_bucket_public_access_block with block_public_acls, block_public_policy, ignore_public_acls, restrict_public_buckets = true",
        })),
  },
  {
    id: "GAD-S3-2",
    title: "Buckets are versioned (checkov CKV_AWS_21)",
    check: (stack) =>
      blocks(stack, "aws_s3_bucket")
        .filter(
          ([address, b]) =>
            b.versioning?.enabled !== true &&
            !blocksOf(stack, ["aws_s3_bucket_versioning"]).some(([, v]) => attachedTo(address, v) && v.versioning_configuration?.status === "Enabled"),
        )
        .map(([address]) => ({ rule: "GAD-S3-2", address, message: "versioning is not enabled", fix: "add aws_s3_bucket_versioning with status Enabled" })),
  },
  {
    id: "GAD-S3-3",
    title: "Buckets deny requests without TLS (cdk-nag S3BucketSSLRequestsOnly)",
    check: (stack) =>
      blocks(stack, "aws_s3_bucket")
        .filter(([address]) => {
          const arn = `\${${address}.arn}`;
          return !blocks(stack, "aws_s3_bucket_policy").some(([, p]) => {
            if (!attachedTo(address, p)) return false;
            const doc = policyDocument(stack, p.policy);
            return asList(doc?.statement).some(
              (s: any) =>
                s.effect === "Deny" &&
                asList(s.resources).includes(arn) &&
                asList(s.resources).includes(`${arn}/*`) &&
                asList(s.condition).some((c: any) => c.test === "Bool" && c.variable === "aws:SecureTransport" && asList(c.values).includes("false")),
            );
          });
        })
        .map(([address]) => ({
          rule: "GAD-S3-3",
          address,
          message: "no bucket policy denying aws:SecureTransport = false on the bucket and its objects",
          fix: "attach a policy (aws_iam_policy_document) that denies s3:* when aws:SecureTransport is false",
        })),
  },
  {
    id: "GAD-S3-5",
    title: "No public bucket ACL (checkov CKV_AWS_20)",
    check: (stack) => [
      ...blocks(stack, "aws_s3_bucket")
        .filter(([, b]) => PUBLIC_ACLS.includes(b.acl))
        .map(([address, b]) => ({ rule: "GAD-S3-5", address, message: `acl is "${b.acl}"`, fix: "remove the ACL; keep BucketOwnerEnforced ownership" })),
      ...blocks(stack, "aws_s3_bucket_acl")
        .filter(
          ([, a]) =>
            PUBLIC_ACLS.includes(a.acl) || asList(a.access_control_policy?.grant).some((g: any) => /AllUsers|AuthenticatedUsers/.test(String(g.grantee?.uri))),
        )
        .map(([address]) => ({
          rule: "GAD-S3-5",
          address,
          message: "the ACL grants public access",
          fix: "remove aws_s3_bucket_acl; keep BucketOwnerEnforced ownership",
        })),
    ],
  },
];
