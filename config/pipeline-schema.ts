import { z } from "zod";
import { adoptSchema } from "./adopt-schema";
import { environmentSchema } from "./environment-schema";
import { parallelRollbackProblems } from "./release-schema";
import { branchName, envVarName, privilegedNeedsReason } from "./fields";
import { repeated } from "./repeated";
import { show } from "./show";

/* A project's pipeline: its triggers, build, notifications, environments or adopted stages. */

const patternList = z.array(z.string().min(1).max(255)).min(1).max(8);

/** Include/exclude glob lists of a V2 trigger filter (at most 8 patterns each, AWS limit). */
const filterCriteria = z
  .strictObject({
    includes: patternList.optional(),
    excludes: patternList.optional(),
  })
  .refine((f) => f.includes !== undefined || f.excludes !== undefined, {
    message: "is empty; give `includes` or `excludes` (glob patterns)",
  });

const pushFilter = z
  .strictObject({
    branches: filterCriteria.optional(),
    filePaths: filterCriteria.optional(),
    tags: filterCriteria.optional(),
  })
  .superRefine((f, ctx) => {
    if (f.tags && (f.branches || f.filePaths)) {
      ctx.addIssue({
        code: "custom",
        message: "combines `tags` with `branches`/`filePaths`; CodePipeline filters a push on tags, or on branches and file paths: split it into two filters",
      });
    }
    if (!f.tags && !f.branches) {
      ctx.addIssue({ code: "custom", message: "names neither `branches` nor `tags`; add one of them" });
    }
  });

const mergeRequestFilter = z.strictObject({
  events: z
    .array(z.enum(["OPEN", "UPDATED", "CLOSED"]))
    .min(1)
    .default(["OPEN", "UPDATED"])
    .describe("Merge-request events that start the pipeline"),
  branches: filterCriteria.describe("Target branches of the merge request"),
  filePaths: filterCriteria.optional(),
});

const build = z
  .strictObject({
    image: z.string().min(1).default("aws/codebuild/amazonlinux-x86_64-standard:5.0"),
    computeType: z
      .enum(["BUILD_GENERAL1_SMALL", "BUILD_GENERAL1_MEDIUM", "BUILD_GENERAL1_LARGE", "BUILD_GENERAL1_XLARGE", "BUILD_GENERAL1_2XLARGE"])
      .default("BUILD_GENERAL1_SMALL"),
    buildspec: z
      .string()
      .min(1)
      .regex(/^[^/].*\.ya?ml$/, "must be a relative path to a .yml or .yaml file in the repository")
      .default("buildspec.yml"),
    environmentVariables: z.record(envVarName, z.string().max(4096)).default({}),
    privileged: z.boolean().default(false).describe("Docker-in-Docker builds; off by default because it gives the build root on the host"),
    privilegedReason: z
      .string()
      .min(10)
      .max(180)
      .optional()
      .describe("Why the build must be privileged; required with privileged: true, recorded on the project"),
    timeoutMinutes: z.number().int().min(5).max(2160).default(60),
  })
  .superRefine(privilegedNeedsReason("the build needs root on its host", "builds Docker images"));

const notificationEvents = {
  failed: "codepipeline-pipeline-pipeline-execution-failed",
  "approval-needed": "codepipeline-pipeline-manual-approval-needed",
  succeeded: "codepipeline-pipeline-pipeline-execution-succeeded",
  canceled: "codepipeline-pipeline-pipeline-execution-canceled",
} as const;

/** CodeStar notification event type ids, by the short names the config uses. */
export const NOTIFICATION_EVENT_IDS: Readonly<Record<keyof typeof notificationEvents, string>> = notificationEvents;

const notifications = z.strictObject({
  events: z
    .array(z.enum(Object.keys(notificationEvents) as [keyof typeof notificationEvents, ...Array<keyof typeof notificationEvents>]))
    .min(1)
    .default(["failed", "approval-needed"])
    .describe("Pipeline events published to the topic"),
  emails: z
    .array(z.email("must be an e-mail address"))
    .max(20)
    .default([])
    .describe("Addresses subscribed to the topic (each confirms by e-mail); other subscribers (Chatbot, Lambda) can use the topic ARN output"),
});

export const pipelineSchema = z
  .strictObject({
    branch: branchName.optional().describe("Branch that manual runs build; default: the project's defaultBranch"),
    executionMode: z.enum(["QUEUED", "SUPERSEDED", "PARALLEL"]).default("QUEUED"),
    artifactFormat: z
      .enum(["CODE_ZIP", "CODEBUILD_CLONE_REF"])
      .default("CODE_ZIP")
      .describe("CODEBUILD_CLONE_REF gives builds a git clone (history, tags) and lets CodeBuild use the connection"),
    triggers: z
      .strictObject({
        push: z.array(pushFilter).max(3).optional(),
        mergeRequests: z.array(mergeRequestFilter).max(3).optional(),
      })
      .default({})
      .describe("V2 triggers; with none given, a push to the pipeline branch starts it"),
    build: build.default(build.parse({})),
    adopt: adoptSchema.optional().describe("Take over an existing pipeline: its source stage becomes the GitLab source, its other stages are kept as listed"),
    variables: z
      .array(
        z.strictObject({
          name: z.string().regex(/^[A-Za-z0-9@_-]{1,128}$/, "must be 1-128 letters, digits, '@', '_' or '-'"),
          default: z.string().max(1000).optional(),
          description: z.string().max(200).optional(),
        }),
      )
      .max(50)
      .default([])
      .describe("V2 pipeline variables, set per run; environments read them as #{variables.NAME}"),
    statusOnGitlab: z
      .boolean()
      .default(false)
      .describe(
        "Set a commit status on GitLab when an execution starts, succeeds or fails (a Lambda with a project access token, api scope, expiring with the deploy token)",
      ),
    notifications: notifications
      .optional()
      .describe("An SNS topic (KMS-encrypted) fed by a CodeStar notification rule: failed executions and pending approvals by default"),
    environments: z
      .array(environmentSchema)
      .max(10)
      .default([])
      .describe("Deploy stages after build and test, in order (e.g. dev, staging, prod)")
      .superRefine((envs, ctx) => {
        for (const i of repeated(envs, (e) => e.name)) {
          ctx.addIssue({ code: "custom", path: [i, "name"], message: `${show(envs[i].name)} is listed twice; give each environment its own name` });
        }
      }),
  })
  .superRefine((p, ctx) => {
    for (const problem of parallelRollbackProblems(p.executionMode, p.environments)) ctx.addIssue({ code: "custom", ...problem });
    if (p.adopt && p.environments.length > 0) {
      ctx.addIssue({
        code: "custom",
        path: ["environments"],
        message: "cannot be combined with adopt: an adopted pipeline keeps its own stages; list them under adopt.stages",
      });
    }
  });
