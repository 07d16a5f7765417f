/*
 * A real terraform plan whose AWS provider talks to the fake AWS. Asynchronous on purpose: the
 * fake answers from this process's event loop, which a synchronous child process would block.
 */
import { execFile } from "node:child_process";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { Engine, prepareStack, terraformEnv } from "../../../scripts/tf-check";
import { announceSchemaTypes } from "../../../scripts/schema-types";
import { fakeAws, FakeAwsObjects, withFakeEndpoints } from "./index";
import { Json } from "./protocol";

const run = promisify(execFile);

export interface FakeAwsPlan {
  /** `terraform show -json` of the plan. */
  readonly plan: Json;
  /** What `terraform plan` printed. */
  readonly output: string;
  /** Each call the provider made to the fake, in order (see FakeAws.calls). */
  readonly calls: string[];
  /** The calls the fake does not play. */
  readonly unknown: string[];
}

export interface FakeAwsPlanOptions {
  /** Folder to plan in (made anew). */
  readonly dir: string;
  /** The app's stacks by name (for remote-state outputs). */
  readonly stacks?: Record<string, Json>;
  /** The prior state; none: planned from nothing. */
  readonly state?: Json;
  /** `-refresh-only` (drift) instead of `-refresh=false`. @default false */
  readonly refreshOnly?: boolean;
}

/** Plans `stack` (prepared as the lifecycle tests do, GitLab objects stood in) against a fake AWS holding `objects`. */
export function planWithFakeAws(engine: Engine, stack: Json, objects: FakeAwsObjects, options: FakeAwsPlanOptions): Promise<FakeAwsPlan> {
  const planned = queue.then(() => plan(engine, stack, objects, options));
  queue = planned.catch(() => undefined);
  return planned;
}

// The shared provider serves one plan at a time (each configures its endpoints).
let queue: Promise<unknown> = Promise.resolve();

async function plan(engine: Engine, stack: Json, objects: FakeAwsObjects, options: FakeAwsPlanOptions): Promise<FakeAwsPlan> {
  const aws = await fakeAws(objects);
  try {
    const { dir } = options;
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    const prepared = withFakeEndpoints(prepareStack(stack, engine, { stacks: options.stacks, gitlabObjects: true }), aws.url);
    writeFileSync(join(dir, "main.tf.json"), JSON.stringify(prepared, null, 2));
    const args = ["plan", "-no-color", "-lock=false", "-out=plan.bin", options.refreshOnly ? "-refresh-only" : "-refresh=false"];
    if (options.state) {
      writeFileSync(join(dir, "prior.tfstate"), JSON.stringify(options.state, null, 2));
      args.push("-state=prior.tfstate");
    }
    // The mirror's provider is overridden in place (mirrorConfig): no init.
    const env = terraformEnv(engine, dir);
    const tf = (a: string[]) => {
      announceSchemaTypes(env, dir);
      return run(engine.terraform, a, { cwd: dir, env, maxBuffer: 256 * 1024 * 1024 });
    };
    const planned = await tf(args).catch((e: { stdout?: string; stderr?: string }) => {
      throw new Error(`terraform plan failed (fake AWS calls: ${aws.calls.join(", ")}):\n${e.stdout ?? ""}\n${e.stderr ?? ""}`);
    });
    const shown = await tf(["show", "-json", "-no-color", "plan.bin"]);
    writeFileSync(join(dir, "plan.json"), shown.stdout);
    return { plan: JSON.parse(shown.stdout), output: planned.stdout, calls: aws.calls, unknown: aws.unknown };
  } finally {
    await aws.close();
  }
}
