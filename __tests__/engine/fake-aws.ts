/*
 * A localhost stand-in for the two AWS APIs a drift test refreshes, CodePipeline and CloudWatch
 * Logs (JSON 1.1 protocol, as the AWS provider's SDK speaks it), answering from a state's
 * objects, edited as a test says: the real AWS provider then refreshes against it, so the
 * drift terraform reports is terraform's own. Point the provider at it with
 * `endpoints { codepipeline = url, logs = url }`.
 */
import { createServer, Server } from "node:http";
import { AddressInfo } from "node:net";

type Json = Record<string, any>;

export interface FakeAwsObjects {
  /** Pipelines by name, as `aws_codepipeline` state attributes; a missing name is "not found". */
  readonly pipelines: Record<string, Json>;
  /** Log groups by name, as `aws_cloudwatch_log_group` state attributes. */
  readonly logGroups: Record<string, Json>;
}

export interface FakeAws {
  readonly url: string;
  /** `X-Amz-Target` of each call, in order. */
  readonly calls: string[];
  close(): Promise<void>;
}

const some = (v: unknown) => (v === "" || v === 0 || v === null ? undefined : v);

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

export function fakeAws(objects: FakeAwsObjects): Promise<FakeAws> {
  const calls: string[] = [];
  const answer = (target: string, body: Json): [number, Json] => {
    switch (target) {
      case "CodePipeline_20150709.GetPipeline": {
        const p = objects.pipelines[body.name];
        if (!p) return [400, { __type: "PipelineNotFoundException", message: `Account '123456789012' does not have a pipeline with name '${body.name}'` }];
        return [200, { pipeline: pipelineOf(p), metadata: { pipelineArn: p.arn, created: 1764115200, updated: 1764115200 } }];
      }
      case "CodePipeline_20150709.ListTagsForResource": {
        const p = Object.values(objects.pipelines).find((x) => x.arn === body.resourceArn);
        return [200, { tags: Object.entries<string>(p?.tags_all ?? {}).map(([key, value]) => ({ key, value })) }];
      }
      case "Logs_20140328.DescribeLogGroups": {
        const groups = Object.values(objects.logGroups).filter((g) => g.name.startsWith(body.logGroupNamePrefix ?? ""));
        return [
          200,
          {
            logGroups: groups.map((g) => ({
              logGroupName: g.name,
              arn: `${g.arn}:*`,
              retentionInDays: some(g.retention_in_days),
              creationTime: 1764115200000,
            })),
          },
        ];
      }
      case "Logs_20140328.ListTagsForResource": {
        const g = Object.values(objects.logGroups).find((x) => x.arn === body.resourceArn);
        return [200, { tags: g?.tags_all ?? {} }];
      }
      default:
        return [400, { __type: "UnknownOperationException", message: `the fake AWS does not play ${target}` }];
    }
  };
  const server: Server = createServer((req, res) => {
    let text = "";
    req.on("data", (d) => (text += d));
    req.on("end", () => {
      const target = String(req.headers["x-amz-target"] ?? "");
      calls.push(target);
      const [status, body] = answer(target, text ? JSON.parse(text) : {});
      res.writeHead(status, { "Content-Type": "application/x-amz-json-1.1", "x-amzn-RequestId": "fake-request" }).end(JSON.stringify(body));
    });
  });
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () =>
      resolve({
        url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        calls,
        close: () => new Promise<void>((done) => server.close(() => done())),
      }),
    ),
  );
}
