import { blocksOf } from "../refs";
import { Rule } from "../types";

/** Resources whose loss hurts: a new handshake, or the record of what was deployed. */
export const GUARDED_TYPES = [
  "aws_codeconnections_connection",
  "aws_codeconnections_host",
  "aws_codestarconnections_connection",
  "aws_codestarconnections_host",
  "aws_s3_bucket",
  "aws_kms_key",
];

export const lifecycleRules: Rule[] = [
  {
    id: "GAD-LC-1",
    title: "prevent_destroy on connections, hosts, artifact buckets and KMS keys",
    check: (stack) =>
      blocksOf(stack, GUARDED_TYPES)
        .filter(([, b]) => b.lifecycle?.prevent_destroy !== true)
        .map(([address]) => ({
          rule: "GAD-LC-1",
          address,
          message: "can be destroyed by a plan",
          fix: "set lifecycle { prevent_destroy = true }",
        })),
  },
];
