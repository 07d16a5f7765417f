import { z } from "zod";
import { catalogProblems, protonSchema, serviceCatalogSchema } from "./catalog-schema";
import { branchName, privilegedNeedsReason } from "./fields";
import { projectPathProblem } from "./git-names";
import { pipelineSchema } from "./pipeline-schema";
import { runnerProblems, runnersSchema } from "./runner-schema";
import { gitSyncProblems, gitSyncSchema } from "./git-sync-schema";
import { show } from "./show";

/* One GitLab project and everything it gets (projects[i]). */

const projectPath = z
  .string()
  .describe("Full path of the GitLab project, as in its browser URL: group/subgroup/.../project")
  .superRefine((value, ctx) => {
    const problem = projectPathProblem(value);
    if (problem) ctx.addIssue({ code: "custom", message: `${show(value)} ${problem[0]}; ${problem[1]}` });
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

/** Standalone CodeBuild CI on merge requests, reporting its status on GitLab commits. */
const mergeRequestCi = z
  .strictObject({
    events: z
      .array(z.enum(["PULL_REQUEST_CREATED", "PULL_REQUEST_UPDATED", "PULL_REQUEST_REOPENED", "PULL_REQUEST_MERGED", "PULL_REQUEST_CLOSED"]))
      .min(1)
      .default(["PULL_REQUEST_CREATED", "PULL_REQUEST_UPDATED", "PULL_REQUEST_REOPENED"])
      .describe("Merge-request events that start a CI build (CodeBuild webhook filter)"),
    buildspec: z
      .string()
      .regex(/^[^/].*\.ya?ml$/, "must be a relative path to a .yml or .yaml file in the repository")
      .optional()
      .describe("Buildspec of the CI build; default: the pipeline's build.buildspec"),
    privileged: z
      .boolean()
      .optional()
      .describe(
        "Docker-in-Docker merge-request builds: code from any merge request then gets root on the build host. Default false; never inherited from pipeline.build.privileged",
      ),
    privilegedReason: z
      .string()
      .min(10)
      .max(180)
      .optional()
      .describe("Why merge-request builds must be privileged; required with privileged: true, recorded on the CI project"),
  })
  .superRefine(privilegedNeedsReason("code from any merge request needs root on its build host", "runs integration tests against Docker"));

export const projectSchema = z
  .strictObject({
    path: projectPath,
    mode: z.enum(["create", "adopt"]).default("create").describe("create: the stack creates the GitLab project; adopt: it reads an existing one"),
    name: z
      .string()
      .regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,39}$/, "must be 1-40 letters, digits, '-' or '_', starting with a letter or digit")
      .optional()
      .describe("Base of the AWS resource names; default: the path with '/' replaced by '-'"),
    outputPrefix: z
      .string()
      .regex(/^[A-Za-z_][A-Za-z0-9_]{0,99}$/, "must be 1-100 letters, digits or '_', not starting with a digit")
      .optional()
      .describe(
        "Prefix of the project's Terraform output names (<prefix>_pipeline, ...); default: the path with '/' replaced by '__' and every other character but letters, digits and '_' by '_'. Set it when two paths would share those names in a stack (acme/web-site, acme/web_site): only output names change",
      ),
    stack: z
      .string()
      .regex(/^[a-z][a-z0-9-]{0,29}$/, "must be 1-30 lowercase letters, digits or '-', starting with a letter")
      .optional()
      .describe("Stack (and so Terraform state) the project belongs to; default: its top-level GitLab group"),
    description: z.string().max(2000).optional(),
    visibility: z.enum(["private", "internal", "public"]).default("private"),
    defaultBranch: branchName.default("main"),
    deployToken,
    pipeline: pipelineSchema.default(pipelineSchema.parse({})),
    ci: mergeRequestCi.optional().describe("A CodeBuild project built from the repository on merge requests, its status shown on the commit in GitLab"),
    serviceCatalog: serviceCatalogSchema.optional().describe("A Service Catalog portfolio whose products' templates come from this repository"),
    proton: protonSchema
      .optional()
      .describe("AWS Proton templates moved to Service Catalog: AWS ended Proton on 2026-10-07, so each becomes a product of the serviceCatalog portfolio"),
    runners: runnersSchema,
    gitSync: gitSyncSchema.optional(),
  })
  .superRefine((p, ctx) => {
    for (const problem of catalogProblems(p)) ctx.addIssue({ code: "custom", ...problem });
    for (const problem of runnerProblems(p.path, p.runners)) ctx.addIssue({ code: "custom", ...problem });
    const pipelineStacks = p.pipeline.environments.flatMap((e) => (e.deploy.cloudformation ? [e.deploy.cloudformation.stackName] : []));
    for (const problem of gitSyncProblems(p.path, p.gitSync, pipelineStacks)) ctx.addIssue({ code: "custom", ...problem });
    if (p.ci && p.pipeline.triggers.mergeRequests?.length) {
      ctx.addIssue({
        code: "custom",
        path: ["ci"],
        message: "and pipeline.triggers.mergeRequests would both build every merge request (a CodeBuild webhook and a pipeline trigger); keep one of them",
      });
    }
  });
