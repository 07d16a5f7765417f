import { CodepipelineStage, CodepipelineStageAction } from "@cdktf/provider-aws/lib/codepipeline";
import { Token } from "cdktf";
import { Construct } from "constructs";
import { ConstructError } from "../core/construct-error";
import { StackEnv } from "../core/stack-env";
import { awsName } from "../core/rules/aws-name";
import { IArtifactStore } from "../artifact-store/artifact-store";
import { BuildProject } from "../codebuild/build-project";
import { DeployToken } from "../deploy-token/deploy-token";
import { IRoleGrantee } from "../iam/grantee";
import { conditionAlarms, grantAlarmReads, stageConditionBlocks, StageConditions } from "./stage-conditions";
import { cloudFormationDeployAction, codeBuildAction, manualApprovalAction, sourceVariables } from "./actions";
import { STAMP_BUILDSPEC, TEMPLATE_CONFIGURATION_FILE } from "./stack-tags";

/** CloudFormation's template parameter names: letters and digits only. */
const PARAMETER_NAME = /^[A-Za-z0-9]+$/;

/** What every environment takes, however it deploys. */
export interface EnvironmentBaseProps {
  /** Environment name: names its stage (`Deploy-<name>`) and its deploy project. */
  readonly name: string;
  /**
   * A manual approval before the deploy.
   * @default - on for prod and production, off otherwise
   */
  readonly approval?: boolean;
  /**
   * Plain-text values of the deploy, resolved when its action runs (so they may read
   * `#{variables.NAME}`). A CodeBuild deploy gets them as environment variables; a
   * CloudFormation deploy as template parameters (the action's ParameterOverrides, which win
   * over the template configuration file's Parameters), so there the names are letters and
   * digits only.
   * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/continuous-delivery-codepipeline-action-reference.html
   * @default {}
   */
  readonly variables?: Record<string, string>;
  /**
   * A role in another account. The CloudFormation action runs as it (so the stack lands in
   * that account); a CodeBuild deploy receives it as DEPLOY_ROLE_ARN and may assume it.
   * @default - this account, the pipeline's role
   */
  readonly roleArn?: string;
  /**
   * Safe-release conditions of the stage: entry gates, alarms watched after success, and
   * what a failure does.
   * @default - none (the caller decides defaults, e.g. rollback for production)
   */
  readonly conditions?: StageConditions;
}

/** An environment a CodeBuild project deploys (its buildspec does the work). */
export interface CodeBuildEnvironmentProps extends EnvironmentBaseProps {
  /** The deploy project's buildspec path inside the build output. */
  readonly codebuild: { readonly buildspec: string };
  /** Not with codebuild: an environment deploys one way. @default - not deployed by CloudFormation */
  readonly cloudformation?: undefined;
}

/** An environment CloudFormation deploys: one stack, from a template in the build output. */
export interface CloudFormationEnvironmentProps extends EnvironmentBaseProps {
  /** The stack, its template and the role CloudFormation runs it as. */
  readonly cloudformation: {
    readonly stackName: string;
    /** Template path inside the build output. */
    readonly templatePath: string;
    /** Template configuration file (parameters, tags, stack policy) inside the build output. */
    readonly parametersPath?: string;
    /** For example CAPABILITY_IAM. */
    readonly capabilities?: readonly string[];
    /** The role CloudFormation creates the stack's resources as. */
    readonly executionRoleArn: string;
  };
  /** Not with cloudformation: an environment deploys one way. @default - not deployed by CodeBuild */
  readonly codebuild?: undefined;
}

/** One deploy environment: by CodeBuild or by CloudFormation, never both. */
export type EnvironmentProps = CodeBuildEnvironmentProps | CloudFormationEnvironmentProps;

export interface DeliveryEnvironmentsProps {
  /** Base of the deploy projects' names. */
  readonly name: string;
  /** Shown on the approval request. */
  readonly projectPath: string;
  /** Where the deploy builds read and write artifacts. */
  readonly artifactStore: IArtifactStore;
  /** Read by the CodeBuild deploys as GITLAB_DEPLOY_TOKEN(_USERNAME). */
  readonly deployToken: DeployToken;
  /** The environments, in the order the pipeline deploys them. */
  readonly environments: readonly EnvironmentProps[];
  /** Output artifact of the build stage that deploys read. */
  readonly buildOutput: string;
}

/**
 * The deploy stages of a pipeline, one per environment in order: an optional manual
 * approval, then a CodeBuild deploy (the environment's buildspec and variables) or a
 * CloudFormation deploy of a template from the build output. Every action gets the commit
 * it deploys through the source variables.
 */
export class DeliveryEnvironments extends Construct {
  readonly stages: CodepipelineStage[] = [];
  private readonly deployProjects: BuildProject[] = [];
  /** Stacks the pipeline's own role deploys (this account). */
  private readonly stacks: Array<{ stackName: string; executionRoleArn: string }> = [];
  /** Roles in other accounts the pipeline's role assumes for CloudFormation actions. */
  private readonly crossAccountRoles: string[] = [];
  private stamp?: BuildProject;

  constructor(
    scope: Construct,
    id: string,
    private readonly props: DeliveryEnvironmentsProps,
  ) {
    super(scope, id);
    for (const env of props.environments) {
      // The types allow one way to deploy; a caller without them (JavaScript, a cast) is told here.
      if (!env.codebuild === !env.cloudformation) {
        throw new ConstructError(
          this,
          `environment ${env.name}: give one of codebuild and cloudformation (how it deploys), not ${env.codebuild ? "both" : "neither"}`,
        );
      }
      const actions: CodepipelineStageAction[] = [];
      if (env.approval ?? ["prod", "production"].includes(env.name)) {
        actions.push(manualApprovalAction({ runOrder: 1, message: `Deploy ${props.projectPath} at commit ${sourceVariables.commitId} to ${env.name}?` }));
      }
      if (env.codebuild) {
        const project = new BuildProject(this, env.name, {
          name: awsName(props.name, `deploy-${env.name}`, 100),
          artifactStore: props.artifactStore,
          deployToken: props.deployToken,
          buildspec: env.codebuild.buildspec,
          environmentVariables: { DEPLOY_ENVIRONMENT: env.name, ...(env.roleArn ? { DEPLOY_ROLE_ARN: env.roleArn } : {}) },
          purpose: `Deploy to ${env.name}`,
        });
        if (env.roleArn) project.role.addGrant({ sid: "AssumeDeployRole", actions: ["sts:AssumeRole"], resources: [env.roleArn] });
        this.deployProjects.push(project);
        actions.push(
          codeBuildAction({ name: "Deploy", projectName: project.project.name, runOrder: 2, inputs: [props.buildOutput], variables: env.variables }),
        );
      } else {
        const cfn = env.cloudformation;
        const parameters = this.parameterOverrides(env);
        if (env.roleArn) this.crossAccountRoles.push(env.roleArn);
        else this.stacks.push({ stackName: cfn.stackName, executionRoleArn: cfn.executionRoleArn });
        const stamped = `template_configuration_${env.name.replace(/-/g, "_")}`;
        actions.push(
          codeBuildAction({
            name: "StampCommit",
            projectName: this.stampProject().project.name,
            runOrder: 1,
            inputs: [props.buildOutput],
            outputs: [stamped],
            variables: cfn.parametersPath ? { PARAMETERS_PATH: cfn.parametersPath } : {},
          }),
        );
        actions.push(
          cloudFormationDeployAction({
            runOrder: 2,
            inputs: [props.buildOutput, stamped],
            roleArn: env.roleArn,
            stackName: cfn.stackName,
            templatePath: `${props.buildOutput}::${cfn.templatePath}`,
            // The stamped copy of the environment's file: its parameters plus the commit tags.
            templateConfiguration: `${stamped}::${TEMPLATE_CONFIGURATION_FILE}`,
            // The environment's variables, over the file's Parameters.
            parameterOverrides: parameters,
            capabilities: cfn.capabilities,
            executionRoleArn: cfn.executionRoleArn,
          }),
        );
      }
      this.stages.push({ name: `Deploy-${env.name}`, action: actions, ...stageConditionBlocks(env.conditions) });
    }
  }

  /**
   * A CloudFormation deploy's variables as its ParameterOverrides (sorted JSON), if it has any.
   * A name no template parameter can have is reported when the app is validated (names that
   * are tokens are not known until then, and are left to CloudFormation).
   */
  private parameterOverrides(env: EnvironmentProps): string | undefined {
    const entries = Object.entries(env.variables ?? {}).sort(([a], [b]) => a.localeCompare(b));
    const invalid = entries.map(([name]) => name).filter((name) => !Token.isUnresolved(name) && !PARAMETER_NAME.test(name));
    if (invalid.length > 0) {
      this.node.addValidation({
        validate: () =>
          invalid.map(
            (name) =>
              `environment ${env.name}: variable ${JSON.stringify(name)} is not a CloudFormation parameter name (letters and digits only), and a CloudFormation deploy passes its variables as template parameters`,
          ),
      });
    }
    return entries.length > 0 ? JSON.stringify(Object.fromEntries(entries)) : undefined;
  }

  /** One small build per pipeline writes the commit tags of all its CloudFormation deploys. */
  private stampProject(): BuildProject {
    if (!this.stamp) {
      this.stamp = new BuildProject(this, "StampCommit", {
        name: awsName(this.props.name, "stamp", 100),
        artifactStore: this.props.artifactStore,
        buildspec: STAMP_BUILDSPEC,
        timeoutMinutes: 5,
        purpose: "Adds the GitLab commit tags to the template configuration of each CloudFormation deploy",
      });
      this.deployProjects.push(this.stamp);
    }
    return this.stamp;
  }

  /** What the pipeline role needs for these stages: start the deploy builds, run the stacks. */
  grantTo(grantee: IRoleGrantee): void {
    grantAlarmReads(grantee, conditionAlarms(this.props.environments.map((e) => e.conditions)), StackEnv.of(this));
    if (this.crossAccountRoles.length > 0) {
      grantee.addGrant({ sid: "AssumeDeployRoles", actions: ["sts:AssumeRole"], resources: [...new Set(this.crossAccountRoles)].sort() });
    }
    if (this.deployProjects.length > 0) {
      BuildProject.grantStartBuilds(grantee, this.deployProjects, "StartDeployBuilds");
    }
    if (this.stacks.length > 0) {
      grantee.addGrant({
        sid: "DeployStacks",
        actions: [
          "cloudformation:CreateChangeSet",
          "cloudformation:CreateStack",
          "cloudformation:DeleteChangeSet",
          "cloudformation:DescribeChangeSet",
          "cloudformation:DescribeStackEvents",
          "cloudformation:DescribeStacks",
          "cloudformation:ExecuteChangeSet",
          // A template configuration file may carry a StackPolicy, which the action sets.
          "cloudformation:SetStackPolicy",
          "cloudformation:UpdateStack",
        ],
        resources: this.stacks.map((s) => StackEnv.of(this).arn("cloudformation", `stack/${s.stackName}/*`)),
      });
      grantee.addGrant({
        sid: "PassStackRoles",
        actions: ["iam:PassRole"],
        resources: [...new Set(this.stacks.map((s) => s.executionRoleArn))],
        conditions: [{ test: "StringEquals", variable: "iam:PassedToService", values: ["cloudformation.amazonaws.com"] }],
      });
    }
  }
}
