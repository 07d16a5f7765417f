/*
 * The app under the real `cdktf synth` (cdktf-cli 0.21), which relays the app's stdout and
 * stderr as they come and, when the app fails, prints them all again (app/user-output.ts):
 * each line the app means for the user must appear once, and a warning never as an error.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stringify } from "yaml";
import { rawConfig, rawProject } from "../helpers";
import { screenOf } from "./screen";

const root = join(__dirname, "..", "..");
/**
 * The cdktf CLI that `npx cdktf` runs (its bin in node_modules), without npx: npm exec adds
 * a process (about 1 CPU-s) and no output (its being killed is __tests__/app/signals.test.ts's).
 */
const cdktf = join(root, "node_modules", ".bin", "cdktf");

interface Run {
  readonly code: number;
  /** stdout then stderr. */
  readonly output: string;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `command` with pipes for stdout and stderr, as CI does. */
function run(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: root, env: { ...process.env, ...env } });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code: code ?? -1, stdout, stderr, output: stdout + stderr }));
  });
}

/** A config file, and where its synthesis goes. */
function fixture(raw: Record<string, unknown>): { file: string; outdir: string; env: NodeJS.ProcessEnv } {
  const dir = mkdtempSync(join(tmpdir(), "cdktf-output-"));
  const file = join(dir, "delivery.yaml");
  writeFileSync(file, stringify(raw));
  // An empty terraform CLI config: cdktf runs `terraform version`, which would otherwise warn about this machine's.
  writeFileSync(join(dir, "terraform.rc"), "");
  const env = { CHECKPOINT_DISABLE: "1", CI: "true", DELIVERY_CONFIG: file, TF_CLI_CONFIG_FILE: join(dir, "terraform.rc") };
  return { file, outdir: join(dir, "cdktf.out"), env };
}

/** The app alone (no cdktf): what it says, on stderr. */
function app(f: ReturnType<typeof fixture>, env: NodeJS.ProcessEnv = {}): Promise<Run> {
  return run(process.execPath, [join(root, "scripts", "run-app.js")], { ...f.env, CDKTF_OUTDIR: f.outdir, ...env });
}

/**
 * `cdktf synth`, its output through a pipe as in a CI job log (where it reads it at all,
 * the app says a failure on cdktf's own stderr; see CdktfOutput). stdout and stderr merged.
 */
async function cdktfSynth(f: ReturnType<typeof fixture>, env: NodeJS.ProcessEnv = {}): Promise<Run> {
  const status = join(f.outdir, "..", "status");
  const r = await run("sh", ["-c", '{ "$2" synth --output "$0"; echo $? > "$1"; } 2>&1 | cat', f.outdir, status, cdktf], { ...f.env, ...env });
  return { ...r, code: Number(readFileSync(status, "utf8")) };
}

/**
 * `cdktf synth` on a terminal (a pseudo-terminal of 40 rows by `script`, as a user types
 * it): what the screen shows at the end. CI is unset there, so cdktf draws its spinner.
 */
async function cdktfSynthOnTerminal(f: ReturnType<typeof fixture>): Promise<{ code: number; screen: string }> {
  const transcript = join(f.outdir, "..", "typescript");
  const command = `stty rows 40 cols 200; '${cdktf}' synth --output '${f.outdir}'`;
  const r = await run("script", ["-qec", command, transcript], { ...f.env, CI: "" });
  const text = readFileSync(transcript, "utf8");
  const code = Number(/COMMAND_EXIT_CODE="(\d+)"/.exec(text)?.[1] ?? r.code);
  const stream = text.replace(/^Script started.*\n/, "").replace(/\nScript done.*\n?$/, "");
  return { code, screen: screenOf(stream).join("\n") };
}

/** How often each of `lines` occurs in `text`. */
function occurrences(text: string, lines: readonly string[]): Record<string, number> {
  return Object.fromEntries(lines.map((line) => [line, text.split(line).length - 1]));
}

/** The non-empty lines of what the app said alone, trimmed. */
function linesOf(text: string): string[] {
  return text
    .split("\n")
    .map((l) => l.trim())
    .filter(Boolean);
}

/** A deploy token expiring in 10 days: the config warns about it. */
function soon(): string {
  return new Date(Date.now() + 10 * 86_400_000).toISOString().slice(0, 10);
}

describe("under cdktf synth", () => {
  test("a bad config: each line of the message once, exit 1", async () => {
    const f = fixture(rawConfig({ projects: [rawProject({ path: "https://gitlab.com/acme/app.git" })] }));
    const alone = await app(f);
    expect(alone.code).toBe(1);
    const lines = linesOf(alone.stderr);
    expect(lines).toEqual([
      `${f.file} is not a valid delivery configuration:`,
      `projects[0].path: "https://gitlab.com/acme/app.git" is a URL; use the project path "acme/app"`,
    ]);

    const r = await cdktfSynth(f);
    expect(r.code).toBe(1);
    expect(occurrences(r.output, lines)).toEqual(Object.fromEntries(lines.map((l) => [l, 1])));
  });

  test("a bad config typed on a terminal: the message once, on the screen after the spinner's last frame, exit 1", async () => {
    const f = fixture(rawConfig({ projects: [] }));
    const lines = linesOf((await app(f)).stderr);
    expect(lines[0]).toBe(`${f.file} is not a valid delivery configuration:`);

    const r = await cdktfSynthOnTerminal(f);
    expect(r.code).toBe(1);
    expect(occurrences(r.screen, lines)).toEqual(Object.fromEntries(lines.map((l) => [l, 1])));
    expect(r.screen).toContain("cdktf encountered an error while synthesizing");
    expect(r.screen).not.toContain("Command output on stderr");
    expect(r.screen).not.toContain("[ERROR]");
  });

  test("warnings: each once, none labelled as an error, exit 0", async () => {
    const f = fixture(
      rawConfig({
        projects: [rawProject({ deployToken: { expiresAt: soon() } }), rawProject({ path: "acme/platform/billing", deployToken: { expiresAt: soon() } })],
      }),
    );
    const alone = await app(f);
    expect(alone.code).toBe(0);
    const lines = linesOf(alone.stderr);
    expect(lines).toHaveLength(2);
    expect(lines.every((l) => l.startsWith(`warning: ${f.file}: projects[`) && l.includes("the deploy token expires in under 30 days"))).toBe(true);

    const r = await cdktfSynth(f);
    expect(r.code).toBe(0);
    expect(occurrences(r.output, lines)).toEqual(Object.fromEntries(lines.map((l) => [l, 1])));
    const shown = r.output.split("\n").filter((l) => lines.some((w) => l.includes(w)));
    expect(shown.filter((l) => /ERROR/i.test(l))).toEqual([]);
    expect(r.output).toContain("Generated Terraform code for the stacks: acme-delivery-acme");
  });

  test("a warning, then an error: each once", async () => {
    const f = fixture(rawConfig({ projects: [rawProject({ deployToken: { expiresAt: soon() } })] }));
    const env = { DELIVERY_SYNTH_WORKERS: "many" };
    const alone = await app(f, env);
    expect(alone.code).toBe(1);
    const lines = linesOf(alone.stderr);
    expect(lines).toEqual([
      expect.stringMatching(/^warning: .*the deploy token expires in under 30 days/),
      expect.stringMatching(/^environment variable DELIVERY_SYNTH_WORKERS: "many" is not a whole number/),
    ]);

    const r = await cdktfSynth(f, env);
    expect(r.code).toBe(1);
    expect(occurrences(r.output, lines)).toEqual(Object.fromEntries(lines.map((l) => [l, 1])));
    expect(r.output.split("\n").filter((l) => l.includes("warning:") && /ERROR/.test(l))).toEqual([]);
  });
});
