import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { doctor } from "./scripts/doctor";
import { makeKeyAndCertificate } from "./__tests__/certs";
import { fakeAws, fakeGitlab, fakeTls } from "./__tests__/doctor/fakes";
import { expectedOf, healthyAws, healthyGitlab, inDays, writeConfig } from "./__tests__/doctor/world";

const cert = makeKeyAndCertificate({ commonName: "localhost", dnsNames: ["localhost"], days: 400 });
const other = makeKeyAndCertificate({ commonName: "gitlab.other.example", dnsNames: ["gitlab.other.example"], days: 400 });
process.env.AWS_ACCESS_KEY_ID = "test";
process.env.AWS_SECRET_ACCESS_KEY = "test";
process.env.GITLAB_TOKEN = "glpat-doctor";
async function scenario(title: string, change: (a: any, g: any) => void, served = cert, extra = {}) {
  const tls = await fakeTls(served.key, served.cert);
  const file = writeConfig(mkdtempSync(join(tmpdir(), "demo-")), `https://localhost:${tls.port}`, cert.cert);
  const e = expectedOf(file);
  const a = healthyAws(e, cert.cert);
  const g = healthyGitlab(e);
  change(a, g);
  const fa = await fakeAws(a);
  const fg = await fakeGitlab(g);
  process.env.AWS_ENDPOINT_URL = fa.url;
  let text = "";
  const code = await doctor({ config: file, gitlabApi: fg.url, timeout: 1000, parallel: 4, ...extra }, { write: (t) => (text += t) });
  console.log(`### ${title} (exit ${code})\n${text.replace(/127\.0\.0\.1:\d+/g, "127.0.0.1:PORT").replace(/localhost:\d+/g, "localhost:PORT")}`);
  await Promise.all([tls.close(), fa.close(), fg.close()]);
}
(async () => {
  const only = process.argv[2];
  const all: Record<string, () => Promise<void>> = {
    healthy: () => scenario("healthy", () => undefined),
    pending: () => scenario("pending", (a) => { a.connections[0].ConnectionStatus = "PENDING"; a.pipelines = {}; }, cert, { stack: "acme-doctor-acme" }),
    webhook: () => scenario("webhook", (a, g) => { g.hooks[40] = []; a.pipelines["acme-payments-api"].executions = []; }, cert, { stack: "acme-doctor-acme" }),
    owner: () => scenario("owner", (_a, g) => { g.members["40/7"].access_level = 40; }, cert, { stack: "acme-doctor-acme" }),
    error: () => scenario("error", (a) => { a.connections[0].ConnectionStatus = "ERROR"; }, cert, { stack: "acme-doctor-acme" }),
    host: () => scenario("host", (a) => { a.hosts[0].Status = "VPC_CONFIG_FAILED_INITIALIZATION"; a.hosts[0].StatusMessage = "Subnet subnet-0a1b2c3d4e5f6071a has no free addresses"; a.connections[0].ConnectionStatus = "PENDING"; a.pipelines = {}; }),
    tokens: () => scenario("tokens", (_a, g) => { g.deployTokens[40][0].expires_at = inDays(12); g.token.expires_at = inDays(-2).slice(0, 10); g.token.active = false; }, cert, { stack: "acme-doctor-acme" }),
    tls: () => scenario("tls", () => undefined, other),
    failed: () => scenario("failed", (a) => { const p = a.pipelines["acme-payments-api"]; p.executions = [{ pipelineExecutionId: "3f2c9a1e-0b7d-4c55-9e21-6a8d0f4b7c12", status: "Failed", startTime: Date.parse("2026-11-25T14:02:11Z") / 1000 }]; p.stageStates = [{ stageName: "BuildAndTest", latestExecution: { pipelineExecutionId: "3f2c9a1e-0b7d-4c55-9e21-6a8d0f4b7c12", status: "Failed" } }]; }, cert, { stack: "acme-doctor-acme" }),
    drift: () => scenario("drift", (a) => { a.connections[0].ConnectionStatus = "PENDING"; }, cert, { stack: "acme-doctor-acme" }),
  };
  for (const [k, f] of Object.entries(all)) if (!only || only === k) await f();
})();
