import { blocks } from "../refs";
import { Rule } from "../types";

/** What the build module writes into a privileged project's description, with the config's reason. */
export const PRIVILEGED_MARK = "Privileged because: ";

export const codebuildRules: Rule[] = [
  {
    id: "GAD-CB-3",
    title: "CodeBuild projects send logs to CloudWatch or S3 (checkov CKV_AWS_314)",
    check: (stack) =>
      blocks(stack, "aws_codebuild_project")
        .filter(([, p]) => p.logs_config?.cloudwatch_logs?.status !== "ENABLED" && p.logs_config?.s3_logs?.status !== "ENABLED")
        .map(([address]) => ({
          rule: "GAD-CB-3",
          address,
          message: "no logs_config with CloudWatch or S3 logs ENABLED",
          fix: 'set logs_config.cloudwatch_logs { status = "ENABLED", group_name = ... }',
        })),
  },
  {
    id: "GAD-CB-4",
    title: "CodeBuild privileged mode only when the config asks and says why (checkov CKV_AWS_316)",
    check: (stack) =>
      blocks(stack, "aws_codebuild_project")
        .filter(([, p]) => p.environment?.privileged_mode === true && !String(p.description ?? "").includes(PRIVILEGED_MARK))
        .map(([address]) => ({
          rule: "GAD-CB-4",
          address,
          message: "privileged_mode is on without a recorded reason",
          fix: "turn privileged off, or set build.privileged: true with build.privilegedReason in the config",
        })),
  },
];
