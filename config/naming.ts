import { awsName } from "../modules/core/rules/aws-name";

/*
 * The names a project's stack gives it, which the config checks (collisions.ts,
 * semantics.ts) before anything is built: stacks/ passes these very names to the modules.
 */

/**
 * Base of a project's AWS resource names (or the `name` override): its path with every
 * character CodeBuild names refuse ('/', '.') turned into '-'.
 */
export function projectBaseName(path: string, override?: string): string {
  return override ?? path.replace(/[^A-Za-z0-9_-]/g, "-");
}

/** Construct id of a project: derived from its path, so reordering the list changes nothing. */
export function projectConstructId(path: string): string {
  return path.replace(/\//g, "__");
}

/**
 * Prefix of a project's Terraform output names (`<key>_pipeline`), or the `outputPrefix`
 * override: its construct id with every character but letters, digits and '_' turned into
 * '_'. Two paths can share it ("acme/web-site", "acme/web_site"); the config refuses such a
 * pair in one stack.
 */
export function projectOutputKey(path: string, override?: string): string {
  return override ?? projectConstructId(path).replace(/[^A-Za-z0-9_]/g, "_");
}

/** AWS's limit on a Secrets Manager secret name. */
export const SECRET_NAME_MAX = 512;

/** What a project's Secrets Manager secrets hold; both suffixes have the same length. */
export type ProjectSecret = "deploy-token" | "status-token";

/** Name of one of a project's Secrets Manager secrets: `gitlab-aws-delivery/<path>/<what>`. */
export function projectSecretName(path: string, what: ProjectSecret): string {
  return `gitlab-aws-delivery/${path}/${what}`;
}

/** Name of a project's pipeline and of its build project (they share it). */
export function projectResourceName(base: string): string {
  return awsName(base, "", 100);
}

/** Name of a project's merge-request CI project. */
export function projectCiName(base: string): string {
  return awsName(base, "ci", 100);
}

/**
 * The stack key of a project: its `stack` override, else its top-level GitLab group. Its
 * stack is `<name>-<key>` (stacks/partition.ts groups the projects so).
 */
export function stackKey(project: { readonly path: string; readonly stack?: string }): string {
  return (
    project.stack ??
    project.path
      .split("/")[0]
      .toLowerCase()
      .replace(/[^a-z0-9-]/g, "-")
  );
}
