import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { App, Fn, IResolvable, Lazy, TerraformStack, Token } from "cdktf";
import stackTokens = require("cdktf/lib/_tokens");
import * as fc from "fast-check";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CDKTF_VERSION, fastPathApplies, fastResolve, withResolveFastPath } from "../../app/resolve-fast-path";
import { loadConfigFile } from "../../config/load";
import { buildApp, validateTree } from "../../stacks/app";
import { NOW } from "../helpers";

const cdktfResolve = stackTokens.resolve;

/** A stack with a resource of its own and a reference into another stack (cross-stack in a preparing pass). */
function scopes() {
  const app = new App({ skipValidation: true });
  const stack = new TerraformStack(app, "here");
  const other = new TerraformStack(app, "there");
  const bucket = new S3Bucket(stack, "Bucket", { bucket: "b" });
  const remote = new S3Bucket(other, "Remote", { bucket: "r" });
  return { stack, bucket, remote };
}

/** What a resolve returns, or the message it throws. */
function outcome(resolve: (obj: unknown, preparing: boolean) => unknown, obj: unknown, preparing: boolean): unknown {
  try {
    return { value: resolve(obj, preparing) };
  } catch (e) {
    return { error: (e as Error).message };
  }
}

/** Values cdktf treats apart: tokens of each kind, strings that look like tokens or numbers, the sentinels it refuses. */
function specialValues({ bucket, remote }: ReturnType<typeof scopes>): unknown[] {
  const lazyObject: IResolvable = Lazy.anyValue({ produce: () => ({ arn: bucket.arn, gone: undefined, n: 3 }) });
  return [
    bucket.arn,
    `${bucket.arn}/*`,
    remote.arn,
    `arn:${remote.arn}:x`,
    Fn.join(",", [bucket.arn, "x"]),
    Token.asString(Lazy.stringValue({ produce: () => "lazy" })),
    Token.asNumber(Lazy.numberValue({ produce: () => 42 })),
    `n=${Token.asNumber(Lazy.numberValue({ produce: () => 7 }))}`,
    Token.asList(Lazy.listValue({ produce: () => ["a", "b"] })),
    Token.asList(bucket.arn),
    lazyObject,
    { [Token.asString(Lazy.stringValue({ produce: () => "key" }))]: 1 },
    Token.asStringMap(Lazy.anyValue({ produce: () => ({ a: "b" }) })),
    "${var.literal}",
    "$${escaped}",
    "1e5",
    "a-e-b",
    "2.5e+10",
    Token.STRING_MAP_TOKEN_VALUE,
    Token.ANY_MAP_TOKEN_VALUE,
    Token.NUMBER_MAP_TOKEN_VALUE,
    NaN,
    Infinity,
    -0,
    1e300,
    new Date(0),
    new (class Plain {
      readonly a = 1;
    })(),
    { _children: {}, _metadata: [] },
    { resolve: () => "resolved" },
    () => "a function",
    Object.assign(Object.create(null), { a: 1, b: undefined }),
    [1, , 2, undefined],
  ];
}

test("the fast path is in place for the cdktf pinned in package.json, and only for it", () => {
  const pinned = JSON.parse(readFileSync(join(__dirname, "..", "..", "package.json"), "utf8")).dependencies.cdktf;
  expect(pinned).toBe(CDKTF_VERSION);
  expect(fastPathApplies()).toBe(true);
  expect(fastPathApplies("0.21.1")).toBe(false);
  withResolveFastPath(() => expect(stackTokens.resolve).toBe(fastResolve));
  expect(stackTokens.resolve).toBe(cdktfResolve);
});

test("on any value (plain JSON, tokens of every kind, things cdktf refuses), the fast path returns or throws what cdktf does", () => {
  const s = scopes();
  const special = specialValues(s);
  const key = fc.oneof(fc.string(), fc.constantFrom("__proto__", "1e5", "x-e-1", s.bucket.arn, Token.STRING_MAP_TOKEN_VALUE));
  const leaf = fc.oneof(fc.string(), fc.double(), fc.integer(), fc.boolean(), fc.constant(null), fc.constant(undefined), fc.constantFrom(...special));
  const { tree } = fc.letrec((tie) => ({
    tree: fc.oneof({ depthSize: "small" }, leaf, tie("array"), tie("object")),
    array: fc.array(tie("tree"), { maxLength: 5 }),
    object: fc.dictionary(key, tie("tree"), { maxKeys: 5 }),
  }));
  fc.assert(
    fc.property(tree, fc.boolean(), (obj, preparing) => {
      const expected = outcome((o, p) => cdktfResolve(s.stack, o, p), obj, preparing);
      const actual = outcome((o, p) => fastResolve(s.stack, o, p), obj, preparing);
      expect(actual).toStrictEqual(expected);
    }),
    { numRuns: 3000 },
  );
});

test("errors name the same key path as cdktf's, and a cycle stops as it does in cdktf", () => {
  const { stack } = scopes();
  const deep = { a: [{ b: { c: () => "no" } }] };
  const cycle: Record<string, unknown> = { name: "loop" };
  cycle.self = cycle;
  for (const obj of [deep, cycle]) {
    const expected = outcome((o, p) => cdktfResolve(stack, o, p), obj, false) as { error: string };
    expect(expected.error).toMatch(/\/a\/0\/b\/c|self\/self/);
    expect(outcome((o, p) => fastResolve(stack, o, p), obj, false)).toStrictEqual(expected);
  }
});

/** Every example configuration, synthesized whole (all stacks in one app, as one process does). */
function synthesizeExample(file: string, fast: boolean): Record<string, string> {
  const outdir = mkdtempSync(join(tmpdir(), "fast-path-"));
  try {
    const { app } = buildApp(loadConfigFile(file, NOW).config, { outdir, finalOutdir: "cdktf.out" });
    validateTree(app);
    if (fast) withResolveFastPath(() => app.synth());
    else app.synth();
    const files: Record<string, string> = { manifest: readFileSync(join(outdir, "manifest.json"), "utf8") };
    for (const stack of readdirSync(join(outdir, "stacks"))) files[stack] = readFileSync(join(outdir, "stacks", stack, "cdk.tf.json"), "utf8");
    return files;
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

const root = join(__dirname, "..", "..");
const examples = [
  join(root, "delivery.yaml"),
  ...readdirSync(join(root, "examples"))
    .filter((f) => /\.yaml$/.test(f) && !f.endsWith(".lock.yaml"))
    .map((f) => join(root, "examples", f)),
];

test.each(examples)("%s synthesizes byte for byte the same with the fast path as without it", (file) => {
  const withIt = synthesizeExample(file, true);
  expect(Object.keys(withIt).length).toBeGreaterThan(2);
  expect(withIt).toEqual(synthesizeExample(file, false));
});
