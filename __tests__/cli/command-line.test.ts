/*
 * The command line: help for every subcommand, unknown flags and commands refused (cli/).
 * Each subcommand's --help and the closed pipe go through the real bin; the rest runs
 * cli/main.ts in this process (cliInProcess: the same text and exit code, no node to start).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { spawnSync } from "node:child_process";
import { bin, cli, cliInProcess as run, COMMANDS, root } from "./run";

describe("gitlab-aws-delivery", () => {
  test("package.json installs it as the gitlab-aws-delivery command", () => {
    const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
    expect(pkg.bin).toEqual({ "gitlab-aws-delivery": "bin/gitlab-aws-delivery.js" });
  });

  test("--help lists every subcommand and the exit codes", async () => {
    const r = await run(["--help"]);
    expect([r.status, r.stderr]).toEqual([0, ""]);
    const listed = r.stdout
      .split("Commands:\n")[1]
      .split("\n")
      .map((l) => /^ {2}([a-z-]+)/.exec(l)?.[1])
      .filter(Boolean);
    expect(listed).toEqual([...COMMANDS, "help"]);
    expect(r.stdout).toContain(
      "Exit codes: 0 success, 1 user error or findings, 2 internal error (plan-report adds 3, 4 and 5; doctor exits 2 when a check fails)",
    );
  });

  test.each(COMMANDS)(
    "%s --help prints its usage, options and exit codes, and runs nothing (through the real bin: each command wired in the bundle)",
    async (command) => {
      const r = cli([command, "--help"]);
      expect([r.status, r.stderr]).toEqual([0, ""]);
      expect(r.stdout).toMatch(new RegExp(`^Usage: gitlab-aws-delivery ${command} \\[options\\]`));
      expect(r.stdout).toContain("\nOptions:\n");
      expect(r.stdout).toContain("  -h, --help ");
      // doctor's 2 also means "a check failed" (issue 15: 0 all OK, 1 warnings with --strict, 2 failures).
      expect(r.stdout).toMatch(/\nExit codes:\n {2}0 {2}success.*\n {2}1 {2}\S.*\n {2}2 {2}(internal error|a check failed; or an internal error)/);
      // The in-process runner the other tests use gives the same text and code.
      expect(await run([command, "--help"])).toEqual({ status: r.status, stdout: r.stdout, stderr: r.stderr });
    },
  );

  test.each(COMMANDS)("%s refuses an unknown flag: exit 1, one line naming it, nothing on stdout", async (command) => {
    const r = await run([command, "--bogus-flag"]);
    expect(r.status).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr).toBe(`${command}: unknown option '--bogus-flag'; see gitlab-aws-delivery ${command} --help\n`);
  });

  test("a mistyped flag is named, with the flag it resembles: deployer-policy --acount", async () => {
    const r = await run(["deployer-policy", "--acount", "123456789012"]);
    expect(r.status).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr).toBe("deployer-policy: unknown option '--acount' (did you mean --account?); see gitlab-aws-delivery deployer-policy --help\n");
  });

  test("an unknown command is refused with the command it resembles", async () => {
    const r = await run(["polcy"]);
    expect(r.status).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr).toBe("gitlab-aws-delivery: unknown command 'polcy' (did you mean policy?); see gitlab-aws-delivery --help\n");
  });

  test("help for a command that does not exist is refused like the command itself", async () => {
    const r = await run(["help", "nosuch"]);
    expect([r.status, r.stdout, r.stderr]).toEqual([1, "", "gitlab-aws-delivery: unknown command 'nosuch'; see gitlab-aws-delivery --help\n"]);
    const known = await run(["help", "policy"]);
    expect(known.status).toBe(0);
    expect(known.stdout).toMatch(/^Usage: gitlab-aws-delivery policy \[options\]/);
  });

  test("a reader that is gone before it writes (| true, as | head after its lines) ends it quietly: no EPIPE trace", () => {
    const r = spawnSync("sh", ["-c", `"$0" "$1" --help | true`, process.execPath, bin], { encoding: "utf8" });
    expect([r.status, r.stderr]).toEqual([0, ""]);
  });

  test("no command prints the usage on stderr, exit 1", async () => {
    const r = await run([]);
    expect(r.status).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(/^Usage: gitlab-aws-delivery \[options\] \[command\]/);
  });

  test("a value that is not an account id is refused before anything runs", async () => {
    const r = await run(["deployer-policy", "--account", "12345"]);
    expect(r.status).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr).toBe(
      `deployer-policy: option '--account <id>' argument '12345' is invalid. It must be a 12-digit AWS account id, or "*" for any account; see gitlab-aws-delivery deployer-policy --help\n`,
    );
  });

  test("extra arguments are refused", async () => {
    const r = await run(["policy", "cdktf.out", "more"]);
    expect(r.status).toBe(1);
    expect(r.stderr).toBe("policy: too many arguments for 'policy'. Expected 1 argument but got 2; see gitlab-aws-delivery policy --help\n");
  });

  test("policy on a folder with no synthesized output says so in one line, exit 1 (through the real bin: its work loads in the bundle)", () => {
    const r = cli(["policy", "/nonexistent-out"]);
    expect(r.status).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr).toBe(
      "policy: /nonexistent-out/manifest.json not found; synthesize first (gitlab-aws-delivery synth, or cdktf synth), or name the output folder\n",
    );
  });

  test("a configuration that cannot be read ends the command through process.exit: one message, exit 1, the same in this process as through the bin", async () => {
    const args = ["deployer-policy", "-c", "/nonexistent.yaml", "--account", "123456789012"];
    const r = cli(args);
    expect([r.status, r.stdout]).toEqual([1, ""]);
    expect(r.stderr).toMatch(/^\/nonexistent\.yaml is not a valid delivery configuration:\n {2}file not found /);
    expect(await run(args)).toEqual({ status: r.status, stdout: r.stdout, stderr: r.stderr });
  });

  test("tf-check --only with a name that is no config is refused before checking", async () => {
    const r = await run(["tf-check", "--only", "delivery,nope"]);
    expect(r.status).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(/^tf-check: --only names no config nope; the configs are delivery, adopt-pipeline, /);
  });
});
