/*
 * CodeBuild (JSON 1.1): BatchGetProjects and BatchGetReportGroups, from `aws_codebuild_project`
 * and `aws_codebuild_report_group` state attributes (the provider's flatteners, reversed, for
 * the blocks this project declares: a CODEPIPELINE source and artifacts, one environment,
 * CloudWatch logs, an optional VPC).
 */
import { FakeAwsObjects } from "./objects";
import { Answer, Json, MADE, some, tagList } from "./protocol";

const one = (list: Json[] | undefined): Json | undefined => list?.[0];

function projectOf(a: Json): Json {
  const source = one(a.source)!;
  const artifacts = one(a.artifacts)!;
  const env = one(a.environment)!;
  const logs = one(a.logs_config);
  const cloudWatch = one(logs?.cloudwatch_logs);
  const vpc = one(a.vpc_config);
  return {
    name: a.name,
    arn: a.arn,
    description: some(a.description),
    source: {
      type: source.type,
      location: some(source.location),
      buildspec: some(source.buildspec),
      gitCloneDepth: some(source.git_clone_depth),
      insecureSsl: source.insecure_ssl,
      reportBuildStatus: source.report_build_status,
      auth: one(source.auth) ? { type: one(source.auth)!.type, resource: some(one(source.auth)!.resource) } : undefined,
    },
    secondarySources: [],
    secondaryArtifacts: [],
    artifacts: {
      type: artifacts.type,
      location: some(artifacts.location),
      name: some(artifacts.name),
      path: some(artifacts.path),
      packaging: some(artifacts.packaging),
      namespaceType: some(artifacts.namespace_type),
      encryptionDisabled: artifacts.encryption_disabled,
      overrideArtifactName: artifacts.override_artifact_name,
    },
    environment: {
      type: env.type,
      image: env.image,
      computeType: env.compute_type,
      privilegedMode: env.privileged_mode,
      imagePullCredentialsType: env.image_pull_credentials_type,
      certificate: some(env.certificate),
      environmentVariables: env.environment_variable.map((v: Json) => ({ name: v.name, value: v.value, type: v.type })),
    },
    serviceRole: a.service_role,
    timeoutInMinutes: a.build_timeout,
    queuedTimeoutInMinutes: a.queued_timeout,
    encryptionKey: some(a.encryption_key),
    concurrentBuildLimit: some(a.concurrent_build_limit),
    badge: { badgeEnabled: a.badge_enabled },
    logsConfig: {
      cloudWatchLogs: cloudWatch
        ? { status: cloudWatch.status, groupName: some(cloudWatch.group_name), streamName: some(cloudWatch.stream_name) }
        : { status: "DISABLED" },
      s3Logs: { status: "DISABLED", encryptionDisabled: false },
    },
    vpcConfig: vpc ? { vpcId: vpc.vpc_id, subnets: vpc.subnets, securityGroupIds: vpc.security_group_ids } : undefined,
    projectVisibility: a.project_visibility,
    tags: tagList(a.tags_all),
    created: MADE.seconds,
    lastModified: MADE.seconds,
  };
}

function reportGroupOf(a: Json): Json {
  const exported = one(a.export_config)!;
  return {
    arn: a.arn,
    name: a.name,
    type: a.type,
    exportConfig: { exportConfigType: exported.type },
    created: MADE.seconds,
    lastModified: MADE.seconds,
    status: "ACTIVE",
    tags: tagList(a.tags_all),
  };
}

export function codebuild(op: string, body: Json, objects: FakeAwsObjects): Answer | undefined {
  switch (op) {
    case "BatchGetProjects": {
      const found = (body.names as string[]).map((n) => Object.values(objects.projects ?? {}).find((p) => p.name === n || p.arn === n));
      return [200, { projects: found.filter(Boolean).map((p) => projectOf(p!)), projectsNotFound: body.names.filter((_: string, i: number) => !found[i]) }];
    }
    case "BatchGetReportGroups": {
      const found = (body.reportGroupArns as string[]).map((arn) => objects.reportGroups?.[arn]);
      return [
        200,
        {
          reportGroups: found.filter(Boolean).map((g) => reportGroupOf(g!)),
          reportGroupsNotFound: body.reportGroupArns.filter((_: string, i: number) => !found[i]),
        },
      ];
    }
    default:
      return undefined;
  }
}
