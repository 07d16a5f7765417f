import { setupJest } from "cdktf/lib/testing/adapters/jest";

/*
 * cdktf records where every token was made (a full stack trace, read at once) for its error
 * messages. Jest formats each trace through its source-map support, frame by frame, which
 * took about 40% of a synthesis under jest; outside jest node formats them natively. Here the
 * same traces are formatted as node does, without source maps (tokens are made in cdktf and
 * the provider bindings, plain JavaScript); jest's own errors keep their source-mapped stacks.
 */
jest.mock("cdktf/lib/tokens/private/stack-trace", () => {
  const actual = jest.requireActual<typeof import("cdktf/lib/tokens/private/stack-trace")>("cdktf/lib/tokens/private/stack-trace");
  const native = (error: unknown, frames: NodeJS.CallSite[]) => `${error}${frames.map((frame) => `\n    at ${frame}`).join("")}`;
  return {
    captureStackTrace: function captureStackTrace(below?: Function): string[] {
      const jestFormat = Error.prepareStackTrace;
      Error.prepareStackTrace = native;
      try {
        return actual.captureStackTrace(below ?? captureStackTrace);
      } finally {
        Error.prepareStackTrace = jestFormat;
      }
    },
  };
});

/*
 * cdktf zips an archive asset (the commit-status lambda) by starting a node process at every
 * synthesis, a sixth of a CPU-second each. The zip of the same files is the same bytes (entry
 * times are the files' own), so within one jest run each distinct source folder is zipped once
 * by cdktf and copied after that, in the run's memo folder (__tests__/plan-memo-setup.js).
 */
jest.mock("cdktf/lib/private/fs", () => {
  const actual = jest.requireActual<typeof import("cdktf/lib/private/fs")>("cdktf/lib/private/fs");
  const { copyFileSync, existsSync, readdirSync, renameSync, statSync } = jest.requireActual<typeof import("node:fs")>("node:fs");
  const { createHash } = jest.requireActual<typeof import("node:crypto")>("node:crypto");
  const { join } = jest.requireActual<typeof import("node:path")>("node:path");
  const memo = process.env.GAD_PLAN_MEMO;
  /** What the zip is made of: each file's path, size and time, and cdktf's hash of the contents. */
  const fingerprint = (src: string) => {
    const hash = createHash("sha256").update(actual.hashPath(src));
    for (const name of readdirSync(src, { recursive: true, encoding: "utf8" }).sort()) {
      const stat = statSync(join(src, name));
      hash.update(`\n${name} ${stat.isDirectory() ? "d" : stat.size} ${stat.mtimeMs}`);
    }
    return hash.digest("hex");
  };
  return {
    ...actual,
    archiveSync(src: string, dest: string): void {
      if (!memo) return actual.archiveSync(src, dest);
      const made = join(memo, `archive-${fingerprint(src)}.zip`);
      if (existsSync(made)) return copyFileSync(made, dest);
      actual.archiveSync(src, dest);
      const partial = `${made}.${process.pid}`;
      copyFileSync(dest, partial);
      renameSync(partial, made);
    },
  };
});

/*
 * cdktf's fs.js loads archiver and its ~60 modules as it loads, in every test file, but only
 * the process it starts to zip calls it: a stand-in loads it at first use, as for the app
 * (scripts/lazy-requires.js). Jest keys a mock by the module's path: cdktf's own copy.
 */
jest.mock(require.resolve("archiver", { paths: [require.resolve("cdktf/lib/private/fs")] }), () => {
  const { lazyModule } = jest.requireActual<{ lazyModule: (load: () => unknown) => unknown }>("../scripts/lazy-requires");
  return lazyModule(() => jest.requireActual(require.resolve("archiver", { paths: [require.resolve("cdktf/lib/private/fs")] })));
});

setupJest();
