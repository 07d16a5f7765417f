import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { CodebuildProject } from "@cdktf/provider-aws/lib/codebuild-project";
import { CodebuildReportGroup } from "@cdktf/provider-aws/lib/codebuild-report-group";
import { Construct } from "constructs";
import { awsName } from "../core/rules/aws-name";
import { IArtifactStore } from "../artifact-store/artifact-store";
import { IGitlabConnection } from "../connection/gitlab-connection";
import { DeployToken } from "../deploy-token/deploy-token";
import { IRoleGrantee } from "../iam/grantee";
import { ServiceRole } from "../iam/service-role";

export interface BuildProjectProps {
  /** CodeBuild project name; also names its role, log group and report group. */
  readonly name: string;
  /** Where the build reads and writes pipeline artifacts (its role gets read and write on it). */
  readonly artifactStore: IArtifactStore;
  /** Read by the build as GITLAB_DEPLOY_TOKEN(_USERNAME). @default - no token (a build that never reads GitLab) */
  readonly deployToken?: DeployToken;
  /** Build image. @default "aws/codebuild/amazonlinux-x86_64-standard:5.0" */
  readonly image?: string;
  /** CodeBuild compute type. @default "BUILD_GENERAL1_SMALL" */
  readonly computeType?: string;
  /** Path of the buildspec inside the repository. @default "buildspec.yml" */
  readonly buildspec?: string;
  /** Plain-text variables (the config refuses secret-like names). @default {} */
  readonly environmentVariables?: Record<string, string>;
  /** Docker daemon access (privileged mode); needs `privilegedReason`. @default false */
  readonly privileged?: boolean;
  /** Why the build is privileged; required with `privileged`, written into the description. @default - none (a validation requires it with `privileged`) */
  readonly privilegedReason?: string;
  /** Build timeout in minutes. @default 60 */
  readonly timeoutMinutes?: number;
  /** Days the build logs are kept. @default 90 */
  readonly logRetentionDays?: number;
  /**
   * When the source artifact is `CODEBUILD_CLONE_REF`, CodeBuild clones through the
   * connection and needs UseConnection on it (scoped to this repository).
   * @default - no connection access (CODE_ZIP)
   */
  readonly cloneThrough?: { connection: IGitlabConnection; fullRepositoryId: string };
  /**
   * Build straight from the GitLab repository (standalone CI) instead of a pipeline's
   * artifact: source GITLAB or GITLAB_SELF_MANAGED authorized by the connection, with the
   * build status reported on the commit in GitLab.
   * @default - source CODEPIPELINE
   */
  readonly gitlabSource?: {
    readonly connection: IGitlabConnection;
    /** HTTPS clone URL of the repository. */
    readonly location: string;
    readonly fullRepositoryId: string;
    readonly serverType: "GITLAB" | "GITLAB_SELF_MANAGED";
  };
  /**
   * How many of the project to create, as a token of 0 or 1: a project whose source is
   * GitLab through the connection waits for the connection's first handshake, like the
   * pipeline (its address then carries the index `[0]`; Terraform moves an earlier
   * un-indexed object there by itself).
   * @default - one, unconditionally
   */
  readonly count?: number;
  /** First words of the project description. @default "Build and test stage of the GitLab delivery pipeline" */
  readonly purpose?: string;
  /** Tags of the project, its role, log group and report group. @default - none beyond the provider's default tags */
  readonly tags?: Record<string, string>;
}

/** Name of the test report group a buildspec names under `reports:`. */
export const TEST_REPORT_GROUP = "tests";

/** What a privileged project's description carries before the reason (policy rule GAD-CB-4 looks for it). */
export const PRIVILEGED_MARK = "Privileged because: ";

/**
 * The build-and-test CodeBuild project of one pipeline: source CODEPIPELINE, artifacts
 * encrypted with the artifact key, CloudWatch logs, a JUnit-style test report group, not
 * privileged unless asked, and a role that can touch only those.
 */
export class BuildProject extends Construct {
  readonly project: CodebuildProject;
  readonly role: ServiceRole;
  readonly reportGroup: CodebuildReportGroup;
  readonly logGroup: CloudwatchLogGroup;

  constructor(scope: Construct, id: string, props: BuildProjectProps) {
    super(scope, id);
    // A whole-construct rule: reported with the others when the app is validated.
    this.node.addValidation({
      validate: () => (props.privileged && !props.privilegedReason ? ["a privileged build needs a privilegedReason (written into its description)"] : []),
    });
    this.role = new ServiceRole(this, "Role", {
      name: awsName(props.name, "build", 64),
      service: "codebuild.amazonaws.com",
      tags: props.tags,
    });
    this.logGroup = new CloudwatchLogGroup(this, "Logs", {
      name: `/aws/codebuild/${props.name}`,
      retentionInDays: props.logRetentionDays ?? 90,
      tags: props.tags,
    });
    // CodeBuild resolves the buildspec's `reports: tests:` to "<project>-tests".
    this.reportGroup = new CodebuildReportGroup(this, "TestReports", {
      name: `${props.name}-${TEST_REPORT_GROUP}`,
      type: "TEST",
      exportConfig: { type: "NO_EXPORT" },
      tags: props.tags,
    });

    const variables = Object.entries(props.environmentVariables ?? {})
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([name, value]) => ({ name, value, type: "PLAINTEXT" }));
    if (props.deployToken) {
      variables.push(
        { name: "GITLAB_DEPLOY_TOKEN_USERNAME", value: props.deployToken.secretReference("username"), type: "SECRETS_MANAGER" },
        { name: "GITLAB_DEPLOY_TOKEN", value: props.deployToken.secretReference("token"), type: "SECRETS_MANAGER" },
      );
    }

    const gitlab = props.gitlabSource;
    const purpose = props.purpose ?? (gitlab ? "Merge-request CI of the GitLab repository" : "Build and test stage of the GitLab delivery pipeline");
    this.project = new CodebuildProject(this, "Resource", {
      name: props.name,
      description: props.privileged ? `${purpose}. ${PRIVILEGED_MARK}${props.privilegedReason}` : purpose,
      serviceRole: this.role.arn,
      encryptionKey: props.artifactStore.keyArn,
      buildTimeout: props.timeoutMinutes ?? 60,
      artifacts: { type: gitlab ? "NO_ARTIFACTS" : "CODEPIPELINE" },
      source: gitlab
        ? {
            type: gitlab.serverType,
            location: gitlab.location,
            buildspec: props.buildspec ?? "buildspec.yml",
            reportBuildStatus: true,
            auth: { type: "CODECONNECTIONS", resource: gitlab.connection.arn },
          }
        : { type: "CODEPIPELINE", buildspec: props.buildspec ?? "buildspec.yml" },
      environment: {
        type: "LINUX_CONTAINER",
        image: props.image ?? "aws/codebuild/amazonlinux-x86_64-standard:5.0",
        computeType: props.computeType ?? "BUILD_GENERAL1_SMALL",
        imagePullCredentialsType: "CODEBUILD",
        privilegedMode: props.privileged ?? false,
        environmentVariable: variables,
      },
      logsConfig: { cloudwatchLogs: { status: "ENABLED", groupName: this.logGroup.name } },
      tags: props.tags,
      count: props.count,
    });

    this.role.addGrant({
      sid: "WriteLogs",
      actions: ["logs:CreateLogStream", "logs:PutLogEvents"],
      resources: [`${this.logGroup.arn}:*`],
    });
    this.role.addGrant({
      sid: "TestReports",
      actions: ["codebuild:BatchPutCodeCoverages", "codebuild:BatchPutTestCases", "codebuild:CreateReport", "codebuild:UpdateReport"],
      resources: [this.reportGroup.arn],
    });
    if (gitlab) {
      props.artifactStore.grantKeyUse(this.role);
      gitlab.connection.grantUse(this.role, gitlab.fullRepositoryId);
      gitlab.connection.grantToken(this.role);
    } else {
      props.artifactStore.grantReadWrite(this.role);
    }
    props.deployToken?.grantRead(this.role);
    if (props.cloneThrough) {
      props.cloneThrough.connection.grantUse(this.role, props.cloneThrough.fullRepositoryId);
    }
  }

  /**
   * Start and watch builds of these projects only, in one statement (what the build and
   * deploy actions of a pipeline need).
   * @param sid the statement id. @default "StartBuild"
   */
  static grantStartBuilds(grantee: IRoleGrantee, projects: readonly BuildProject[], sid = "StartBuild"): void {
    grantee.addGrant({ sid, actions: ["codebuild:BatchGetBuilds", "codebuild:StartBuild"], resources: projects.map((p) => p.project.arn) });
  }

  /** Start and watch builds of this project only (what a pipeline's build action needs). */
  grantStart(grantee: IRoleGrantee): void {
    BuildProject.grantStartBuilds(grantee, [this]);
  }
}
