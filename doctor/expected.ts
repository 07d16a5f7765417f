/*
 * What the live state should look like, read from the configuration and the synthesized
 * stacks (cdk.tf.json): the names terraform gives things, resolved through the references
 * cdktf writes (`${gitlab_project.X.path_with_namespace}`), so a renamed output prefix or an
 * adopted project is read as it will be deployed.
 */
import { DeliveryConfig } from "../config/schema";

type Json = Record<string, any>;

export interface SynthesizedStack {
  readonly name: string;
  readonly json: Json;
}

export interface ExpectedHost {
  readonly name: string;
  readonly endpoint: string;
  readonly vpc?: {
    readonly vpcId: string;
    readonly subnetIds: readonly string[];
    /** Only the ids written literally: a security group this tool creates has no id before apply. */
    readonly securityGroupIds: readonly string[];
    readonly tlsCertificate?: string;
  };
}

export interface ExpectedConnection {
  readonly stack: string;
  readonly name: string;
  readonly providerType: "GitLab" | "GitLabSelfManaged";
  readonly host?: ExpectedHost;
}

/** A push or pull-request filter of a V2 trigger, in the API's words. */
export type Triggers = Json;

export interface ExpectedPipeline {
  readonly stack: string;
  readonly name: string;
  /** FullRepositoryId: the GitLab project path. */
  readonly project: string;
  readonly branch: string;
  readonly sourceAction: string;
  readonly triggers: Triggers;
  readonly buildProjects: readonly string[];
  /** The pipeline's address in its stack's state (`aws_codepipeline.<id>[0]`: it is counted by the gate). */
  readonly address: string;
}

export interface ExpectedDeployToken {
  readonly name: string;
  readonly expiresAt?: string;
}

export interface ExpectedProject {
  readonly stack: string;
  readonly path: string;
  readonly defaultBranch: string;
  readonly mode: "create" | "adopt";
  readonly deployTokens: readonly ExpectedDeployToken[];
}

export interface Expected {
  readonly region: string;
  /** The GitLab instance, "https://gitlab.com" or the configured URL. */
  readonly gitlabUrl: string;
  readonly connection: ExpectedConnection;
  readonly pipelines: readonly ExpectedPipeline[];
  readonly projects: readonly ExpectedProject[];
}

const REF = /^\$\{(data\.)?([A-Za-z0-9_]+)\.([^.}]+)\.([A-Za-z0-9_]+)\}$/;

/** The block that `${[data.]type.name.attr}` points at in `stack`, and the attribute. */
function resolve(stack: Json, value: unknown): { block: Json; type: string; data: boolean; attr: string } | undefined {
  const m = typeof value === "string" ? REF.exec(value) : null;
  if (!m) return undefined;
  const [, data, type, name, attr] = m;
  const block = (data ? stack.data : stack.resource)?.[type]?.[name];
  return block ? { block, type, data: Boolean(data), attr } : undefined;
}

/** A GitLab project's path from a literal, or a reference to a `gitlab_project` resource or data source. */
function projectPath(stack: Json, value: unknown): string | undefined {
  if (typeof value === "string" && !value.includes("${")) return value;
  const ref = resolve(stack, value);
  if (!ref || ref.type !== "gitlab_project") return undefined;
  if (ref.data) return ref.block.path_with_namespace;
  const group = resolve(stack, ref.block.namespace_id);
  return group?.block.full_path ? `${group.block.full_path}/${ref.block.path}` : undefined;
}

const values = (section: Json | undefined): Json[] => Object.values<Json>(section ?? {});

/** The expectations for `config`, whose synthesized stacks are `stacks`. */
export function expectedFrom(config: DeliveryConfig, stacks: readonly SynthesizedStack[]): Expected {
  const connection = connectionFrom(stacks);
  const pipelines = stacks.flatMap((s) => Object.entries<Json>(s.json.resource?.aws_codepipeline ?? {}).map(([id, p]) => pipelineFrom(s, id, p)));
  const tokens = stacks.flatMap((s) =>
    values(s.json.resource?.gitlab_project_deploy_token).map((t) => ({
      stack: s.name,
      path: projectPath(s.json, t.project),
      token: { name: String(t.name), expiresAt: typeof t.expires_at === "string" ? t.expires_at : undefined },
    })),
  );
  const projects = config.projects.map((p): ExpectedProject => {
    const own = tokens.filter((t) => t.path === p.path);
    const stack = own[0]?.stack ?? pipelines.find((x) => x.project === p.path)?.stack ?? connection.stack;
    return { stack, path: p.path, defaultBranch: p.defaultBranch, mode: p.mode, deployTokens: own.map((t) => t.token) };
  });
  return {
    region: config.aws.region,
    gitlabUrl: (config.gitlab.url ?? "https://gitlab.com").replace(/\/+$/, ""),
    connection,
    pipelines,
    projects,
  };
}

function connectionFrom(stacks: readonly SynthesizedStack[]): ExpectedConnection {
  for (const s of stacks) {
    for (const type of ["aws_codeconnections_connection", "aws_codestarconnections_connection"]) {
      const c = values(s.json.resource?.[type])[0];
      if (!c) continue;
      const hostBlock = resolve(s.json, c.host_arn)?.block;
      return {
        stack: s.name,
        name: String(c.name),
        providerType: hostBlock ? "GitLabSelfManaged" : (c.provider_type ?? "GitLab"),
        host: hostBlock && hostFrom(hostBlock),
      };
    }
  }
  throw new Error("no synthesized stack declares the CodeConnections connection");
}

function hostFrom(h: Json): ExpectedHost {
  const vpc = Array.isArray(h.vpc_configuration) ? h.vpc_configuration[0] : h.vpc_configuration;
  const literal = (xs: unknown): string[] => (Array.isArray(xs) ? xs.filter((x): x is string => typeof x === "string" && !x.includes("${")) : []);
  return {
    name: String(h.name),
    endpoint: String(h.provider_endpoint),
    vpc: vpc && {
      vpcId: String(vpc.vpc_id),
      subnetIds: literal(vpc.subnet_ids),
      securityGroupIds: literal(vpc.security_group_ids),
      tlsCertificate: vpc.tls_certificate,
    },
  };
}

function pipelineFrom(s: SynthesizedStack, id: string, p: Json): ExpectedPipeline {
  const actions: Json[] = (p.stage ?? []).flatMap((st: Json) => st.action ?? []);
  const source = actions.find((a) => a.category === "Source" && a.provider === "CodeStarSourceConnection") ?? {};
  const buildProjects = actions
    .filter((a) => a.provider === "CodeBuild")
    .map((a) => {
      const name = a.configuration?.ProjectName;
      const ref = resolve(s.json, name);
      return ref?.type === "aws_codebuild_project" ? ref.block.name : name;
    })
    .filter((n): n is string => typeof n === "string" && !n.includes("${"));
  return {
    stack: s.name,
    name: String(p.name),
    project: projectPath(s.json, source.configuration?.FullRepositoryId) ?? String(source.configuration?.FullRepositoryId),
    branch: String(source.configuration?.BranchName),
    sourceAction: String(source.name),
    triggers: triggersFromTerraform(p.trigger ?? []),
    buildProjects: [...new Set(buildProjects)].sort(),
    address: `aws_codepipeline.${id}${p.count === undefined ? "" : "[0]"}`,
  };
}

const filter = (f: Json | undefined): Json | undefined =>
  f && {
    ...(f.includes?.length ? { includes: [...f.includes].sort() } : {}),
    ...(f.excludes?.length ? { excludes: [...f.excludes].sort() } : {}),
  };

const compact = (o: Json): Json => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined && !(Array.isArray(v) && v.length === 0)));

/** Terraform's `trigger` blocks in the shape GetPipeline answers (camelCase), sorted, so the two compare as JSON. */
export function triggersFromTerraform(blocks: readonly Json[]): Triggers {
  return blocks.map((t) => {
    const g = Array.isArray(t.git_configuration) ? t.git_configuration[0] : t.git_configuration;
    return compact({
      providerType: t.provider_type,
      sourceActionName: g?.source_action_name,
      push: (g?.push ?? []).map((x: Json) => compact({ branches: filter(one(x.branches)), tags: filter(one(x.tags)), filePaths: filter(one(x.file_paths)) })),
      pullRequest: (g?.pull_request ?? []).map((x: Json) =>
        compact({ events: x.events && [...x.events].sort(), branches: filter(one(x.branches)), filePaths: filter(one(x.file_paths)) }),
      ),
    });
  });
}

/** GetPipeline's `triggers` in the same shape. */
export function triggersFromApi(triggers: readonly Json[] | undefined): Triggers {
  return (triggers ?? []).map((t) =>
    compact({
      providerType: t.providerType,
      sourceActionName: t.gitConfiguration?.sourceActionName,
      push: (t.gitConfiguration?.push ?? []).map((x: Json) => compact({ branches: filter(x.branches), tags: filter(x.tags), filePaths: filter(x.filePaths) })),
      pullRequest: (t.gitConfiguration?.pullRequest ?? []).map((x: Json) =>
        compact({ events: x.events && [...x.events].sort(), branches: filter(x.branches), filePaths: filter(x.filePaths) }),
      ),
    }),
  );
}

const one = (x: unknown): Json | undefined => (Array.isArray(x) ? x[0] : (x as Json | undefined));
