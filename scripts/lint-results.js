"use strict";
/*
 * ESLint's results kept between runs of scripts/typecheck-lint.js, in .build/eslint-results.json,
 * so that a file is linted again only when something its result can depend on has changed.
 *
 * ESLint's own --cache keys a file on its text alone, which is wrong for typed rules: making a
 * function in one file async makes an unchanged caller elsewhere float a promise. Here a file's
 * key is its text, the texts of every file it imports directly or not (tsc's dependency graph of
 * the same program: BuilderProgram.getAllDependencies), and what every file sees (the standard
 * library and the packages' declarations, project files that are scripts or declare globals,
 * ESLint's, typescript-eslint's and TypeScript's versions, eslint.config.mjs and tsconfig.json).
 * A file outside tsc's program is always linted (ESLint then says why it cannot be).
 */
const { createHash } = require("node:crypto");
const { mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } = require("node:fs");
const { dirname, join, relative, resolve } = require("node:path");

const RESULTS_FILE = join(".build", "eslint-results.json");
const FORMAT = 1;

/** One hex digest of `parts`, each ended so that no two lists of parts run together. */
function digest(parts) {
  const hash = createHash("sha1");
  for (const part of parts) hash.update(part).update("\0");
  return hash.digest("hex");
}

function readOr(file, otherwise) {
  try {
    return readFileSync(file, "utf8");
  } catch {
    return otherwise;
  }
}

/** The version of the package `name` as installed beside ESLint, or "none". */
function versionOf(name) {
  try {
    return JSON.parse(readFileSync(require.resolve(`${name}/package.json`), "utf8")).version;
  } catch {
    return "none";
  }
}

/**
 * Every `.ts` file under `root` that ESLint would lint, as `eslint .` finds them: node_modules
 * and .git skipped (ESLint's own default), the rest decided by the config (ESLint.isPathIgnored:
 * ignored, or no config object matches). Symbolic links are not followed.
 */
async function lintableFiles(eslint, root) {
  const found = [];
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.isDirectory()) {
        if (entry.name !== "node_modules" && entry.name !== ".git") walk(join(dir, entry.name));
      } else if (entry.isFile() && entry.name.endsWith(".ts")) found.push(join(dir, entry.name));
    }
  };
  walk(root);
  const lintable = [];
  for (const file of found.sort()) if (!(await eslint.isPathIgnored(file))) lintable.push(file);
  return lintable;
}

/**
 * Each file's key in `program` (see above), for `files`; undefined for a file tsc's program does not hold.
 * `builder` is tsc's incremental builder program, `root` the project folder, `setting` what
 * else decides every result (versions, configuration).
 */
function keysOf(ts, builder, root, files, setting) {
  const program = builder.getProgram();
  const texts = new Map();
  const textOf = (name) => {
    let d = texts.get(name);
    if (d === undefined) {
      const source = program.getSourceFile(name);
      d = source ? digest([source.text]) : "absent";
      texts.set(name, d);
    }
    return d;
  };
  const own = new Set(files.map((f) => resolve(f)));
  // What every file sees without importing it: the library and the packages' declarations, and
  // project files that are scripts or declare globals (their declarations are everyone's).
  const seenByAll = program
    .getSourceFiles()
    .filter((s) => !own.has(resolve(s.fileName)) || !ts.isExternalModule(s) || /\bdeclare\s+global\b/.test(s.text))
    .map((s) => `${relative(root, s.fileName)}:${textOf(s.fileName)}`)
    .sort();
  const common = digest([setting, ...seenByAll]);
  const keys = new Map();
  for (const file of files) {
    const source = program.getSourceFile(file);
    if (!source) continue;
    const deps = [...new Set([source.fileName, ...builder.getAllDependencies(source)])].sort();
    keys.set(file, digest([common, ...deps.map((d) => `${relative(root, d)}:${textOf(d)}`)]));
  }
  return keys;
}

/**
 * ESLint's results for every file `eslint .` lints in `root`, each linted again only when its key
 * changed; the kept results updated. Returns the results (by file path) and how many were linted.
 */
async function lintWithKeptResults({ ts, eslint, ESLint, builder, root }) {
  const files = await lintableFiles(eslint, root);
  const setting = digest([
    String(FORMAT),
    ESLint.version,
    ts.version,
    versionOf("typescript-eslint"),
    readOr(join(root, "eslint.config.mjs"), ""),
    readOr(join(root, "tsconfig.json"), ""),
  ]);
  const keys = keysOf(ts, builder, root, files, setting);
  const store = join(root, RESULTS_FILE);
  let kept = {};
  try {
    const parsed = JSON.parse(readFileSync(store, "utf8"));
    if (parsed && parsed.format === FORMAT && parsed.files && typeof parsed.files === "object") kept = parsed.files;
  } catch {
    // No results kept yet, or unreadable: every file is linted.
  }
  /** Each file's kept result, where its key is unchanged. */
  const cached = new Map();
  for (const file of files) {
    const entry = kept[relative(root, file)];
    if (entry && keys.get(file) !== undefined && entry.key === keys.get(file)) cached.set(file, { ...entry.result, filePath: file });
  }
  const stale = files.filter((f) => !cached.has(f));
  const linted = stale.length > 0 ? await eslint.lintFiles(stale) : [];
  const byPath = new Map(linted.map((r) => [r.filePath, r]));
  const results = files.map((f) => byPath.get(f) ?? cached.get(f)).filter(Boolean);

  if (stale.length > 0 || Object.keys(kept).length !== keys.size) {
    const next = {};
    for (const r of results) {
      const key = keys.get(r.filePath);
      // ESLint keeps a file's text in a result with problems; the key stands for it here.
      if (key !== undefined) next[relative(root, r.filePath)] = { key, result: { ...r, filePath: undefined, source: undefined } };
    }
    mkdirSync(dirname(store), { recursive: true });
    const temporary = `${store}.${process.pid}`;
    writeFileSync(temporary, JSON.stringify({ format: FORMAT, files: next }));
    renameSync(temporary, store);
  }
  return { results, linted: stale.length, total: files.length };
}

module.exports = { RESULTS_FILE, lintWithKeptResults };
