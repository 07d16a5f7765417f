/*
 * The pipeline actions this library puts in a CodePipeline V2, one function per kind, and
 * the source action's variables typed by name: the only place an action literal is written.
 * @see https://docs.aws.amazon.com/codepipeline/latest/userguide/action-reference.html
 */
import { CodepipelineStageAction } from "@cdktf/provider-aws/lib/codepipeline";

/** Namespace of the GitLab source action's output variables. */
export const SOURCE_NAMESPACE = "SourceVariables";

/**
 * The output variables of the CodeStarSourceConnection action, as the `#{…}` references
 * later actions read (resolved when those actions run).
 * @see https://docs.aws.amazon.com/codepipeline/latest/userguide/reference-variables.html#reference-variables-list
 */
export const sourceVariables = {
  authorDate: `#{${SOURCE_NAMESPACE}.AuthorDate}`,
  branchName: `#{${SOURCE_NAMESPACE}.BranchName}`,
  commitId: `#{${SOURCE_NAMESPACE}.CommitId}`,
  commitMessage: `#{${SOURCE_NAMESPACE}.CommitMessage}`,
  connectionArn: `#{${SOURCE_NAMESPACE}.ConnectionArn}`,
  fullRepositoryName: `#{${SOURCE_NAMESPACE}.FullRepositoryName}`,
} as const;

/** The commit every build and deploy is told about, after its own variables. */
const TRACE = [
  { name: "GITLAB_COMMIT_ID", value: sourceVariables.commitId, type: "PLAINTEXT" },
  { name: "GITLAB_BRANCH", value: sourceVariables.branchName, type: "PLAINTEXT" },
  { name: "GITLAB_REPOSITORY", value: sourceVariables.fullRepositoryName, type: "PLAINTEXT" },
];

/**
 * A CodeBuild action's variables: its own (resolved when the action runs, so they may read
 * `#{variables.NAME}` pipeline variables), then the GitLab commit it builds or deploys.
 */
export function actionVariables(variables: Record<string, string> = {}): string {
  const own = Object.entries(variables)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, value]) => ({ name, value, type: "PLAINTEXT" }));
  return JSON.stringify([...own, ...TRACE]);
}

export interface GitlabSourceActionProps {
  /** Name of the action (what triggers name as their source action). */
  readonly name: string;
  /** ARN of the connection it reads GitLab through. */
  readonly connectionArn: string;
  /** `group/project` of the repository. */
  readonly fullRepositoryId: string;
  /** Branch that manual runs read. */
  readonly branch: string;
  /** Name of its output artifact. */
  readonly output: string;
  /** A zip of the commit, or a git clone reference (CodeBuild actions only). */
  readonly artifactFormat: "CODE_ZIP" | "CODEBUILD_CLONE_REF";
}

/** The GitLab source over a connection; its variables are `sourceVariables`. */
export function gitlabSourceAction(p: GitlabSourceActionProps): CodepipelineStageAction {
  return {
    name: p.name,
    category: "Source",
    owner: "AWS",
    provider: "CodeStarSourceConnection",
    version: "1",
    namespace: SOURCE_NAMESPACE,
    outputArtifacts: [p.output],
    configuration: {
      ConnectionArn: p.connectionArn,
      FullRepositoryId: p.fullRepositoryId,
      BranchName: p.branch,
      OutputArtifactFormat: p.artifactFormat,
    },
  };
}

export interface CodeBuildActionProps {
  /** Name of the action in its stage. */
  readonly name: string;
  /** Name of the CodeBuild project it starts. */
  readonly projectName: string;
  /** Input artifacts; the first is the build's source. */
  readonly inputs: readonly string[];
  /** Output artifacts. @default - none */
  readonly outputs?: readonly string[];
  /** Position in its stage. @default - the stage's first run */
  readonly runOrder?: number;
  /** The action's own variables, before the commit's. @default - the commit variables only */
  readonly variables?: Record<string, string>;
}

/** A CodeBuild build (category Build): it gets the commit through `actionVariables`. */
export function codeBuildAction(p: CodeBuildActionProps): CodepipelineStageAction {
  return {
    name: p.name,
    category: "Build",
    owner: "AWS",
    provider: "CodeBuild",
    version: "1",
    runOrder: p.runOrder,
    inputArtifacts: [...p.inputs],
    outputArtifacts: p.outputs && [...p.outputs],
    configuration: { ProjectName: p.projectName, EnvironmentVariables: actionVariables(p.variables) },
  };
}

/** A manual approval; `message` is shown to the approver. */
export function manualApprovalAction(p: { readonly runOrder: number; readonly message: string }): CodepipelineStageAction {
  return {
    name: "Approve",
    category: "Approval",
    owner: "AWS",
    provider: "Manual",
    version: "1",
    runOrder: p.runOrder,
    configuration: { CustomData: p.message },
  };
}

export interface CloudFormationDeployActionProps {
  /** Position in its stage. */
  readonly runOrder: number;
  /** The stack it creates or updates. */
  readonly stackName: string;
  /** `artifact::path` of the template. */
  readonly templatePath: string;
  /** `artifact::path` of the template configuration file. */
  readonly templateConfiguration: string;
  /** Input artifacts: the template's and the configuration file's. */
  readonly inputs: readonly string[];
  /** Sorted JSON of the template parameters that win over the file's. @default - none */
  readonly parameterOverrides?: string;
  /** CloudFormation capabilities, such as CAPABILITY_IAM. @default - none */
  readonly capabilities?: readonly string[];
  /** The role CloudFormation runs the stack as. */
  readonly executionRoleArn: string;
  /** A role (of another account) the action itself runs as. @default - the pipeline's role */
  readonly roleArn?: string;
}

/** A CloudFormation create-or-update of one stack. */
export function cloudFormationDeployAction(p: CloudFormationDeployActionProps): CodepipelineStageAction {
  return {
    name: "Deploy",
    category: "Deploy",
    owner: "AWS",
    provider: "CloudFormation",
    version: "1",
    runOrder: p.runOrder,
    inputArtifacts: [...p.inputs],
    roleArn: p.roleArn,
    configuration: {
      ActionMode: "CREATE_UPDATE",
      StackName: p.stackName,
      TemplatePath: p.templatePath,
      TemplateConfiguration: p.templateConfiguration,
      ...(p.parameterOverrides ? { ParameterOverrides: p.parameterOverrides } : {}),
      ...(p.capabilities?.length ? { Capabilities: p.capabilities.join(",") } : {}),
      RoleArn: p.executionRoleArn,
    },
  };
}

export interface ServiceCatalogPublishActionProps {
  /** Product name (names the action). */
  readonly productName: string;
  /** Id of the product it publishes a version of. */
  readonly productId: string;
  /** Template path inside `input`. */
  readonly templatePath: string;
  /** GitLab path, named in the version description. */
  readonly repository: string;
  /** The source artifact that holds the template. */
  readonly input: string;
}

/** Publishes the template at the source commit as a new version (named by the commit) of one product. */
export function serviceCatalogPublishAction(p: ServiceCatalogPublishActionProps): CodepipelineStageAction {
  return {
    name: `Publish-${p.productName}`.slice(0, 100),
    category: "Deploy",
    owner: "AWS",
    provider: "ServiceCatalog",
    version: "1",
    runOrder: 1,
    inputArtifacts: [p.input],
    configuration: {
      TemplateFilePath: p.templatePath,
      ProductVersionName: sourceVariables.commitId,
      ProductVersionDescription: `${p.repository} at commit ${sourceVariables.commitId} (${sourceVariables.branchName})`,
      ProductType: "CLOUD_FORMATION_TEMPLATE",
      ProductId: p.productId,
    },
  };
}
