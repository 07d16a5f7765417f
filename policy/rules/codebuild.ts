import { PRIVILEGED_MARK } from "../../modules/codebuild/build-project";
import { PRIVILEGED_CI_PURPOSE } from "../../modules/codebuild/merge-request-ci";
import { blocks } from "../refs";
import { Rule, StackJson } from "../types";

/** Source types of a CodeBuild project that builds a GitLab repository itself (merge-request CI), not a pipeline's artifact. */
const GITLAB_SOURCES = ["GITLAB", "GITLAB_SELF_MANAGED"];

/**
 * Addresses of the projects that build merge requests: built from the GitLab source, or
 * started by a webhook (which names its project by name or by reference).
 */
function mergeRequestProjects(stack: StackJson): Set<string> {
  const projects = blocks(stack, "aws_codebuild_project");
  const hooked = blocks(stack, "aws_codebuild_webhook").map(([, w]) => String(w.project_name ?? ""));
  return new Set(
    projects
      .filter(([address, p]) => {
        const ref = new RegExp(`^\\$\\{${address.replace(/\./g, "\\.")}(\\[\\d+\\])?\\.name\\}$`);
        return GITLAB_SOURCES.includes(p.source?.type) || hooked.some((name) => name === p.name || ref.test(name));
      })
      .map(([address]) => address),
  );
}

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
  {
    id: "GAD-CB-5",
    title: "Merge-request CI privileged only by its own opt-in, never inherited from the pipeline build",
    check: (stack) => {
      const ci = mergeRequestProjects(stack);
      return blocks(stack, "aws_codebuild_project")
        .filter(([address, p]) => ci.has(address) && p.environment?.privileged_mode === true)
        .filter(([, p]) => !String(p.description ?? "").startsWith(`${PRIVILEGED_CI_PURPOSE}. ${PRIVILEGED_MARK}`))
        .map(([address]) => ({
          rule: "GAD-CB-5",
          address,
          message: "merge-request CI runs privileged without its own opt-in: code from any merge request gets root on the build host (the Docker daemon)",
          fix: "set ci.privileged: false, or opt in with ci.privileged: true and ci.privilegedReason (merge requests never inherit pipeline.build.privileged)",
        }));
    },
  },
];
