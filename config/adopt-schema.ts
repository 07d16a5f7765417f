import { z } from "zod";
import { parseRoleReference } from "../modules/core/rules/role-reference";
import { show } from "./show";

/* Taking over an existing pipeline (pipeline.adopt): the stages and resources it keeps. */

/** A stage of an existing pipeline, as `aws codepipeline get-pipeline` prints it. */
const keptAction = z.strictObject({
  name: z.string().min(1).max(100),
  actionTypeId: z.strictObject({
    category: z.enum(["Source", "Build", "Test", "Deploy", "Approval", "Invoke", "Compute"]),
    owner: z.enum(["AWS", "ThirdParty", "Custom"]),
    provider: z.string().min(1).max(35),
    version: z.string().min(1).max(9),
  }),
  configuration: z.record(z.string(), z.string()).optional(),
  inputArtifacts: z.array(z.strictObject({ name: z.string().min(1).max(100) })).optional(),
  outputArtifacts: z.array(z.strictObject({ name: z.string().min(1).max(100) })).optional(),
  runOrder: z.number().int().min(1).max(999).optional(),
  roleArn: z
    .string()
    .regex(/^arn:aws[a-z-]*:iam::\d{12}:role\/.+$/, "must be an IAM role ARN")
    .optional(),
  region: z.string().optional(),
  namespace: z.string().min(1).max(100).optional(),
  timeoutInMinutes: z.number().int().min(5).max(86400).optional(),
});

export const adoptSchema = z.strictObject({
  name: z
    .string()
    .describe("Name of the existing CodePipeline; the stack imports it (Terraform >= 1.7)")
    .superRefine((value, ctx) => {
      if (!/^[A-Za-z0-9.@_-]{1,100}$/.test(value)) {
        ctx.addIssue({
          code: "custom",
          message: `${show(value)} is not a CodePipeline name; use the name shown in the console (1-100 letters, digits, '.', '@', '_' or '-'), not its ARN or URL`,
        });
      }
    }),
  roleName: z
    .string()
    .describe(
      "The pipeline's existing service role, kept: its name with its IAM path (service-role/AWSCodePipelineServiceRole-… for a role the console made), or its ARN; the stack adds UseConnection on the GitLab connection to it",
    )
    .superRefine((value, ctx) => {
      const role = parseRoleReference(value);
      if ("problem" in role) ctx.addIssue({ code: "custom", message: `${show(value)} ${role.problem}` });
    }),
  artifactBucket: z
    .string()
    .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, "must be the name of the pipeline's existing artifact bucket")
    .describe("The pipeline's existing artifact bucket, kept"),
  artifactKmsKeyArn: z
    .string()
    .regex(/^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:(key|alias)\/.+$/, "must be a KMS key or alias ARN")
    .optional()
    .describe("The KMS key of that artifact store, if it has one"),
  sourceArtifactName: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,100}$/, "must be an artifact name (letters, digits, '_' or '-')")
    .default("SourceArtifact")
    .describe("Output artifact of the source stage that the kept stages read"),
  stages: z
    .array(z.strictObject({ name: z.string().min(1).max(100), actions: z.array(keptAction).min(1) }))
    .min(1)
    .describe("Every stage after the source stage, copied from `aws codepipeline get-pipeline`: what is not listed is removed"),
});
