/*
 * A real terraform plan whose AWS provider talks to the fake AWS. Asynchronous on purpose
 * (runStackAsync): the fake answers from this process's event loop, which a synchronous child
 * process would block.
 */
import { rmSync } from "node:fs";
import { Engine, prepareStack, runStackAsync } from "../../../scripts/tf-check";
import { fakeAws, FakeAwsObjects, withFakeEndpoints } from "./index";
import { Json } from "./protocol";

export interface FakeAwsPlan {
  /** `terraform show -json` of the plan. */
  readonly plan: Json;
  /** What `terraform plan` printed (stdout, then stderr). */
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
    const prepared = withFakeEndpoints(prepareStack(stack, engine, { stacks: options.stacks, gitlabObjects: true }), aws.url);
    const run = await runStackAsync(engine, prepared, dir, { priorState: options.state, refreshOnly: options.refreshOnly });
    if (!run.ok) throw new Error(`${run.errors}\n(the fake AWS was called: ${aws.calls.join(", ")})`);
    return { plan: run.plan!, output: run.planOutput!, calls: aws.calls, unknown: aws.unknown };
  } finally {
    await aws.close();
  }
}
