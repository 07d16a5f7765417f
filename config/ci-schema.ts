import { z } from "zod";
import { branchNameProblem, projectPathProblem } from "./git-names";
import { show } from "./show";

/*
 * The top-level `ci:` section: how the GitLab pipeline that runs this tool reaches AWS.
 * (A project's own `ci:` is its merge-request CodeBuild; this one is about the tool's runs.)
 */

const path = z.string().superRefine((value, ctx) => {
  const problem = projectPathProblem(value);
  if (problem) ctx.addIssue({ code: "custom", message: `${show(value)} ${problem[0]}; ${problem[1]}` });
});
const branch = z.string().superRefine((value, ctx) => {
  const problem = branchNameProblem(value);
  if (problem)
    ctx.addIssue({
      code: "custom",
      message: `${show(value)} ${problem}, so git would reject it as a branch name; use the branch plans are applied from, e.g. "main"`,
    });
});

export const ciSchema = z.strictObject({
  oidc: z
    .strictObject({
      project: path.describe("Full path of the GitLab project whose pipelines run plan and apply (the one holding this config and .gitlab-ci.yml)"),
      applyBranch: branch.default("main").describe("The only branch whose pipelines may assume the apply role (the project's default branch)"),
      maxApplyPolicies: z
        .number()
        .int()
        .min(1)
        .max(20)
        .default(10)
        .describe("Managed policies the apply role may take (IAM's default quota is 10 per role; raise it with AWS before raising this)"),
    })
    .describe(
      "GitLab CI to AWS through OIDC, no long-lived keys: the shared stack declares the IAM OIDC provider of the GitLab instance, " +
        "a read-only plan role (any branch or merge request of `project`) and an apply role (only `applyBranch`)",
    ),
});

export type CiConfig = z.output<typeof ciSchema>;
export type OidcConfig = CiConfig["oidc"];
