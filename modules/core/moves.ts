import { DataAwsSecretsmanagerSecret } from "@cdktf/provider-aws/lib/data-aws-secretsmanager-secret";
import { TerraformResource, TerraformStack, Token } from "cdktf";
import { Construct, IConstruct } from "constructs";
import { forgetResource } from "./forget";
import { StackEnv } from "./stack-env";

/*
 * A project moved between stacks on purpose (its `stack:` changed, or a rebalance): its
 * objects must change Terraform state without being destroyed. The stack it leaves forgets
 * them (`removed { lifecycle { destroy = false } }`); the stack it joins imports them
 * (`import { to, id }`), both Terraform >= 1.7, each planned and applied on its own.
 */

type Attrs = Record<string, unknown>;

/** A project's object that this tool cannot import into the stack the project moves to. */
export class CannotMoveError extends Error {
  constructor(
    readonly project: string,
    readonly resourceType: string,
  ) {
    super(
      `${project} cannot be moved by removed + import blocks: this tool does not know how Terraform imports its ${resourceType}; ` +
        "put its `stack:` back, or move its state by hand (terraform state mv, README: Large organisations)",
    );
    this.name = "CannotMoveError";
  }
}

interface Found {
  readonly resource: TerraformResource;
  readonly type: string;
  readonly attrs: Attrs;
}

/**
 * Types whose objects are not imported but made anew in the stack the project joins: GitLab
 * never shows a deploy token again, so the stack makes a new token and a new secret version
 * holding it; the old token stays valid until it expires or is revoked (README).
 */
const MADE_ANEW = new Set(["gitlab_project_deploy_token", "aws_secretsmanager_secret_version"]);

/** Where each object's resource sits below its stack (construct ids), and its type: what the stack it leaves forgets. */
export interface MovedResource {
  readonly type: string;
  readonly path: readonly string[];
}

/** The resources below `scope` (a project's construct), as forgetResource takes them. */
export function movedResources(scope: IConstruct): MovedResource[] {
  const stackPath = TerraformStack.of(scope).node.scopes.length;
  return resourcesBelow(scope).map((f) => ({ type: f.type, path: f.resource.node.scopes.slice(stackPath).map((s) => s.node.id) }));
}

/** In the stack a project leaves: forget each of its objects, destroy none. */
export function forgetMoved(stack: TerraformStack, resources: readonly MovedResource[]): void {
  for (const r of resources) forgetResource(stack, r.type, r.path);
}

/**
 * In the stack a project joins: an import block for each of its objects (at index 0 for one
 * made under `count`), with the id its type is imported by. Throws UserFacingMoveError for a
 * type this tool cannot import.
 */
export function importMoved(stack: TerraformStack, project: IConstruct, projectPath: string): void {
  const env = StackEnv.of(stack);
  const found = resourcesBelow(project);
  const roleNames = new Map(found.filter((f) => f.type === "aws_iam_role").map((f) => [f.resource.friendlyUniqueId, String(f.attrs.name)]));
  const blocks: Attrs[] = [];
  for (const f of found) {
    if (MADE_ANEW.has(f.type)) continue;
    const id = importId(f, { roleNames, env, projectPath, scope: project });
    const to = `${f.type}.${f.resource.friendlyUniqueId}${f.resource.count === undefined ? "" : "[0]"}`;
    blocks.push({ to, id });
  }
  imports(stack).push(...blocks);
  stack.addOverride("import", imports(stack));
}

const importLists = new WeakMap<TerraformStack, Attrs[]>();
function imports(stack: TerraformStack): Attrs[] {
  let list = importLists.get(stack);
  if (!list) importLists.set(stack, (list = []));
  return list;
}

function importId(f: Found, c: { roleNames: Map<string, string>; env: StackEnv; projectPath: string; scope: Construct }): string {
  const name = String(f.attrs.name ?? "");
  switch (f.type) {
    // Imported by name (aws provider 5.x/6.x import docs of each resource).
    case "aws_cloudwatch_log_group":
    case "aws_codebuild_project":
    case "aws_codepipeline":
    case "aws_iam_role":
      return name;
    case "aws_iam_role_policy": {
      // `role:policy`; an inline policy of a role made here sits beside the role's resource.
      const sibling = f.resource.node.scope?.node.tryFindChild("Resource") as TerraformResource | undefined;
      const role = Token.isUnresolved(f.attrs.role) ? c.roleNames.get(sibling?.friendlyUniqueId ?? "") : String(f.attrs.role);
      if (!role) throw new CannotMoveError(c.projectPath, `${f.type} (its role is not its parent)`);
      return `${role}:${name}`;
    }
    case "aws_codebuild_report_group":
      return c.env.arn("codebuild", `report-group/${name}`);
    case "aws_secretsmanager_secret": {
      // Imported by ARN, whose random suffix only AWS knows: read by name first.
      const read = new DataAwsSecretsmanagerSecret(f.resource.node.scope ?? c.scope, `${f.resource.node.id}Moved`, { name });
      return read.arn;
    }
    case "gitlab_project":
      // The GitLab provider imports a project by id or by its full path.
      return c.projectPath;
    default:
      throw new CannotMoveError(c.projectPath, f.type);
  }
}

function resourcesBelow(scope: IConstruct): Found[] {
  return scope.node
    .findAll()
    .filter((c): c is TerraformResource => c instanceof TerraformResource)
    .map((resource) => {
      const json = resource.toTerraform() as { resource?: Record<string, Record<string, Attrs>> };
      const attrs = json.resource?.[resource.terraformResourceType]?.[resource.friendlyUniqueId] ?? {};
      return { resource, type: resource.terraformResourceType, attrs };
    })
    .filter((f) => !Token.isUnresolved(f.type));
}
