import { z } from "zod";
import { envVarName } from "./fields";
import { releaseSchema } from "./release-schema";
import { show } from "./show";

/* Delivery environments (pipeline.environments): deploy stages after build and test. */

const ROLE_ARN = /^arn:aws:iam::\d{12}:role\/[\w+=,.@\/-]{1,512}$/;
const roleArn = z.string().regex(ROLE_ARN, "must be an IAM role ARN (arn:aws:iam::<account>:role/<name>)");

/** One delivery environment: a pipeline stage after build and test. */
export const environmentSchema = z
  .strictObject({
    name: z.string().regex(/^[a-z][a-z0-9-]{0,19}$/, "must be 1-20 lowercase letters, digits or '-', starting with a letter"),
    approval: z.boolean().optional().describe("A manual approval before deploying; default: on for prod and production, off elsewhere"),
    variables: z
      .record(envVarName, z.string().max(4096))
      .default({})
      .describe(
        "Plain-text variables of this environment's deploy: a CodeBuild deploy's environment variables, a CloudFormation deploy's template parameters (ParameterOverrides, so names are letters and digits only)",
      ),
    roleArn: roleArn
      .optional()
      .describe(
        "Cross-account: a role in the target account. A CloudFormation deploy action assumes it (the artifact bucket and key are opened to that account); a CodeBuild deploy gets it as DEPLOY_ROLE_ARN and may assume it",
      ),
    deploy: z
      .strictObject({
        codebuild: z
          .strictObject({
            buildspec: z.string().regex(/^[^/].*\.ya?ml$/, "must be a relative path to a .yml or .yaml file in the repository"),
          })
          .optional()
          .describe("Run a deploy buildspec (CodeBuild) with the environment's variables"),
        cloudformation: z
          .strictObject({
            stackName: z.string().regex(/^[A-Za-z][A-Za-z0-9-]{0,127}$/, "must be a CloudFormation stack name"),
            templatePath: z.string().min(1).describe("Template inside the build output artifact"),
            parametersPath: z.string().min(1).optional().describe("Template configuration file (parameters, tags) inside the build output"),
            capabilities: z.array(z.enum(["CAPABILITY_IAM", "CAPABILITY_NAMED_IAM", "CAPABILITY_AUTO_EXPAND"])).default([]),
            executionRoleArn: roleArn.describe("Role CloudFormation assumes to create the stack's resources"),
          })
          .optional()
          .describe("Create or update a CloudFormation stack from a template in the build output"),
      })
      .refine((d) => Boolean(d.codebuild) !== Boolean(d.cloudformation), { message: "needs exactly one of codebuild or cloudformation" }),
    release: releaseSchema.optional(),
  })
  .superRefine((e, ctx) => {
    const cfn = e.deploy.cloudformation;
    if (cfn) for (const problem of parameterOverrideProblems(e.variables)) ctx.addIssue({ code: "custom", ...problem });
    // Zod still runs this when a field failed its own check; those ARNs were reported there.
    if (!e.roleArn || !cfn || !ROLE_ARN.test(e.roleArn) || !ROLE_ARN.test(cfn.executionRoleArn)) return;
    const target = accountOf(e.roleArn);
    if (accountOf(cfn.executionRoleArn) !== target) {
      ctx.addIssue({
        code: "custom",
        path: ["deploy", "cloudformation", "executionRoleArn"],
        message: `${show(cfn.executionRoleArn)} is in account ${accountOf(cfn.executionRoleArn)}, but the stack is deployed in account ${target} (roleArn); CloudFormation there can only use a role of that account: name an execution role in ${target}`,
      });
    }
  });

/** CloudFormation's template parameter names. */
const CFN_PARAMETER_NAME = /^[A-Za-z0-9]+$/;
/** CodePipeline's limit on one setting of an action's configuration (ParameterOverrides is one). */
const ACTION_SETTING_MAX = 1000;

/**
 * A CloudFormation deploy passes the environment's variables as the action's
 * ParameterOverrides: each name must be a template parameter name, and their JSON must fit
 * one action setting.
 */
function parameterOverrideProblems(variables: Record<string, string>): Array<{ path: PropertyKey[]; message: string }> {
  const problems: Array<{ path: PropertyKey[]; message: string }> = [];
  for (const name of Object.keys(variables)) {
    if (CFN_PARAMETER_NAME.test(name)) continue;
    const suggestion = name
      .split(/[^A-Za-z0-9]+/)
      .filter(Boolean)
      .map((w) => w[0].toUpperCase() + (w === w.toUpperCase() ? w.slice(1).toLowerCase() : w.slice(1)))
      .join("");
    problems.push({
      path: ["variables", name],
      message: `${show(name)} is not a CloudFormation parameter name (letters and digits only), and a CloudFormation deploy passes its variables to the template as parameters; rename it to the template's parameter${suggestion ? `, e.g. ${show(suggestion)}` : ""}`,
    });
  }
  const length = JSON.stringify(variables).length;
  if (length > ACTION_SETTING_MAX) {
    problems.push({
      path: ["variables"],
      message: `a CloudFormation deploy passes these variables as ParameterOverrides, here ${length} characters of JSON, over CodePipeline's ${ACTION_SETTING_MAX}-character limit for an action setting; keep the long values in the template configuration file (deploy.cloudformation.parametersPath)`,
    });
  }
  return problems;
}

/** The 12-digit account of an IAM ARN the schema has already checked. */
export function accountOf(arn: string): string {
  return arn.split(":")[4];
}
