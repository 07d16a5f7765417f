import { z } from "zod";
import { branchNameProblem } from "./git-names";
import { show } from "./show";

/* Field schemas that more than one part of the configuration uses. */

export const branchName = z.string().superRefine((value, ctx) => {
  const problem = branchNameProblem(value);
  if (problem) {
    ctx.addIssue({
      code: "custom",
      message: `${show(value)} ${problem}, so git would reject it as a branch name; use a name such as "main" or "release/1.2"`,
    });
  }
});

export const envVarName = z.string().superRefine((name, ctx) => {
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

/** `privileged: true` needs a `privilegedReason`, which the CodeBuild project records. */
export function privilegedNeedsReason(why: string, example: string) {
  return (o: { privileged?: boolean; privilegedReason?: string }, ctx: z.RefinementCtx): void => {
    if (o.privileged && !o.privilegedReason) {
      ctx.addIssue({
        code: "custom",
        path: ["privilegedReason"],
        message: `is required with privileged: true; say why ${why} (e.g. ${show(example)}), or set privileged: false`,
      });
    }
  };
}
