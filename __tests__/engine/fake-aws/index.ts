/*
 * A localhost stand-in for the AWS APIs the real AWS provider calls when it refreshes or
 * imports this project's objects, answering from a state's objects (edited as a test says):
 * the drift and the imports terraform then plans are terraform's own. CodePipeline, CloudWatch
 * Logs, CodeBuild and Secrets Manager speak JSON 1.1 (`X-Amz-Target`), IAM the query protocol
 * (form-encoded `Action=…`, XML answers), as the provider's SDK does. Point the provider at it
 * with `endpoints { codepipeline = url, logs = url, … }` (withFakeEndpoints). An operation it
 * does not play is answered with an error and recorded, so a test sees what was asked.
 */
import { createServer, IncomingMessage, Server, ServerResponse } from "node:http";
import { AddressInfo } from "node:net";
import { codebuild } from "./codebuild";
import { codepipeline } from "./codepipeline";
import { iam } from "./iam";
import { logs } from "./logs";
import { FakeAwsObjects } from "./objects";
import { Answer, Json, queryError } from "./protocol";
import { secretsManager } from "./secrets-manager";

export { FakeAwsObjects, objectsOf } from "./objects";

export interface FakeAws {
  readonly url: string;
  /** Each call, in order: `X-Amz-Target` (JSON) or `iam.<Action>` (query). */
  readonly calls: string[];
  /** The calls answered "not played here". */
  readonly unknown: string[];
  close(): Promise<void>;
}

/** Every endpoint the fake serves, for the provider's `endpoints` block. */
const SERVICES = ["codebuild", "codepipeline", "iam", "logs", "secretsmanager"];

/** The provider blocks of a prepared stack with every service the fake plays pointed at `url`. */
export function withFakeEndpoints(prepared: Json, url: string): Json {
  const endpoints = [Object.fromEntries(SERVICES.map((s) => [s, url]))];
  return { ...prepared, provider: { ...prepared.provider, aws: prepared.provider.aws.map((p: Json) => ({ ...p, endpoints })) } };
}

const JSON_SERVICES: Record<string, (op: string, body: Json, objects: FakeAwsObjects) => Answer | undefined> = {
  CodePipeline_20150709: codepipeline,
  Logs_20140328: logs,
  CodeBuild_20161006: codebuild,
  secretsmanager: secretsManager,
};

let listening: Promise<{ url: string }> | undefined;
let serving: ((req: IncomingMessage, res: ServerResponse) => void) | undefined;

/**
 * One address for every fake of a test file: the provider's configuration (its `endpoints`)
 * is then the same for each plan, and the schema proxy answers its validation from the first
 * (scripts/provider-proxy.js; 3.7 CPU-s of the provider's a plan otherwise). The server does
 * not keep the process alive.
 */
function endpoint(): Promise<{ url: string }> {
  listening ??= new Promise((resolve) => {
    const server: Server = createServer((req, res) => (serving ? serving(req, res) : res.writeHead(503).end("no fake AWS is open")));
    server.listen(0, "127.0.0.1", () => {
      server.unref();
      resolve({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` });
    });
  });
  return listening;
}

/** The fake AWS answering from `objects` until closed; one at a time. */
export async function fakeAws(objects: FakeAwsObjects): Promise<FakeAws> {
  const calls: string[] = [];
  const unknown: string[] = [];
  const answer = (contentType: string, target: string, text: string): { call: string; answer?: Answer; xml: boolean } => {
    // IAM is the one query-protocol service pointed here (the harness's provider skips STS).
    if (contentType.startsWith("application/x-www-form-urlencoded")) {
      const form = Object.fromEntries(new URLSearchParams(text));
      const call = `iam.${form.Action}`;
      return { call, answer: iam(form.Action, form, objects), xml: true };
    }
    const [service, op] = target.split(".");
    return { call: target, answer: JSON_SERVICES[service]?.(op, text ? JSON.parse(text) : {}, objects), xml: false };
  };
  const serve = (req: IncomingMessage, res: ServerResponse) => {
    let text = "";
    req.on("data", (d) => (text += d));
    req.on("end", () => {
      const { call, answer: a, xml } = answer(String(req.headers["content-type"] ?? ""), String(req.headers["x-amz-target"] ?? ""), text);
      calls.push(call);
      if (!a) unknown.push(call);
      const notPlayed = `the fake AWS does not play ${call}`;
      const [status, body] = a ?? (xml ? queryError(400, "InvalidAction", notPlayed) : [400, { __type: "UnknownOperationException", message: notPlayed }]);
      const type = xml ? "text/xml" : "application/x-amz-json-1.1";
      res.writeHead(status, { "Content-Type": type, "x-amzn-RequestId": "fake-request" }).end(typeof body === "string" ? body : JSON.stringify(body));
    });
  };
  const { url } = await endpoint();
  if (serving) throw new Error("the fake AWS plays one set of objects at a time: close the last one first");
  serving = serve;
  return {
    url,
    calls,
    unknown,
    close: async () => {
      if (serving === serve) serving = undefined;
    },
  };
}
