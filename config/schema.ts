import { z } from "zod";
import { branchNameProblem, projectPathProblem } from "./git-names";

/*
 * The one place the configuration's shape is defined. `schema/delivery.schema.json` is
 * generated from it (npm run schema); cross-field and clock-dependent rules live in
 * semantics.ts, since JSON Schema cannot express them.
 */

const show = (v: unknown) => JSON.stringify(v);

const branchName = z.string().superRefine((value, ctx) => {
  const problem = branchNameProblem(value);
  if (problem) {
    ctx.addIssue({
      code: "custom",
      message: `${show(value)} ${problem}, so git would reject it as a branch name; use a name such as "main" or "release/1.2"`,
    });
  }
});

const projectPath = z
  .string()
  .describe("Full path of the GitLab project, as in its browser URL: group/subgroup/.../project")
  .superRefine((value, ctx) => {
    const problem = projectPathProblem(value);
    if (problem) ctx.addIssue({ code: "custom", message: `${show(value)} ${problem[0]}; ${problem[1]}` });
  });

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

const envVarName = z.string().superRefine((name, ctx) => {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
    ctx.addIssue({ code: "custom", message: `${show(name)} is not a valid variable name; use letters, digits and '_'` });
  } else if (/^CODEBUILD_/i.test(name)) {
    ctx.addIssue({ code: "custom", message: `${show(name)} uses the CODEBUILD_ prefix that CodeBuild reserves; rename it` });
  } else if (/TOKEN|PASSWORD|SECRET|PRIVATE_KEY|API_KEY/i.test(name)) {
    ctx.addIssue({
      code: "custom",
      message: `${show(name)} looks like a secret, and these variables are plain text in the CodeBuild project; keep secrets in AWS Secrets Manager (the deploy token already is)`,
    });
  }
});

const build = z.strictObject({
  image: z.string().min(1).default("aws/codebuild/amazonlinux-x86_64-standard:5.0"),
  computeType: z
    .enum([
      "BUILD_GENERAL1_SMALL",
      "BUILD_GENERAL1_MEDIUM",
      "BUILD_GENERAL1_LARGE",
      "BUILD_GENERAL1_XLARGE",
      "BUILD_GENERAL1_2XLARGE",
    ])
    .default("BUILD_GENERAL1_SMALL"),
  buildspec: z
    .string()
    .min(1)
    .regex(/^[^/].*\.ya?ml$/, "must be a relative path to a .yml or .yaml file in the repository")
    .default("buildspec.yml"),
  environmentVariables: z.record(envVarName, z.string().max(4096)).default({}),
  privileged: z
    .boolean()
    .default(false)
    .describe("Docker-in-Docker builds; off by default because it gives the build root on the host"),
  privilegedReason: z
    .string()
    .min(10)
    .max(180)
    .optional()
    .describe("Why the build must be privileged; required with privileged: true, recorded on the project"),
  timeoutMinutes: z.number().int().min(5).max(2160).default(60),
}).superRefine((b, ctx) => {
  if (b.privileged && !b.privilegedReason) {
    ctx.addIssue({
      code: "custom",
      path: ["privilegedReason"],
      message: "is required with privileged: true; say why the build needs root on its host (e.g. \"builds Docker images\"), or set privileged: false",
    });
  }
});

const pipeline = z.strictObject({
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
});

const deployToken = z.strictObject({
  name: z.string().min(1).max(255).default("aws-delivery"),
  username: z.string().min(1).max(255).optional(),
  scopes: z
    .array(
      z.enum([
        "read_repository",
        "read_registry",
        "write_registry",
        "read_package_registry",
        "write_package_registry",
        "read_virtual_registry",
        "write_virtual_registry",
      ]),
    )
    .min(1)
    .default(["read_repository"]),
  expiresAt: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/, "must be a date written YYYY-MM-DD")
    .describe("Expiry date (UTC, YYYY-MM-DD); mandatory so no token lives forever"),
});

const project = z.strictObject({
  path: projectPath,
  mode: z
    .enum(["create", "adopt"])
    .default("create")
    .describe("create: the stack creates the GitLab project; adopt: it reads an existing one"),
  name: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,39}$/, "must be 1-40 letters, digits, '-' or '_', starting with a letter or digit")
    .optional()
    .describe("Base of the AWS resource names; default: the path with '/' replaced by '-'"),
  stack: z
    .string()
    .regex(/^[a-z][a-z0-9-]{0,29}$/, "must be 1-30 lowercase letters, digits or '-', starting with a letter")
    .optional()
    .describe("Stack (and so Terraform state) the project belongs to; default: its top-level GitLab group"),
  description: z.string().max(2000).optional(),
  visibility: z.enum(["private", "internal", "public"]).default("private"),
  defaultBranch: branchName.default("main"),
  deployToken,
  pipeline: pipeline.default(pipeline.parse({})),
});

const tagKey = z.string().min(1).max(128);

export const deliveryConfigSchema = z.strictObject({
  name: z
    .string()
    .regex(/^[a-z][a-z0-9-]{1,38}[a-z0-9]$/, "must be 3-40 lowercase letters, digits or '-', starting with a letter")
    .describe("Prefix of every stack name (<name>-shared, <name>-<group>) and of shared resource names"),
  aws: z.strictObject({
    region: z.string(),
    defaultTags: z.record(tagKey, z.string().max(256)).default({}),
    skipConnectionRegionCheck: z
      .boolean()
      .default(false)
      .describe("Accept a region that this tool believes has no CodeConnections (for when AWS adds it)"),
  }),
  gitlab: z
    .strictObject({
      kind: z.literal("gitlab.com").default("gitlab.com"),
    })
    .default({ kind: "gitlab.com" }),
  connection: z.strictObject({
    name: z
      .string()
      .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$/, "must be 1-32 letters, digits, '.', '_' or '-' (AWS allows 32 characters)")
      .describe("Name of the CodeConnections connection"),
  }),
  projects: z.array(project).min(1),
});

export type DeliveryConfig = z.output<typeof deliveryConfigSchema>;
export type ProjectConfig = DeliveryConfig["projects"][number];
export type PipelineConfig = ProjectConfig["pipeline"];
export type BuildConfig = PipelineConfig["build"];
export type PushFilter = NonNullable<PipelineConfig["triggers"]["push"]>[number];
export type MergeRequestFilter = NonNullable<PipelineConfig["triggers"]["mergeRequests"]>[number];

/** The JSON Schema editors use to complete delivery.yaml (published in schema/). */
export function deliveryJsonSchema(): Record<string, unknown> {
  const generated = z.toJSONSchema(deliveryConfigSchema, { io: "input", unrepresentable: "any" });
  return {
    ...generated,
    title: "gitlab-aws-delivery configuration",
  };
}
