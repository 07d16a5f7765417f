/* Reading and writing delivery.lock.yaml (app/assignment-lock.ts) when the file system says no: a user's error, no stack trace, nothing left behind. */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readLock, writeLock } from "../../app/assignment-lock";
import { UserError } from "../../app/errors";

const dir = mkdtempSync(join(tmpdir(), "lock-io-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const TEXT = "version: 1\nstacks: {}\nmoves: []\n";

/** What a call throws (class and message), or undefined. */
function thrown(work: () => unknown): { type: string; message: string } | undefined {
  try {
    work();
    return undefined;
  } catch (e) {
    return { type: (e as Error).constructor.name, message: (e as Error).message };
  }
}

test("written when its text changed, left alone when not", () => {
  const file = join(dir, "delivery.lock.yaml");
  expect(writeLock(file, TEXT)).toBe(true);
  expect(readFileSync(file, "utf8")).toBe(TEXT);
  expect(writeLock(file, TEXT)).toBe(false);
  expect(readdirSync(dir)).toEqual(["delivery.lock.yaml"]);
});

test("a folder that cannot hold it: the file, the system's reason and the fix, as a user's error", () => {
  const notAFolder = join(dir, "config-file");
  writeFileSync(notAFolder, "");
  const file = join(notAFolder, "delivery.lock.yaml");
  expect(thrown(() => writeLock(file, TEXT))).toEqual({
    type: "UserError",
    message: `${file}: cannot be written (ENOTDIR: not a directory, open '${file}.${process.pid}.tmp'); it records which stack each project lives in: make it a file in a writable folder and run the command again (it writes the same lock)`,
  });
});

test("a folder in the lock file's place: refused to read and to write, no temporary file left beside it", () => {
  const folder = join(dir, "in-place");
  const file = join(folder, "delivery.lock.yaml");
  mkdirSync(join(file, "something"), { recursive: true });
  expect(thrown(() => readLock(file))).toEqual({
    type: "UserError",
    message: `${file}: cannot be read (EISDIR: illegal operation on a directory, read); it must be the lock file this tool writes: restore it from version control`,
  });
  const write = thrown(() => writeLock(file, TEXT));
  expect(write?.type).toBe(UserError.name);
  expect(write?.message).toMatch(
    new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}: cannot be written \\((EISDIR|ENOTEMPTY|EEXIST)[^)]*\\); it records`),
  );
  expect(readdirSync(folder)).toEqual(["delivery.lock.yaml"]);
});
