import { z } from "zod";
import { show } from "./show";

/*
 * CodeBuild-hosted GitLab runners (projects[i].runners): a CodeBuild project whose webhook
 * takes GitLab's WORKFLOW_JOB_QUEUED events, so CI jobs tagged for it run on CodeBuild.
 * https://docs.aws.amazon.com/codebuild/latest/userguide/gitlab-runner.html
 */

const awsId = (prefix: string) =>
  z.string().superRefine((value, ctx) => {
    if (!new RegExp(`^${prefix}-[0-9a-f]{8}(?:[0-9a-f]{9})?$`).test(value)) {
      ctx.addIssue({ code: "custom", message: `${show(value)} is not a ${prefix} id; write it as "${prefix}-" followed by 8 or 17 hex digits` });
    }
  });

/** IAM actions that make, change or pass roles and policies (policy rule GAD-RUN-1 holds the same line). */
const IAM_WRITE = /^iam:(Attach|Create|Delete|Detach|Put|Update|PassRole|AddUserToGroup|SetDefaultPolicyVersion)/;

/** One IAM action, named: `service:Action`, no wildcard. */
const namedAction = z.string().superRefine((value, ctx) => {
  if (value.includes("*") || value.includes("?")) {
    ctx.addIssue({
      code: "custom",
      message: `${show(value)} is a wildcard; every GitLab job routed to this runner gets these permissions, so name each action it needs (e.g. "s3:PutObject")`,
    });
  } else if (!/^[a-z0-9-]+:[A-Za-z0-9]+$/.test(value)) {
    ctx.addIssue({ code: "custom", message: `${show(value)} is not an IAM action; write "service:Action", e.g. "ecr:PutImage"` });
  } else if (IAM_WRITE.test(value)) {
    ctx.addIssue({
      code: "custom",
      message: `${show(value)} changes or passes IAM roles and policies, and every job routed to this runner could use it to give itself more; leave IAM changes to this tool's reviewed apply`,
    });
  }
});

const resourceArn = z.string().superRefine((value, ctx) => {
  if (value === "*") {
    ctx.addIssue({
      code: "custom",
      message: `"*" names every resource of the account; list the ARNs the jobs work on (e.g. "arn:aws:s3:::acme-artifacts/*")`,
    });
  } else if (!/^arn:aws:[a-z0-9-]+:[a-z0-9-]*:(\d{12})?:.+$/.test(value)) {
    ctx.addIssue({ code: "custom", message: `${show(value)} is not an ARN; write "arn:aws:<service>:<region>:<account>:<resource>"` });
  }
});

export const COMPUTE_TYPES = [
  "BUILD_GENERAL1_SMALL",
  "BUILD_GENERAL1_MEDIUM",
  "BUILD_GENERAL1_LARGE",
  "BUILD_GENERAL1_XLARGE",
  "BUILD_GENERAL1_2XLARGE",
] as const;

export const runnerSchema = z
  .strictObject({
    name: z
      .string()
      .regex(/^[a-z][a-z0-9-]{0,19}$/, "must be 1-20 lowercase letters, digits or '-', starting with a letter")
      .describe("Names the runner's CodeBuild project (<project base>-runner-<name>), and so the job tag"),
    group: z
      .string()
      .min(1)
      .optional()
      .describe(
        "Serve every project of this GitLab group (a group the project belongs to) with a group webhook (scope GITLAB_GROUP); default: this project only",
      ),
    computeType: z.enum(COMPUTE_TYPES).default("BUILD_GENERAL1_SMALL"),
    environmentType: z.enum(["LINUX_CONTAINER", "ARM_CONTAINER"]).default("LINUX_CONTAINER"),
    image: z.string().min(1).default("aws/codebuild/amazonlinux-x86_64-standard:5.0").describe("CodeBuild image the jobs run in"),
    concurrency: z.number().int().min(1).max(100).optional().describe("Most jobs at once (the project's concurrent build limit); default: the account's limit"),
    timeoutMinutes: z.number().int().min(5).max(2160).default(60),
    vpc: z
      .strictObject({
        vpcId: awsId("vpc"),
        subnetIds: z.array(awsId("subnet")).min(1).max(16),
        securityGroupIds: z.array(awsId("sg")).min(1).max(5),
      })
      .optional()
      .describe(
        "Run the jobs in these private subnets (to reach a VPC-only GitLab or private resources); the subnets need a NAT route to CodeBuild and GitLab",
      ),
    permissions: z
      .array(
        z.strictObject({
          actions: z.array(namedAction).min(1).max(50),
          resources: z.array(resourceArn).min(1).max(50),
        }),
      )
      .max(10)
      .default([])
      .describe("What the jobs may do in AWS, named actions on named ARNs; default: nothing beyond writing their own logs"),
  })
  .describe("A CodeBuild-hosted GitLab runner: jobs tagged codebuild-<project>-$CI_PROJECT_ID-$CI_PIPELINE_IID-$CI_JOB_NAME run on CodeBuild");

export type RunnerConfig = z.infer<typeof runnerSchema>;

export const runnersSchema = z.array(runnerSchema).max(5).default([]).describe("CodeBuild-hosted GitLab runners for this project's (or its group's) CI jobs");

/**
 * A group runner serves a group the project belongs to (so it lives in the project's stack
 * and the project's owner answers for it); names are unique within the project.
 */
export function runnerProblems(projectPath: string, runners: readonly RunnerConfig[]): Array<{ path: PropertyKey[]; message: string }> {
  const problems: Array<{ path: PropertyKey[]; message: string }> = [];
  const seen = new Set<string>();
  runners.forEach((r, i) => {
    if (seen.has(r.name)) problems.push({ path: ["runners", i, "name"], message: `${show(r.name)} is listed twice; give each runner its own name` });
    seen.add(r.name);
    if (r.group !== undefined && !projectPath.startsWith(`${r.group}/`)) {
      const top = projectPath.split("/")[0];
      problems.push({
        path: ["runners", i, "group"],
        message: `${show(r.group)} is not a group ${show(projectPath)} belongs to; a runner can serve the project's own groups only, e.g. ${show(top)}`,
      });
    }
  });
  return problems;
}
