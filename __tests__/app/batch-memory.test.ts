/* app/batch-memory.ts: between the batches of a large synthesis, cdktf's tokens of the batch go; a full collection only over budget. */
import { App, Lazy, TerraformOutput, TerraformStack, Testing, Token } from "cdktf";
import { HEAP_BUDGET, inBatch } from "../../app/batch-memory";

interface TokenMap {
  stringTokenMap: Map<string, unknown>;
}
const tokenMap = () => (globalThis as unknown as { __cdktfTokenMap: TokenMap }).__cdktfTokenMap;
const lazy = (value: string) => Token.asString(Lazy.stringValue({ produce: () => value }));
/** The token map's key of a token string (`${TfToken[TOKEN.<n>]}` → `TOKEN.<n>`). */
const keyOf = (token: string) => /TfToken\[(TOKEN\.\d+)\]/.exec(token)![1];

test("the tokens a batch registered are dropped after it, earlier ones kept; a dropped token fails loudly if used", () => {
  const before = lazy("kept");
  const during = inBatch(() => lazy("dropped"), { collect: () => undefined });
  expect(tokenMap().stringTokenMap.has(keyOf(before))).toBe(true);
  expect(tokenMap().stringTokenMap.has(keyOf(during))).toBe(false);

  const stack = new TerraformStack(Testing.app() as App, "s");
  new TerraformOutput(stack, "kept", { value: before });
  expect(JSON.parse(Testing.synth(stack)).output.kept.value).toBe("kept");
  new TerraformOutput(stack, "dropped", { value: during });
  expect(() => Testing.synth(stack)).toThrow(/Unrecognized Token Key/);
});

test("a full collection only when the batch leaves more than the budget in use", () => {
  const collected: number[] = [];
  const run = (used: number) => inBatch(() => "done", { heapBudget: 100, heapUsed: () => used, collect: () => collected.push(used) });
  expect([run(100), run(101), run(5)]).toEqual(["done", "done", "done"]);
  expect(collected).toEqual([101]);
  expect(HEAP_BUDGET).toBe(384 * 1024 * 1024);
});

test("the default collection runs without node's --expose-gc", () => {
  expect(inBatch(() => 1, { heapBudget: -1 })).toBe(1);
});
