/*
 * scripts/code-cache.js, V8's compiled code of the app's and the CLI's modules kept between
 * processes (node 20 has no module.enableCompileCache), run as they run it: in processes of
 * their own, on a small tree of modules, the cache's files read from the disk.
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const installer = join(__dirname, "..", "..", "scripts", "code-cache.js");
// Its own cache even where node has one (22.1 and later), which the app and the CLI would use there.
describe("the code cache", () => {
  const dir = mkdtempSync(join(tmpdir(), "code-cache-"));
  /** The cache of the project at `root`. */
  const cacheOf = (root: string) => join(root, "cache");
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** A main script that installs the cache, then loads lib.js, which loads dep.js; prints what they return. */
  function project(name: string, lib: string): string {
    const root = join(dir, name);
    mkdirSync(root);
    writeFileSync(
      join(root, "main.js"),
      `require(${JSON.stringify(installer)}).installCodeCache(${JSON.stringify(cacheOf(root))}, { nodeCache: false });\n` +
        `const lib = require("./lib");\nconsole.log(JSON.stringify(lib()));\nif (process.env.CHANGE_FLAGS) require("node:v8").setFlagsFromString("--expose-gc");\n`,
    );
    writeFileSync(join(root, "lib.js"), lib);
    writeFileSync(join(root, "dep.js"), "module.exports = { value: 42 };\n");
    return root;
  }
  const lib = (answer: string) =>
    `const { value } = require("./dep");\nmodule.exports = () => ({ answer: ${answer}, value, file: __filename, dir: __dirname, resolved: require.resolve("./dep"), isMain: require.main === module, cached: Object.keys(require.cache).length > 0 });\n`;

  function run(root: string, args: string[] = [], env: NodeJS.ProcessEnv = {}) {
    const r = spawnSync(process.execPath, [...args, join(root, "main.js")], { encoding: "utf8", env: { ...process.env, ...env } });
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    return JSON.parse(r.stdout);
  }
  /** The files of the project's cache, by folder, with the time each was last written. */
  function files(root: string): Record<string, number> {
    const cache = cacheOf(root);
    const out: Record<string, number> = {};
    for (const folder of readdirSync(cache)) for (const f of readdirSync(join(cache, folder))) out[`${folder}/${f}`] = statSync(join(cache, folder, f)).mtimeMs;
    return out;
  }

  test("a module's code is written at exit and read by the next process, which writes nothing; modules see what node gives them", () => {
    const root = project("plain", lib('"a"'));
    const expected = { answer: "a", value: 42, file: join(root, "lib.js"), dir: root, resolved: join(root, "dep.js"), isMain: false, cached: true };
    expect(run(root)).toEqual(expected);
    const written = files(root);
    // lib.js and dep.js (main.js was compiled before the cache was installed), in one folder.
    expect(Object.keys(written)).toHaveLength(2);
    expect(new Set(Object.keys(written).map((f) => f.split("/")[0])).size).toBe(1);
    for (const f of Object.keys(written)) expect(readFileSync(join(cacheOf(root), f)).length).toBeGreaterThan(20);
    expect(run(root)).toEqual(expected);
    expect(files(root)).toEqual(written);
  });

  test("an edit of the same length runs the new text (V8 checks only a source's length), and its entry is rewritten", () => {
    const root = project("edited", lib('"a"'));
    expect(run(root).answer).toBe("a");
    const before = files(root);
    writeFileSync(join(root, "lib.js"), lib('"b"'));
    expect(run(root).answer).toBe("b");
    const after = files(root);
    expect(Object.keys(after).filter((f) => after[f] !== before[f])).toHaveLength(1);
    expect(run(root).answer).toBe("b");
    expect(files(root)).toEqual(after);
  });

  test("a damaged entry is compiled anew and written again", () => {
    const root = project("damaged", lib('"a"'));
    run(root);
    const before = files(root);
    for (const f of Object.keys(before)) writeFileSync(join(cacheOf(root), f), "not V8's data");
    expect(run(root).answer).toBe("a");
    for (const f of Object.keys(before)) expect(readFileSync(join(cacheOf(root), f)).length).toBeGreaterThan(20);
  });

  test("other node options keep their own folder; a process that changes V8's flags while it runs writes nothing", () => {
    const root = project("options", lib('"a"'));
    run(root);
    const plain = files(root);
    run(root, ["--max-semi-space-size=32"]);
    const both = files(root);
    expect(Object.keys(both)).toHaveLength(4);
    for (const f of Object.keys(plain)) expect(both[f]).toBe(plain[f]);
    // A preload (a file to run, not a setting of V8's) shares the folder: nothing new written.
    writeFileSync(join(root, "preload.js"), "");
    run(root, ["-r", join(root, "preload.js")], { NODE_OPTIONS: `--require ${join(root, "preload.js")}` });
    expect(files(root)).toEqual(both);
    // Flags changed at run time: its data would be refused by the next process, so none is written.
    const fresh = project("flags", lib('"a"'));
    run(fresh, [], { CHANGE_FLAGS: "1" });
    expect(readdirSync(fresh)).not.toContain("cache");
    run(fresh);
    expect(Object.keys(files(fresh))).toHaveLength(2);
  });

  test("a module that may import() is compiled by node (its import works, nothing on stderr, an entry for dep.js only)", () => {
    // Spaced as a minifier or a person may write it: a plain search for "import(" misses it.
    const root = project("imports", 'module.exports = () => ({ answer: typeof import ("./dep.js") });\n');
    expect(run(root)).toEqual({ answer: "object" });
    const written = Object.keys(files(root));
    expect(written).toHaveLength(1);
    expect(written[0].endsWith(createHash("sha1").update(join(root, "dep.js")).update("\0").digest("hex"))).toBe(true);
  });

  test("at most four folders: past them, the least recently written go", () => {
    const root = project("folders", lib('"a"'));
    for (const size of [1, 2, 4, 8, 16]) run(root, [`--max-semi-space-size=${size}`]);
    const folders = readdirSync(cacheOf(root));
    expect(folders).toHaveLength(4);
    // The first one's folder went; the run with size 16 reads its own data back, writing nothing.
    const before = files(root);
    run(root, ["--max-semi-space-size=16"]);
    expect(files(root)).toEqual(before);
    run(root, ["--max-semi-space-size=1"]);
    expect(Object.keys(files(root)).filter((f) => !(f in before))).toHaveLength(2);
    expect(readdirSync(cacheOf(root))).toHaveLength(4);
  });

  test("an error's line and column are the module's own, as node gives them", () => {
    const root = project("columns", 'const x = 1; throw new Error("here");\n');
    const at = (env: NodeJS.ProcessEnv) =>
      /lib\.js:\d+:\d+/.exec(spawnSync(process.execPath, [join(root, "main.js")], { encoding: "utf8", env: { ...process.env, ...env } }).stderr)?.[0];
    expect(at({ DELIVERY_CODE_CACHE: "0" })).toBe("lib.js:1:20");
    expect(at({})).toBe("lib.js:1:20");
    expect(at({})).toBe("lib.js:1:20");
  });

  test("DELIVERY_CODE_CACHE=0 turns it off; a module that does not compile fails as node says", () => {
    const root = project("off", lib('"a"'));
    expect(run(root, [], { DELIVERY_CODE_CACHE: "0" }).answer).toBe("a");
    expect(readdirSync(root)).not.toContain("cache");
    writeFileSync(join(root, "lib.js"), "module.exports = (;\n");
    const r = spawnSync(process.execPath, [join(root, "main.js")], { encoding: "utf8" });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`${join(root, "lib.js")}:1`);
    expect(r.stderr).toContain("SyntaxError: Unexpected token ';'");
  });
});
