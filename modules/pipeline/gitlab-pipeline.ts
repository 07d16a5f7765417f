import { Codepipeline, CodepipelineArtifactStore, CodepipelineStage, CodepipelineTriggerGitConfiguration } from "@cdktf/provider-aws/lib/codepipeline";
import { Construct } from "constructs";
import { ConstructError } from "../core/construct-error";
import { awsName } from "../core/rules/aws-name";
import { IArtifactStore } from "../artifact-store/artifact-store";
import { BuildProject } from "../codebuild/build-project";
import { ConnectionGate } from "../connection/connection-gate";
import { IGitlabConnection } from "../connection/gitlab-connection";
import { GitlabProject } from "../gitlab-project/gitlab-project";
import { IRoleGrantee } from "../iam/grantee";
import { ServiceRole } from "../iam/service-role";
import { codeBuildAction, gitlabSourceAction } from "./actions";
import { DeliveryEnvironments } from "./environments";
import { importWhenAvailable } from "./import-when-available";

/** Include/exclude glob patterns of one trigger criterion. */
export interface FilterCriteria {
  readonly includes?: readonly string[];
  readonly excludes?: readonly string[];
}

export interface PushTrigger {
  readonly branches?: FilterCriteria;
  readonly filePaths?: FilterCriteria;
  readonly tags?: FilterCriteria;
}

export interface MergeRequestTrigger {
  readonly events: readonly ("OPEN" | "UPDATED" | "CLOSED")[];
  readonly branches: FilterCriteria;
  readonly filePaths?: FilterCriteria;
}

/** What every GitLab pipeline takes, new or adopted. */
export interface GitlabPipelineBaseProps {
  /** The GitLab project the source action reads (created here, or `GitlabProject.fromPath`). */
  readonly project: GitlabProject;
  /** The connection its source action uses: one created here, or `GitlabConnection.fromArn`. */
  readonly connection: IGitlabConnection;
  /**
   * Holds the pipeline back (count 0) until the connection's first handshake; never removes
   * it afterwards.
   * @default - no gate: the pipeline is created at once (a connection already past its handshake)
   */
  readonly gate?: ConnectionGate;
  /** V2 pipeline variables, which actions read as `#{variables.NAME}`. @default - none */
  readonly variables?: ReadonlyArray<{ readonly name: string; readonly default?: string; readonly description?: string }>;
  /** Branch that manual runs build (triggers decide the automatic ones). */
  readonly branch: string;
  /**
   * How runs that overlap are handled.
   * @default "QUEUED"
   */
  readonly executionMode?: "QUEUED" | "SUPERSEDED" | "PARALLEL";
  /**
   * What the source action hands on: a zip of the commit, or (`CODEBUILD_CLONE_REF`) a git
   * clone reference, which only CodeBuild actions can read.
   * @default "CODE_ZIP"
   */
  readonly artifactFormat?: "CODE_ZIP" | "CODEBUILD_CLONE_REF";
  /** Pushes that start the pipeline. @default - a push to `branch` */
  readonly push?: readonly PushTrigger[];
  /** Merge-request events that start the pipeline. @default - merge requests do not start the pipeline */
  readonly mergeRequests?: readonly MergeRequestTrigger[];
  /** Tags of the pipeline and its role. @default - none beyond the provider's default tags */
  readonly tags?: Record<string, string>;
}

/** A new pipeline: GitLab source, build and test, then the publish and deploy stages given. */
export interface NewGitlabPipelineProps extends GitlabPipelineBaseProps {
  /** Pipeline name; also names its role. */
  readonly name: string;
  /**
   * The pipeline's service role: an existing one (`ServiceRole.fromArn`) gets what the
   * pipeline needs in an inline policy.
   * @default - a new role named after the pipeline
   */
  readonly role?: IRoleGrantee;
  /** Bucket and key of the pipeline's artifacts. */
  readonly artifactStore: IArtifactStore;
  /** The build-and-test stage's project. */
  readonly build: BuildProject;
  /** Stages right after build and test that publish from the source (Service Catalog). @default - none */
  readonly publish?: PipelineStages;
  /** Deploy stages after build and test. @default - none */
  readonly environments?: DeliveryEnvironments;
  /** A new pipeline adopts nothing. @default - not adopted */
  readonly adopt?: undefined;
}

/**
 * An existing pipeline taken over: imported, its source stage replaced with the GitLab source,
 * its other stages, role (which gets UseConnection) and artifact store kept. It has no build,
 * role, artifact store or stages of ours: those props do not type-check here.
 */
export interface AdoptGitlabPipelineProps extends GitlabPipelineBaseProps {
  /** The pipeline to take over, and what of it to keep. */
  readonly adopt: AdoptedPipeline;
  /** Holds back the import as well as the pipeline until the connection's first handshake. */
  readonly gate: ConnectionGate;
  /** Not with adopt: the adopted pipeline keeps its name (`adopt.name`). @default - adopt.name */
  readonly name?: undefined;
  /** Not with adopt: the adopted pipeline keeps its role (`adopt.roleName`). @default - adopt.roleName */
  readonly role?: undefined;
  /** Not with adopt: the adopted pipeline keeps its artifact store. @default - adopt.artifactBucket */
  readonly artifactStore?: undefined;
  /** Not with adopt: the kept stages build. @default - the kept stages */
  readonly build?: undefined;
  /** Not with adopt. @default - the kept stages */
  readonly publish?: undefined;
  /** Not with adopt. @default - the kept stages */
  readonly environments?: undefined;
}

/** Build a new pipeline, or adopt an existing one: one or the other, never a mix. */
export type GitlabPipelineProps = NewGitlabPipelineProps | AdoptGitlabPipelineProps;

/** What the user supplies so that an adopted pipeline keeps its other stages. */
export interface AdoptedPipeline {
  /** Name of the existing pipeline: the import id, and the name it keeps. */
  readonly name: string;
  /**
   * Its service role, kept: the name, with the IAM path when that is not "/"
   * (`service-role/AWSCodePipelineServiceRole-eu-west-1-app` for a role the console made),
   * or the ARN (of a role in the stack's account).
   */
  readonly roleName: string;
  readonly artifactBucket: string;
  readonly artifactKmsKeyArn?: string;
  /** Output artifact of the new source stage: the name the kept stages read. */
  readonly sourceArtifactName: string;
  /** The stages after the source stage, in Terraform's shape. */
  readonly stages: CodepipelineStage[];
}

/** Stages a module adds to the pipeline, with what the pipeline's role needs to run them. */
export interface PipelineStages {
  readonly stages: readonly CodepipelineStage[];
  grantTo(grantee: IRoleGrantee): void;
}

export const SOURCE_ACTION = "Source";
export const SOURCE_OUTPUT = "source_output";
export const BUILD_OUTPUT = "build_output";

/**
 * A CodePipeline V2 whose source is the GitLab project over the connection, then a
 * build-and-test stage. Its FullRepositoryId is a reference to the GitLab project, and the
 * connection gate keeps it from being created before the connection's first handshake: a
 * pipeline created on a PENDING connection can miss its GitLab webhook.
 * @see https://docs.aws.amazon.com/codepipeline/latest/userguide/action-reference-CodestarConnectionSource.html
 */
export class GitlabPipeline extends Construct {
  readonly pipeline: Codepipeline;
  /** The role the pipeline runs as (created, or the one given). */
  readonly role: IRoleGrantee;

  constructor(scope: Construct, id: string, props: GitlabPipelineProps) {
    super(scope, id);
    const repository = props.project.pathWithNamespace;
    const adopt = props.adopt;
    const name = props.adopt ? props.adopt.name : props.name;
    // The types refuse these mixes; a caller without them (JavaScript, a cast) is told here.
    if (adopt && !props.gate) throw new ConstructError(this, "an adopted pipeline needs the connection gate: its import waits for the handshake too");
    if (adopt && props.role) throw new ConstructError(this, "an adopted pipeline keeps its own role (adopt.roleName); leave out role");
    if (!adopt && !props.build) throw new ConstructError(this, "a new pipeline needs its build project");
    this.role =
      props.role ??
      new ServiceRole(this, "Role", {
        name: awsName(name, "pipeline", 64),
        service: "codepipeline.amazonaws.com",
        tags: props.tags,
        existingRoleName: adopt?.roleName,
      });
    props.connection.grantUse(this.role, repository);
    let artifactStore: CodepipelineArtifactStore;
    let stages: CodepipelineStage[];
    if (props.adopt) {
      artifactStore = {
        location: props.adopt.artifactBucket,
        type: "S3",
        encryptionKey: props.adopt.artifactKmsKeyArn ? { id: props.adopt.artifactKmsKeyArn, type: "KMS" } : undefined,
      };
      stages = props.adopt.stages;
    } else {
      props.artifactStore.grantReadWrite(this.role);
      props.build.grantStart(this.role);
      props.publish?.grantTo(this.role);
      props.environments?.grantTo(this.role);
      artifactStore = { location: props.artifactStore.bucketName, type: "S3", encryptionKey: { id: props.artifactStore.keyArn, type: "KMS" } };
      stages = [
        {
          name: "BuildAndTest",
          action: [codeBuildAction({ name: "BuildAndTest", projectName: props.build.project.name, inputs: [SOURCE_OUTPUT], outputs: [BUILD_OUTPUT] })],
        },
        ...(props.publish?.stages ?? []),
        ...(props.environments?.stages ?? []),
      ];
    }
    const sourceOutput = adopt?.sourceArtifactName ?? SOURCE_OUTPUT;

    this.pipeline = new Codepipeline(this, "Resource", {
      name,
      pipelineType: "V2",
      executionMode: props.executionMode ?? "QUEUED",
      roleArn: this.role.arn,
      artifactStore: [artifactStore],
      stage: [
        {
          name: "Source",
          action: [
            gitlabSourceAction({
              name: SOURCE_ACTION,
              connectionArn: props.connection.arn,
              fullRepositoryId: repository,
              branch: props.branch,
              output: sourceOutput,
              artifactFormat: props.artifactFormat ?? "CODE_ZIP",
            }),
          ],
        },
        ...stages,
      ],
      trigger: [{ providerType: "CodeStarSourceConnection", gitConfiguration: triggerConfiguration(props) }],
      variable: props.variables?.map((v) => ({ name: v.name, defaultValue: v.default, description: v.description })),
      tags: props.tags,
      count: props.gate?.count,
    });
    if (adopt) importWhenAvailable(this.pipeline, adopt.name, props.gate!);
  }
}

function triggerConfiguration(props: GitlabPipelineProps): CodepipelineTriggerGitConfiguration {
  const push = props.push && props.push.length > 0 ? props.push : [{ branches: { includes: [props.branch] } }];
  return {
    sourceActionName: SOURCE_ACTION,
    push: push.map((f) => ({ branches: criteria(f.branches), filePaths: criteria(f.filePaths), tags: criteria(f.tags) })),
    pullRequest: props.mergeRequests?.map((f) => ({
      events: [...f.events],
      branches: criteria(f.branches),
      filePaths: criteria(f.filePaths),
    })),
  };
}

function criteria(c: FilterCriteria | undefined): { includes?: string[]; excludes?: string[] } | undefined {
  if (!c) return undefined;
  return { includes: c.includes ? [...c.includes] : undefined, excludes: c.excludes ? [...c.excludes] : undefined };
}
