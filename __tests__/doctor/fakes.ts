/*
 * Localhost stand-ins for the services doctor reads: one HTTP server that speaks the AWS JSON
 * protocol (CodeConnections as codestar-connections, CodePipeline, CodeBuild: X-Amz-Target
 * routing, `__type` errors) and the query protocol for STS GetCallerIdentity; one for
 * GitLab's REST API v4; a TLS server with a certificate made by openssl. Each can answer 503
 * a number of times first, or never answer at all.
 */
import { createServer, IncomingMessage, Server, ServerResponse } from "node:http";
import { AddressInfo } from "node:net";
import { createServer as createTlsServer, Server as TlsServer } from "node:tls";

type Json = Record<string, any>;

export interface Flaky {
  /** Answer 503 this many times before answering (per key: target or path). */
  failFirst: Record<string, number>;
  /** Never answer these (target or path). */
  silent: Set<string>;
}

export interface AwsState extends Flaky {
  account: string;
  /** undefined: the caller has no valid credentials (InvalidClientTokenId). */
  arn?: string;
  connections: Json[];
  hosts: Json[];
  pipelines: Record<string, { pipeline: Json; created: number; executions: Json[]; stageStates?: Json[] }>;
  buildProjects: string[];
  calls: string[];
}

export interface GitlabState extends Flaky {
  token: Json;
  projects: Record<string, Json>;
  members: Record<string, Json>;
  hooks: Record<number, Json[]>;
  deployTokens: Record<number, Json[]>;
  calls: string[];
}

const listen = (server: Server | TlsServer): Promise<string> =>
  new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(String((server.address() as AddressInfo).port))));

function flaky(state: Flaky, key: string, res: ServerResponse): boolean {
  if (state.silent.has(key)) return true; // never answered; the client's timeout ends it
  if ((state.failFirst[key] ?? 0) > 0) {
    state.failFirst[key]--;
    res.writeHead(503, { "content-type": "application/json" }).end(JSON.stringify({ __type: "ServiceUnavailableException", message: "try again" }));
    return true;
  }
  return false;
}

const body = (req: IncomingMessage): Promise<string> =>
  new Promise((resolve) => {
    let text = "";
    req.on("data", (c) => (text += c));
    req.on("end", () => resolve(text));
  });

export async function fakeAws(state: AwsState): Promise<{ url: string; close: () => Promise<void> }> {
  const server = createServer(async (req, res) => {
    const text = await body(req);
    const target = String(req.headers["x-amz-target"] ?? (text.includes("Action=GetCallerIdentity") ? "GetCallerIdentity" : "?"));
    const op = target.split(".").pop() ?? "";
    state.calls.push(op);
    if (flaky(state, op, res)) return;
    if (op === "GetCallerIdentity") {
      if (!state.arn) {
        res.writeHead(403, { "content-type": "text/xml" });
        res.end(
          `<ErrorResponse><Error><Type>Sender</Type><Code>InvalidClientTokenId</Code><Message>The security token included in the request is invalid.</Message></Error><RequestId>r</RequestId></ErrorResponse>`,
        );
        return;
      }
      res.writeHead(200, { "content-type": "text/xml" });
      res.end(
        `<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult><Arn>${state.arn}</Arn><UserId>AIDAEXAMPLE</UserId><Account>${state.account}</Account></GetCallerIdentityResult><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></GetCallerIdentityResponse>`,
      );
      return;
    }
    const input = text ? JSON.parse(text) : {};
    const reply = (status: number, json: Json) => res.writeHead(status, { "content-type": "application/x-amz-json-1.1" }).end(JSON.stringify(json));
    const pipeline = state.pipelines[input.name ?? input.pipelineName];
    switch (op) {
      case "ListConnections":
        return reply(200, { Connections: state.connections });
      case "ListHosts":
        return reply(200, { Hosts: state.hosts });
      case "GetPipeline":
        return pipeline
          ? reply(200, {
              pipeline: pipeline.pipeline,
              metadata: { pipelineArn: `arn:aws:codepipeline:eu-west-1:${state.account}:${input.name}`, created: pipeline.created, updated: pipeline.created },
            })
          : reply(400, { __type: "PipelineNotFoundException", message: `Account '${state.account}' does not have a pipeline with name '${input.name}'` });
      case "ListPipelineExecutions":
        return reply(200, { pipelineExecutionSummaries: pipeline?.executions ?? [] });
      case "GetPipelineState":
        return reply(200, { pipelineName: input.name, stageStates: pipeline?.stageStates ?? [] });
      case "BatchGetProjects":
        return reply(200, {
          projects: input.names.filter((n: string) => state.buildProjects.includes(n)).map((name: string) => ({ name })),
          projectsNotFound: input.names.filter((n: string) => !state.buildProjects.includes(n)),
        });
      default:
        return reply(400, { __type: "UnknownOperationException", message: op });
    }
  });
  const port = await listen(server);
  return { url: `http://127.0.0.1:${port}`, close: () => close(server) };
}

export async function fakeGitlab(state: GitlabState): Promise<{ url: string; close: () => Promise<void> }> {
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://x");
    const path = url.pathname.replace(/^\/api\/v4/, "");
    state.calls.push(path);
    if (flaky(state, path, res)) return;
    const reply = (status: number, json: unknown) => res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(json));
    if (req.headers["private-token"] !== "glpat-doctor") return reply(401, { message: "401 Unauthorized" });
    let m: RegExpExecArray | null;
    if (path === "/personal_access_tokens/self") return reply(200, state.token);
    if ((m = /^\/projects\/(\d+)\/members\/all\/(\d+)$/.exec(path)))
      return state.members[`${m[1]}/${m[2]}`] ? reply(200, state.members[`${m[1]}/${m[2]}`]) : reply(404, { message: "404 Not found" });
    if ((m = /^\/projects\/(\d+)\/hooks$/.exec(path))) return reply(200, state.hooks[Number(m[1])] ?? []);
    if ((m = /^\/projects\/(\d+)\/deploy_tokens$/.exec(path))) return reply(200, state.deployTokens[Number(m[1])] ?? []);
    if ((m = /^\/projects\/([^/]+)$/.exec(path))) {
      const p = state.projects[decodeURIComponent(m[1])];
      return p ? reply(200, p) : reply(404, { message: "404 Project Not Found" });
    }
    return reply(404, { message: "404 Not found" });
  });
  const port = await listen(server);
  return { url: `http://127.0.0.1:${port}`, close: () => close(server) };
}

export async function fakeTls(key: string, cert: string): Promise<{ port: number; close: () => Promise<void> }> {
  const server = createTlsServer({ key, cert }, (socket) => socket.end());
  const port = Number(await listen(server));
  return { port, close: () => close(server) };
}

function close(server: Server | TlsServer): Promise<void> {
  (server as Server).closeAllConnections?.();
  return new Promise((resolve) => server.close(() => resolve()));
}
