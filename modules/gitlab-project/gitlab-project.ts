import { DataGitlabGroup } from "@cdktf/provider-gitlab/lib/data-gitlab-group";
import { DataGitlabProject } from "@cdktf/provider-gitlab/lib/data-gitlab-project";
import { Project } from "@cdktf/provider-gitlab/lib/project";
import { TerraformStack } from "cdktf";
import { Construct } from "constructs";

export interface GitlabProjectProps {
  /** Full path `group/subgroup/.../project` (validated by the config layer). */
  readonly path: string;
  /**
   * `create` declares the project in its group; `adopt` reads an existing project.
   * @default "create"
   */
  readonly mode?: "create" | "adopt";
  /** Default branch of a project created here. @default "main" */
  readonly defaultBranch?: string;
  /** Visibility of a project created here. @default "private" */
  readonly visibility?: "private" | "internal" | "public";
  /** Description of a project created here. @default - none */
  readonly description?: string;
}

/**
 * A GitLab project, created or adopted. Either way `pathWithNamespace` is a reference into
 * the GitLab side of the graph, so AWS resources that use it depend on the project.
 */
export class GitlabProject extends Construct {
  /** An existing project, by its full path (`group/subgroup/project`): read, never changed. */
  static fromPath(scope: Construct, id: string, path: string): GitlabProject {
    return new GitlabProject(scope, id, { path, mode: "adopt" });
  }

  /** Token for the project's `path_with_namespace` (CodePipeline's FullRepositoryId). */
  readonly pathWithNamespace: string;
  /** Token for the numeric project id, as a string (what GitLab resources take). */
  readonly projectId: string;
  /** Token for the project's web URL. */
  readonly webUrl: string;
  /** Token for the HTTPS clone URL (what a CodeBuild GitLab source takes as location). */
  readonly httpUrlToRepo: string;
  /** The path as configured, for names and messages (never a token). */
  readonly path: string;

  constructor(scope: Construct, id: string, props: GitlabProjectProps) {
    super(scope, id);
    this.path = props.path;
    if ((props.mode ?? "create") === "adopt") {
      const existing = new DataGitlabProject(this, "Resource", { pathWithNamespace: props.path });
      this.pathWithNamespace = existing.pathWithNamespace;
      this.projectId = existing.id;
      this.webUrl = existing.webUrl;
      this.httpUrlToRepo = existing.httpUrlToRepo;
      return;
    }
    const segments = props.path.split("/");
    const group = namespace(this, segments.slice(0, -1).join("/"));
    const project = new Project(this, "Resource", {
      name: segments[segments.length - 1],
      path: segments[segments.length - 1],
      namespaceId: group.groupId,
      defaultBranch: props.defaultBranch ?? "main",
      visibilityLevel: props.visibility ?? "private",
      description: props.description,
      initializeWithReadme: true,
      // Deleting a project deletes its code; archiving keeps it recoverable.
      archiveOnDestroy: true,
      lifecycle: { preventDestroy: true },
    });
    this.pathWithNamespace = project.pathWithNamespace;
    this.projectId = project.id;
    this.webUrl = project.webUrl;
    this.httpUrlToRepo = project.httpUrlToRepo;
  }
}

/** The group a project is created in, read once per stack however many projects it holds. */
function namespace(scope: Construct, fullPath: string): DataGitlabGroup {
  const stack = TerraformStack.of(scope);
  const id = `Group-${fullPath.replace(/\//g, "__")}`;
  return (stack.node.tryFindChild(id) as DataGitlabGroup | undefined) ?? new DataGitlabGroup(stack, id, { fullPath });
}
