import { z } from "zod";
import { OWNER_ID_MAX, REPOSITORY_LINK_ID, REPOSITORY_NAME_MAX } from "../modules/core/rules/repository-link";
import { branchName } from "./fields";
import { show } from "./show";

/*
 * CloudFormation Git sync (projects[i].gitSync): CloudFormation keeps stacks in step with a
 * deployment file in the GitLab repository, through a CodeConnections repository link.
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/git-sync.html
 */

const namedAction = z.string().superRefine((value, ctx) => {
  if (value.includes("*") || value.includes("?")) {
    ctx.addIssue({
      code: "custom",
      message: `${show(value)} is a wildcard; the sync role acts for one stack, so name each action its resources need (e.g. "sqs:CreateQueue")`,
    });
  } else if (!/^[a-z0-9-]+:[A-Za-z0-9]+$/.test(value)) {
    ctx.addIssue({ code: "custom", message: `${show(value)} is not an IAM action; write "service:Action", e.g. "sqs:CreateQueue"` });
  }
});

const resourceArn = z.string().superRefine((value, ctx) => {
  if (value === "*") {
    ctx.addIssue({
      code: "custom",
      message: `"*" names every resource of the account; list the ARNs of the stack's resources (a trailing "*" in a name is fine)`,
    });
  } else if (!/^arn:aws:[a-z0-9-]+:[a-z0-9-]*:(\d{12})?:.+$/.test(value)) {
    ctx.addIssue({ code: "custom", message: `${show(value)} is not an ARN; write "arn:aws:<service>:<region>:<account>:<resource>"` });
  }
});

const syncedStack = z.strictObject({
  stackName: z.string().regex(/^[A-Za-z][A-Za-z0-9-]{0,127}$/, "must be a CloudFormation stack name (a letter, then letters, digits or '-', at most 128)"),
  deploymentFile: z
    .string()
    .regex(/^[^/].*\.(ya?ml|json)$/, "must be a relative path to a .yaml, .yml or .json file in the repository")
    .describe("The stack deployment file in the repository (template-file-path, parameters, tags)"),
  branch: branchName.optional().describe("Branch CloudFormation follows; default: the project's defaultBranch"),
  publishDeploymentStatus: z.boolean().default(true).describe("Publish the sync's deployment status to GitLab"),
  triggerOn: z
    .enum(["any-change", "file-change"])
    .default("any-change")
    .describe("Sync on any change of the deployment file or template, or only when the deployment file changes"),
  permissions: z
    .array(z.strictObject({ actions: z.array(namedAction).min(1).max(50), resources: z.array(resourceArn).min(1).max(50) }))
    .max(10)
    .default([])
    .describe("More for the sync role, named actions on named ARNs: what the stack's resources need; default: only what Git sync itself needs, on this stack"),
});

export const gitSyncSchema = z
  .strictObject({
    repositoryLinkId: z
      .string()
      .regex(REPOSITORY_LINK_ID, "must be a repository link id (a UUID, from the Connections console)")
      .optional()
      .describe("An existing repository link of this repository (AWS allows one per repository); default: one is created"),
    stacks: z.array(syncedStack).min(1).max(10),
  })
  .describe("CloudFormation Git sync: each stack follows its deployment file in this repository");

export type GitSyncConfig = z.infer<typeof gitSyncSchema>;

/**
 * AWS's rules for a repository link, checked before synthesis: the repository's owner (its
 * namespace) and name within CodeConnections' limits; each stack synced once, and not also
 * deployed by this project's pipeline.
 */
export function gitSyncProblems(
  projectPath: string,
  gitSync: GitSyncConfig | undefined,
  pipelineStacks: readonly string[],
): Array<{ path: PropertyKey[]; message: string }> {
  if (!gitSync) return [];
  const problems: Array<{ path: PropertyKey[]; message: string }> = [];
  const { owner, name } = repositoryOf(projectPath);
  if (owner.length > OWNER_ID_MAX) {
    problems.push({
      path: ["gitSync"],
      message: `needs a repository link, whose owner (the namespace ${show(owner)}, ${owner.length} characters) may have at most ${OWNER_ID_MAX}; move the project to a shorter group path`,
    });
  }
  if (name.length > REPOSITORY_NAME_MAX) {
    problems.push({
      path: ["gitSync"],
      message: `needs a repository link, whose repository name (${show(name)}, ${name.length} characters) may have at most ${REPOSITORY_NAME_MAX}; rename the project's path`,
    });
  }
  const seen = new Set<string>();
  gitSync.stacks.forEach((s, i) => {
    if (seen.has(s.stackName)) {
      problems.push({ path: ["gitSync", "stacks", i, "stackName"], message: `${show(s.stackName)} is listed twice; a stack has one sync configuration` });
    }
    seen.add(s.stackName);
    if (pipelineStacks.includes(s.stackName)) {
      problems.push({
        path: ["gitSync", "stacks", i, "stackName"],
        message: `${show(s.stackName)} is also deployed by this project's pipeline (an environment's cloudformation.stackName); let one of them own the stack`,
      });
    }
  });
  return problems;
}

/** A GitLab project path as a repository link sees it: the namespace owns the repository. */
export function repositoryOf(projectPath: string): { owner: string; name: string } {
  const cut = projectPath.lastIndexOf("/");
  return { owner: projectPath.slice(0, cut), name: projectPath.slice(cut + 1) };
}

/**
 * Across projects: a stack has one owner, so two projects may not sync it, and one may not
 * sync a stack another project's pipeline deploys.
 */
export function gitSyncCollisions(
  projects: ReadonlyArray<{ gitSync?: GitSyncConfig; pipeline: { environments: ReadonlyArray<{ deploy: { cloudformation?: { stackName: string } } }> } }>,
): Array<{ path: string; message: string }> {
  const owners = new Map<string, string>();
  projects.forEach((p, i) => {
    p.pipeline.environments.forEach((e, j) => {
      const name = e.deploy.cloudformation?.stackName;
      if (name && !owners.has(name)) owners.set(name, `projects[${i}].pipeline.environments[${j}]`);
    });
  });
  const problems: Array<{ path: string; message: string }> = [];
  projects.forEach((p, i) => {
    p.gitSync?.stacks.forEach((s, j) => {
      const path = `projects[${i}].gitSync.stacks[${j}].stackName`;
      const other = owners.get(s.stackName);
      if (other && !other.startsWith(`projects[${i}].`)) {
        problems.push({ path, message: `${show(s.stackName)} is also managed by ${other}; a stack has one owner: sync it or deploy it, from one project` });
      }
      if (!other) owners.set(s.stackName, path);
    });
  });
  return problems;
}
