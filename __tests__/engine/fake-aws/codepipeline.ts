/* CodePipeline (JSON 1.1): GetPipeline and ListTagsForResource, from `aws_codepipeline` state attributes. */
import { FakeAwsObjects } from "./objects";
import { Answer, Json, MADE, some, tagList } from "./protocol";

/** GetPipeline's `pipeline` from the provider's state attributes (the provider's flatteners, reversed). */
function pipelineOf(a: Json): Json {
  const store = a.artifact_store[0];
  return {
    name: a.name,
    roleArn: a.role_arn,
    artifactStore: { type: store.type, location: store.location, encryptionKey: store.encryption_key?.[0] },
    stages: a.stage.map((s: Json) => ({
      name: s.name,
      actions: s.action.map((x: Json) => ({
        name: x.name,
        actionTypeId: { category: x.category, owner: x.owner, provider: x.provider, version: x.version },
        runOrder: x.run_order,
        configuration: x.configuration,
        inputArtifacts: x.input_artifacts.map((name: string) => ({ name })),
        outputArtifacts: x.output_artifacts.map((name: string) => ({ name })),
        region: some(x.region),
        namespace: some(x.namespace),
        roleArn: some(x.role_arn),
        timeoutInMinutes: some(x.timeout_in_minutes),
      })),
    })),
    version: 1,
    executionMode: a.execution_mode,
    pipelineType: a.pipeline_type,
    triggers: a.trigger.map((t: Json) => ({
      providerType: t.provider_type,
      gitConfiguration: {
        sourceActionName: t.git_configuration[0].source_action_name,
        push: t.git_configuration[0].push.map((p: Json) => ({
          branches: p.branches[0] ? { includes: p.branches[0].includes, excludes: p.branches[0].excludes } : undefined,
        })),
      },
    })),
    variables: a.variable.map((v: Json) => ({ name: v.name, defaultValue: some(v.default_value), description: some(v.description) })),
  };
}

export function codepipeline(op: string, body: Json, objects: FakeAwsObjects): Answer | undefined {
  switch (op) {
    case "GetPipeline": {
      const p = objects.pipelines[body.name];
      if (!p) return [400, { __type: "PipelineNotFoundException", message: `Account '123456789012' does not have a pipeline with name '${body.name}'` }];
      return [200, { pipeline: pipelineOf(p), metadata: { pipelineArn: p.arn, created: MADE.seconds, updated: MADE.seconds } }];
    }
    case "ListTagsForResource": {
      const p = Object.values(objects.pipelines).find((x) => x.arn === body.resourceArn);
      return [200, { tags: tagList(p?.tags_all) }];
    }
    default:
      return undefined;
  }
}
