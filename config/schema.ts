import { z } from "zod";
import { repeated } from "./repeated";
import { show } from "./show";
import { branchNameProblem, projectPathProblem } from "./git-names";
import { instanceUrlProblem } from "./instance-url";
import { catalogProblems, protonSchema, serviceCatalogSchema } from "./catalog-schema";
import { stateSchema } from "./state-schema";
import { ciSchema } from "./ci-schema";
import { parseRoleReference } from "./role-reference";

/*
 * The one place the configuration's shape is defined. `schema/delivery.schema.json` is
 * generated from it (npm run schema); cross-field and clock-dependent rules live in
 * semantics.ts, since JSON Schema cannot express them.
 */

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

/** `privileged: true` needs a `privilegedReason`, which the CodeBuild project records. */
function privilegedNeedsReason(why: string, example: string) {
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

const adopt = z.strictObject({
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

const ROLE_ARN = /^arn:aws:iam::\d{12}:role\/[\w+=,.@\/-]{1,512}$/;
const roleArn = z.string().regex(ROLE_ARN, "must be an IAM role ARN (arn:aws:iam::<account>:role/<name>)");

/** One delivery environment: a pipeline stage after build and test. */
const environment = z
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

const pipeline = z
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
    adopt: adopt.optional().describe("Take over an existing pipeline: its source stage becomes the GitLab source, its other stages are kept as listed"),
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
      .array(environment)
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
    if (p.adopt && p.environments.length > 0) {
      ctx.addIssue({
        code: "custom",
        path: ["environments"],
        message: "cannot be combined with adopt: an adopted pipeline keeps its own stages; list them under adopt.stages",
      });
    }
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
const ci = z
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

const project = z
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
    pipeline: pipeline.default(pipeline.parse({})),
    ci: ci.optional().describe("A CodeBuild project built from the repository on merge requests, its status shown on the commit in GitLab"),
    serviceCatalog: serviceCatalogSchema.optional().describe("A Service Catalog portfolio whose products' templates come from this repository"),
    proton: protonSchema
      .optional()
      .describe("AWS Proton templates moved to Service Catalog: AWS ended Proton on 2026-10-07, so each becomes a product of the serviceCatalog portfolio"),
  })
  .superRefine((p, ctx) => {
    for (const problem of catalogProblems(p)) ctx.addIssue({ code: "custom", ...problem });
    if (p.ci && p.pipeline.triggers.mergeRequests?.length) {
      ctx.addIssue({
        code: "custom",
        path: ["ci"],
        message: "and pipeline.triggers.mergeRequests would both build every merge request (a CodeBuild webhook and a pipeline trigger); keep one of them",
      });
    }
  });

const tagKey = z.string().min(1).max(128);

const awsId = (prefix: string) =>
  z.string().superRefine((value, ctx) => {
    if (!new RegExp(`^${prefix}-[0-9a-f]{8}(?:[0-9a-f]{9})?$`).test(value)) {
      ctx.addIssue({ code: "custom", message: `${show(value)} is not a ${prefix} id; write it as "${prefix}-" followed by 8 or 17 hex digits` });
    }
  });

const cidr = z.string().superRefine((value, ctx) => {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(value);
  if (!m || m.slice(1, 5).some((o) => Number(o) > 255) || Number(m[5]) > 32) {
    ctx.addIssue({ code: "custom", message: `${show(value)} is not an IPv4 CIDR; write the instance's address as "10.0.5.10/32"` });
  }
});

/** Where a self-managed instance sits in a VPC that AWS reaches through the host. */
const vpc = z
  .strictObject({
    vpcId: awsId("vpc"),
    subnetIds: z.array(awsId("subnet")).min(1, "needs at least one subnet; list the subnets the host may use").max(16),
    securityGroupIds: z
      .array(awsId("sg"))
      .min(1)
      .max(16)
      .optional()
      .describe("Security groups of the host; default: one created with egress to instanceCidrs on the instance's port only"),
    instanceCidrs: z.array(cidr).min(1).max(16).optional().describe("Addresses of the GitLab instance, for the security group this tool creates"),
    tlsCertificateFile: z.string().min(1).optional().describe("PEM file (relative to this config file): the instance's certificate, or the CA that signed it"),
    tlsCertificate: z.string().min(1).optional().describe("The same PEM, inline"),
  })
  .superRefine((v, ctx) => {
    if (!v.securityGroupIds && !v.instanceCidrs) {
      ctx.addIssue({
        code: "custom",
        path: ["instanceCidrs"],
        message: "is required when securityGroupIds is not given: the security group this tool creates allows egress to these addresses only",
      });
    }
    if (v.tlsCertificateFile && v.tlsCertificate) {
      ctx.addIssue({ code: "custom", path: ["tlsCertificate"], message: "is given twice (tlsCertificateFile and tlsCertificate); keep one" });
    }
  });

const gitlab = z
  .strictObject({
    kind: z
      .enum(["gitlab.com", "self-managed", "dedicated"])
      .default("gitlab.com")
      .describe("dedicated is treated as self-managed at its own URL (no AWS document names GitLab Dedicated)"),
    url: z.string().optional().describe("https://host[:port] of a self-managed or Dedicated instance, without a path"),
    vpc: vpc.optional(),
  })
  .superRefine((g, ctx) => {
    if (g.kind === "gitlab.com") {
      if (g.url !== undefined && g.url.replace(/\/+$/, "") !== "https://gitlab.com") {
        ctx.addIssue({ code: "custom", path: ["url"], message: `${show(g.url)} is not GitLab.com; set kind: self-managed for your own instance` });
      }
      if (g.vpc) ctx.addIssue({ code: "custom", path: ["vpc"], message: "applies to self-managed instances only; set kind: self-managed, or remove vpc" });
      return;
    }
    if (g.url === undefined) {
      ctx.addIssue({ code: "custom", path: ["url"], message: `is required with kind: ${g.kind}; write the instance URL as "https://gitlab.example.com"` });
      return;
    }
    const problem = instanceUrlProblem(g.url);
    if (problem) ctx.addIssue({ code: "custom", path: ["url"], message: `${show(g.url)} ${problem}` });
  });

export const deliveryConfigSchema = z.strictObject({
  name: z
    .string()
    .regex(/^[a-z][a-z0-9-]{1,38}[a-z0-9]$/, "must be 3-40 lowercase letters, digits or '-', starting with a letter")
    .describe("Prefix of every stack name (<name>-shared, <name>-<group>) and of shared resource names"),
  aws: z.strictObject({
    region: z.string(),
    defaultTags: z.record(tagKey, z.string().max(256)).default({}),
    skipConnectionRegionCheck: z.boolean().default(false).describe("Accept a region that this tool believes has no CodeConnections (for when AWS adds it)"),
  }),
  gitlab: gitlab.default({ kind: "gitlab.com" }),
  state: stateSchema.describe("Where each stack keeps its Terraform state (one state per stack)"),
  connection: z.strictObject({
    name: z
      .string()
      .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$/, "must be 1-32 letters, digits, '.', '_' or '-' (AWS allows 32 characters)")
      .describe("Name of the CodeConnections connection"),
  }),
  projects: z.array(project).min(1),
  ci: ciSchema.optional().describe("How the GitLab pipeline running this tool reaches AWS (opt-in)"),
});

export type DeliveryConfig = z.output<typeof deliveryConfigSchema>;
export type ProjectConfig = DeliveryConfig["projects"][number];
export type PipelineConfig = ProjectConfig["pipeline"];
export type BuildConfig = PipelineConfig["build"];
export type PushFilter = NonNullable<PipelineConfig["triggers"]["push"]>[number];
export type EnvironmentConfig = PipelineConfig["environments"][number];
export type AdoptConfig = NonNullable<PipelineConfig["adopt"]>;
export type MergeRequestFilter = NonNullable<PipelineConfig["triggers"]["mergeRequests"]>[number];

/** The JSON Schema editors use to complete delivery.yaml (published in schema/). */
export function deliveryJsonSchema(): Record<string, unknown> {
  const generated = z.toJSONSchema(deliveryConfigSchema, { io: "input", unrepresentable: "any" });
  return {
    ...generated,
    title: "gitlab-aws-delivery configuration",
  };
}
