import { Engine, findEngine } from "../../scripts/tf-check";

/**
 * The offline engine (terraform + the provider mirror) for tests that plan for real, and
 * `describe` or `describe.skip` to match. Where DELIVERY_TF_REQUIRED=1 (CI) a missing engine
 * fails the run instead of skipping.
 */
export function offlineEngine(suite: string): { engine: Engine; describeEngine: jest.Describe } {
  const found = findEngine();
  const engine = "skip" in found || found.mode !== "mirror" ? undefined : found;
  const why = "skip" in found ? found.skip : "registry mode makes no offline plan";
  if (!engine && process.env.DELIVERY_TF_REQUIRED === "1") throw new Error(`the real-engine tests (${suite}) cannot be skipped here: ${why}`);
  if (!engine) console.log(`${suite}: skipped: ${why}`);
  return { engine: engine as Engine, describeEngine: engine ? describe : describe.skip };
}
