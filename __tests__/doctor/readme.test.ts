/*
 * README's "When the pipeline does not run" shows real doctor output: each example is run
 * again here against the fakes, and every line it shows must come out, in order ("…" stands
 * for OK lines left out; dates, day counts and ports vary from run to run).
 */
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { doctor } from "../../scripts/doctor";
import { makeKeyAndCertificate } from "../certs";
import { AwsState, fakeAws, fakeGitlab, fakeTls, GitlabState } from "./fakes";
import { expectedOf, healthyAws, healthyGitlab, inDays, writeConfig } from "./world";

const readme = readFileSync(join(__dirname, "..", "..", "README.md"), "utf8");
const section = readme.split("\n## When the pipeline does not run\n")[1].split("\n## ")[0];
const blocks = [...section.matchAll(/```text\n([\s\S]*?)```/g)].map((m) => m[1].trimEnd().split("\n"));

const cert = makeKeyAndCertificate({ commonName: "localhost", dnsNames: ["localhost"], days: 400 });
const other = makeKeyAndCertificate({ commonName: "gitlab.other.example", dnsNames: ["gitlab.other.example"], days: 400 });

type Change = (aws: AwsState, gitlab: GitlabState) => void;
const pending: Change = (a) => {
  a.connections[0].ConnectionStatus = "PENDING";
  a.pipelines = {};
};
/** The README's examples, in its order: what each breaks, and which certificate the instance shows. */
const examples: Array<[string, Change, typeof cert?]> = [
  ["PENDING", pending],
  ["ERROR", (a) => void (a.connections[0].ConnectionStatus = "ERROR")],
  [
    "no webhook",
    (a, g) => {
      g.hooks[40] = [];
      a.pipelines["acme-payments-api"].executions = [];
    },
  ],
  ["not Owner", (_a, g) => void (g.members["40/7"].access_level = 40)],
  [
    "host",
    (a) => {
      a.hosts[0].Status = "VPC_CONFIG_FAILED_INITIALIZATION";
      a.hosts[0].StatusMessage = "Subnet subnet-0a1b2c3d4e5f6071a has no free addresses";
    },
  ],
  ["TLS", () => undefined, other],
  [
    "tokens",
    (_a, g) => {
      g.deployTokens[40][0].expires_at = inDays(12);
      g.token = { ...g.token, active: false, expires_at: inDays(-2).slice(0, 10) };
    },
  ],
  [
    "failed run",
    (a) => {
      const p = a.pipelines["acme-payments-api"];
      p.executions = [{ pipelineExecutionId: "3f2c9a1e-0b7d-4c55-9e21-6a8d0f4b7c12", status: "Failed", startTime: Date.parse("2026-11-25T14:02:11Z") / 1000 }];
      p.stageStates = [{ stageName: "BuildAndTest", latestExecution: { pipelineExecutionId: "3f2c9a1e-0b7d-4c55-9e21-6a8d0f4b7c12", status: "Failed" } }];
    },
  ],
  ["drift", (a) => void (a.connections[0].ConnectionStatus = "PENDING")],
];

const normal = (line: string) =>
  line
    .replace(/(localhost|127\.0\.0\.1):\d+/g, "$1:PORT")
    .replace(/\d{4}-\d\d-\d\d/g, "DATE")
    .replace(/in \d+ days/g, "in N days")
    .trimEnd();

const saved = { ...process.env };
afterAll(() => void (process.env = saved));

test("README shows one example per common failure", () => {
  expect(blocks).toHaveLength(examples.length);
});

test.each(examples.map(([name, change, served], i) => [name, change, served, i] as const))("README example: %s", async (_name, change, served, i) => {
  Object.assign(process.env, { AWS_ACCESS_KEY_ID: "test", AWS_SECRET_ACCESS_KEY: "test", AWS_EC2_METADATA_DISABLED: "true", GITLAB_TOKEN: "glpat-doctor" });
  const tls = await fakeTls((served ?? cert).key, (served ?? cert).cert);
  const file = writeConfig(mkdtempSync(join(tmpdir(), "doctor-readme-")), `https://localhost:${tls.port}`, cert.cert);
  const expected = expectedOf(file);
  const aws = healthyAws(expected, cert.cert);
  const gitlab = healthyGitlab(expected);
  change(aws, gitlab);
  const a = await fakeAws(aws);
  const g = await fakeGitlab(gitlab);
  process.env.AWS_ENDPOINT_URL = a.url;
  let text = "";
  try {
    await doctor({ config: file, gitlabApi: g.url, timeout: 1000, parallel: 4 }, { write: (t: string) => (text += t) });
  } finally {
    await Promise.all([tls.close(), a.close(), g.close()]);
  }
  const out = text.split("\n").map(normal);
  let at = 0;
  for (const line of blocks[i].filter((l) => l !== "…").map(normal)) {
    const found = out.indexOf(line, at);
    expect([found >= 0, line]).toEqual([true, line]);
    at = found + 1;
  }
});
