import { z } from "zod";
import { REGION_PATTERN } from "./regions";

const show = (v: unknown) => JSON.stringify(v);

/** Why S3 would reject a bucket name (general purpose bucket naming rules), or undefined. */
export function bucketNameProblem(name: string): string | undefined {
  if (name.length < 3 || name.length > 63) return "must be 3-63 characters long";
  if (!/^[a-z0-9.-]+$/.test(name)) return "may hold only lowercase letters, digits, '.' and '-'";
  if (!/^[a-z0-9].*[a-z0-9]$/.test(name)) return "must start and end with a letter or digit";
  if (name.includes("..")) return 'must not contain ".."';
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(name)) return "must not look like an IP address";
  if (/^(xn--|sthree-|amzn-s3-demo-)/.test(name)) return "must not start with xn--, sthree- or amzn-s3-demo-";
  if (/(-s3alias|--ol-s3|--x-s3|--table-s3)$/.test(name)) return "must not end with -s3alias, --ol-s3, --x-s3 or --table-s3";
  return undefined;
}

const local = z.strictObject({
  directory: z.string().min(1).default(".").describe("Folder of the state files terraform.<stack>.tfstate, relative to the project root"),
});

const terraformCloud = z.strictObject({
  organization: z.string().regex(/^[A-Za-z0-9_-]{1,40}$/, "must be a Terraform Cloud organization name"),
  hostname: z
    .string()
    .regex(/^[a-z0-9.-]+$/, "must be a host name such as app.terraform.io")
    .default("app.terraform.io"),
  workspaceName: z
    .string()
    .default("{stack}")
    .describe("Workspace of each stack; {stack} is replaced by the stack name (one workspace per stack)")
    .superRefine((v, ctx) => {
      if (!v.includes("{stack}")) {
        ctx.addIssue({ code: "custom", message: `${show(v)} has no {stack}, so every stack would share one workspace; write e.g. "delivery-{stack}"` });
      } else if (!/^[A-Za-z0-9_-]+$/.test(v.replace("{stack}", "x"))) {
        ctx.addIssue({ code: "custom", message: `${show(v)} holds characters a workspace name cannot; use letters, digits, '-' and '_'` });
      }
    }),
  project: z.string().min(1).max(40).optional().describe("Terraform Cloud project of the workspaces"),
});

const s3 = z.strictObject({
  bucket: z.string().superRefine((v, ctx) => {
    const problem = bucketNameProblem(v);
    if (problem) ctx.addIssue({ code: "custom", message: `${show(v)} ${problem} (S3 bucket naming rules)` });
  }),
  region: z.string().regex(REGION_PATTERN, "must be an AWS region code").optional().describe("default: aws.region"),
  keyPrefix: z
    .string()
    .regex(/^[A-Za-z0-9!_.*'()/-]*[^/]$/, "must be a key prefix without a trailing '/'")
    .refine((v) => !v.startsWith("/"), "must not start with '/'")
    .default("gitlab-aws-delivery")
    .describe("State of each stack at <keyPrefix>/<stack>.tfstate"),
  kmsKeyId: z
    .string()
    .regex(/^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:(key|alias)\/.+$/, "must be a KMS key or alias ARN")
    .optional(),
  useLockfile: z.boolean().default(true).describe("S3-native locking (Terraform >= 1.10); no DynamoDB table needed"),
  dynamodbTable: z
    .string()
    .regex(/^[A-Za-z0-9_.-]{3,255}$/, "must be a DynamoDB table name")
    .optional()
    .describe("Only for older Terraform"),
});

const gitlab = z.strictObject({
  projectId: z.number().int().positive().describe("Numeric id of the GitLab project that holds the states (its Terraform states page)"),
});

export const stateSchema = z
  .strictObject({
    backend: z.enum(["local", "terraform-cloud", "s3", "gitlab"]).default("local"),
    local: local.optional(),
    terraformCloud: terraformCloud.optional(),
    s3: s3.optional(),
    gitlab: gitlab.optional(),
  })
  .superRefine((state, ctx) => {
    const key = { local: "local", "terraform-cloud": "terraformCloud", s3: "s3", gitlab: "gitlab" }[state.backend] as
      "local" | "terraformCloud" | "s3" | "gitlab";
    if (state.backend !== "local" && !state[key]) {
      ctx.addIssue({ code: "custom", path: [key], message: `is required with backend: ${state.backend}; add the ${key} section` });
    }
    for (const other of ["local", "terraformCloud", "s3", "gitlab"] as const) {
      if (other !== key && state[other]) {
        ctx.addIssue({ code: "custom", path: [other], message: `is set but backend is ${state.backend}; remove it or set backend accordingly` });
      }
    }
  })
  .default({ backend: "local" });

export type StateConfig = z.output<typeof stateSchema>;
