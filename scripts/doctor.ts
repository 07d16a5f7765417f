/*
 * `gitlab-aws-delivery doctor`: synthesizes the configuration (or reads a synthesized tree)
 * for the names it expects, reads AWS and GitLab, and prints one line per check.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { synthesizeConfig } from "../app/synth-tree";
import { loadConfigFile } from "../config/load";
import { DeliveryConfig } from "../config/schema";
import { awsReader } from "../doctor/aws";
import { Expected, expectedFrom, SynthesizedStack } from "../doctor/expected";
import { exitCode } from "../doctor/finding";
import { gitlabReader } from "../doctor/gitlab-reader";
import { doctorPolicy } from "../doctor/policy";
import { renderJson, renderTable } from "../doctor/render";
import { runDoctor } from "../doctor/run";
import { readTls } from "../doctor/tls";
import { CommandError } from "./command-error";

export interface DoctorOptions {
  readonly config: string;
  readonly stack?: string;
  readonly json?: boolean;
  readonly strict?: boolean;
  readonly printPolicy?: boolean;
  readonly account?: string;
  /** A synthesized tree (cdktf.out) to read instead of synthesizing. */
  readonly synthesized?: string;
  readonly gitlabApi?: string;
  readonly timeout: number;
  readonly parallel: number;
}

/** The stacks of `dir` (a cdktf.out: manifest.json and stacks/<name>/cdk.tf.json). */
export function readSynthesized(dir: string): SynthesizedStack[] {
  const manifestFile = join(dir, "manifest.json");
  if (!existsSync(manifestFile))
    throw new CommandError(`--synthesized ${dir}: no manifest.json there; run npx gitlab-aws-delivery synth first, or leave the option out`);
  const manifest = JSON.parse(readFileSync(manifestFile, "utf8")) as { stacks: Record<string, { synthesizedStackPath: string }> };
  return Object.entries(manifest.stacks)
    .map(([name, s]) => ({ name, json: JSON.parse(readFileSync(join(dir, s.synthesizedStackPath), "utf8")) }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

function synthesized(config: DeliveryConfig, dir: string | undefined): SynthesizedStack[] {
  if (dir) return readSynthesized(dir);
  const outdir = mkdtempSync(join(tmpdir(), "doctor-"));
  try {
    synthesizeConfig(config, outdir);
    return readSynthesized(outdir);
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

export interface Output {
  write(text: string): unknown;
  readonly isTTY?: boolean;
}

export async function doctor(opts: DoctorOptions, out: Output = process.stdout): Promise<number> {
  // The SDK's notice that its releases from 2027 need Node 22 would print on every run under
  // Node 20 (which package.json supports, with the pinned SDK versions); it concerns upgrades.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
  const { config } = loadConfigFile(opts.config);
  const stacks = synthesized(config, opts.synthesized);
  if (opts.stack && !stacks.some((s) => s.name === opts.stack))
    throw new CommandError(`--stack ${JSON.stringify(opts.stack)}: no such stack; the configuration makes ${stacks.map((s) => s.name).join(", ")}`);
  const expected = expectedFrom(config, stacks);
  if (opts.printPolicy) {
    out.write(`${JSON.stringify(policyFor(expected, opts.account ?? "*", opts.stack), null, 2)}\n`);
    return 0;
  }
  const token = process.env.GITLAB_TOKEN;
  const findings = await runDoctor({
    expected,
    aws: awsReader({ region: config.aws.region, timeoutMs: opts.timeout }),
    gitlab: token ? gitlabReader({ baseUrl: opts.gitlabApi ?? expected.gitlabUrl, token, timeoutMs: opts.timeout }) : undefined,
    tls: (url) => readTls(url, opts.timeout),
    stack: opts.stack,
    ...expectedAccount(config, opts.account),
    parallel: opts.parallel,
  });
  const code = exitCode(findings, Boolean(opts.strict));
  out.write(opts.json ? renderJson(findings, code) : renderTable(findings, Boolean(out.isTTY) && !process.env.NO_COLOR));
  return code;
}

/** The account named by --account, else by the state bucket's KMS key ARN, else none. */
function expectedAccount(config: DeliveryConfig, flag: string | undefined): { account?: string; accountSource?: string } {
  if (flag) return { account: flag, accountSource: "--account" };
  const key = config.state.s3?.kmsKeyId;
  const account = key?.split(":")[4];
  return account ? { account, accountSource: "state.s3.kmsKeyId" } : {};
}

export function policyFor(expected: Expected, account: string, stack?: string): ReturnType<typeof doctorPolicy> {
  const pipelines = expected.pipelines.filter((p) => !stack || p.stack === stack);
  return doctorPolicy({
    region: expected.region,
    account,
    pipelines: pipelines.map((p) => p.name),
    buildProjects: [...new Set(pipelines.flatMap((p) => p.buildProjects))],
  });
}
