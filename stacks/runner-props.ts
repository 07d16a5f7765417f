import { TerraformOutput } from "cdktf";
import { Construct } from "constructs";
import { RunnerConfig } from "../config/runner-schema";
import { awsName } from "../modules/core/rules/aws-name";
import { GitlabProject } from "../modules/gitlab-project/gitlab-project";
import { GitlabRunner, GitlabRunnerProps } from "../modules/runners/gitlab-runner";
import { ProjectDeliveryProps, ProjectNames } from "./project-props";

/** CodeBuild project names: at most 150 here, so the job tag stays readable. */
const MAX_RUNNER_NAME = 150;

/** One `runners:` entry of a project as the runner's props. */
export function runnerProps(props: ProjectDeliveryProps, names: ProjectNames, runner: RunnerConfig, gitlab: GitlabProject): GitlabRunnerProps {
  return {
    name: awsName(names.base, `runner-${runner.name}`, MAX_RUNNER_NAME),
    connection: props.connection,
    gate: props.gate,
    artifactStore: props.artifactStore,
    scope: runner.group
      ? { group: { path: runner.group, domain: props.gitlabApiUrl.replace(/\/api\/v4\/?$/, "") } }
      : { project: { fullRepositoryId: gitlab.pathWithNamespace, cloneUrl: gitlab.httpUrlToRepo } },
    serverType: props.serverType,
    computeType: runner.computeType,
    environmentType: runner.environmentType,
    image: runner.image,
    concurrency: runner.concurrency,
    timeoutMinutes: runner.timeoutMinutes,
    vpc: runner.vpc,
    permissions: runner.permissions,
  };
}

/** The project's runners, each with its job tag as an output (`<outputKey>_runner_<name>_tag`). */
export function addRunners(scope: Construct, props: ProjectDeliveryProps, names: ProjectNames, gitlab: GitlabProject): void {
  for (const cfg of props.project.runners) {
    const runner = new GitlabRunner(scope, `Runner-${cfg.name}`, runnerProps(props, names, cfg, gitlab));
    const key = `${names.outputKey}_runner_${cfg.name.replace(/-/g, "_")}_tag`;
    new TerraformOutput(scope, `runner-${cfg.name}-tag`, {
      value: runner.jobTag,
      description: `Tag a .gitlab-ci.yml job lists to run on the CodeBuild runner ${cfg.name} of ${props.project.path}`,
    }).overrideLogicalId(key);
  }
}
