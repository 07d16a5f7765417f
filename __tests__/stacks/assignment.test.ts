import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { lockFileOf, lockText, readLock, resolveAssignment } from "../../app/assignment-lock";
import { loadConfigFile } from "../../config/load";
import { DeliveryConfig } from "../../config/schema";
import { exampleConfigs } from "../../scripts/tf-check";
import { Assignment, assignStacks, legacyAssignment } from "../../stacks/assignment";
import { NOW } from "../helpers";

/** Only what the assignment reads: the name, the bound, the paths and `stack:` keys. */
function org(paths: readonly (string | { path: string; stack?: string })[], maxProjects = 100): DeliveryConfig {
  return {
    name: "acme-delivery",
    stacks: { maxProjects },
    projects: paths.map((p) => (typeof p === "string" ? { path: p } : p)),
  } as unknown as DeliveryConfig;
}

/** `acme/team-<t>/service-<i>`: `teams` subgroups of `each` projects under one top-level group. */
function teams(count: number, each: number): string[] {
  return Array.from({ length: count * each }, (_, i) => `acme/team-${Math.floor(i / each) + 1}/service-${i}`);
}

function sizes(a: Assignment): Map<string, number> {
  const out = new Map<string, number>();
  for (const stack of a.stacks.values()) out.set(stack, (out.get(stack) ?? 0) + 1);
  return out;
}

function stacksOf(a: Assignment, team: string): Set<string> {
  return new Set([...a.stacks].filter(([p]) => p.startsWith(`acme/${team}/`)).map(([, s]) => s));
}

describe("bounded stacks", () => {
  test("2,000 projects in 40 subgroups of one top-level group: 40 stacks of 50, one per team, named for it", () => {
    const a = assignStacks(org(teams(40, 50)));
    const s = sizes(a);
    expect(s.size).toBe(40);
    expect(Math.max(...s.values())).toBe(50);
    expect(s.get("acme-delivery-acme-team-7")).toBe(50);
    expect(stacksOf(a, "team-7")).toEqual(new Set(["acme-delivery-acme-team-7"]));
  });

  test("small subgroups are packed together up to 80% of the bound; none is split", () => {
    const a = assignStacks(org(teams(30, 10)));
    const s = sizes(a);
    expect([...s.values()].every((n) => n <= 80)).toBe(true);
    expect(s.size).toBe(4);
    for (let t = 1; t <= 30; t++) expect(stacksOf(a, `team-${t}`).size).toBe(1);
    // Sorted order: team-1, team-10, team-11, … share the first stack, named for the first.
    expect(a.stacks.get("acme/team-10/service-90")).toBe("acme-delivery-acme-team-1");
  });

  test("a subgroup too big is split into pieces -2, -3 … and projects directly in the group get a stack of their own", () => {
    const paths = [...Array.from({ length: 250 }, (_, i) => `acme/big/svc-${String(i).padStart(3, "0")}`), "acme/tool-a", "acme/tool-b"];
    const a = assignStacks(org(paths));
    expect(Object.fromEntries(sizes(a))).toEqual({
      "acme-delivery-acme": 2,
      "acme-delivery-acme-big": 80,
      "acme-delivery-acme-big-2": 80,
      "acme-delivery-acme-big-3": 80,
      "acme-delivery-acme-big-4": 10,
    });
    expect(a.stacks.get("acme/big/svc-000")).toBe("acme-delivery-acme-big");
  });

  test("a group within the bound keeps the stack it had before lock files: <name>-<top-level group>, and `stack:` wins", () => {
    const paths = ["acme/a", "acme/team/b", { path: "acme/c", stack: "special" }, "Other.Group/x"];
    const a = assignStacks(org(paths));
    expect(Object.fromEntries(a.stacks)).toEqual({
      "acme/a": "acme-delivery-acme",
      "acme/team/b": "acme-delivery-acme",
      "acme/c": "acme-delivery-special",
      "Other.Group/x": "acme-delivery-other-group",
    });
    expect(a).toEqual(legacyAssignment(org(paths)));
  });

  test.each(exampleConfigs().map((f) => [f]))(
    "%s: the fresh assignment is the one before lock files, and its committed lock file is what synth writes",
    (file) => {
      const config = loadConfigFile(file, NOW).config;
      expect(assignStacks(config)).toEqual(legacyAssignment(config));
      const lock = lockFileOf(file);
      expect(readFileSync(lock, "utf8")).toBe(lockText(file, assignStacks(config, readLock(lock))));
    },
  );
});

describe("stable under growth (the lock)", () => {
  const before = assignStacks(org(teams(40, 50)));

  test("adding a project puts it in its team's stack and moves no other", () => {
    const after = assignStacks(org([...teams(40, 50), "acme/team-7/new-service"]), before);
    expect(after.stacks.get("acme/team-7/new-service")).toBe("acme-delivery-acme-team-7");
    for (const [path, stack] of before.stacks) expect(after.stacks.get(path)).toBe(stack);
  });

  test("a full team stack gets a sibling named -2; a new team gets a stack of its own; a new group its own", () => {
    const full = assignStacks(org(teams(2, 100)));
    const after = assignStacks(org([...teams(2, 100), "acme/team-1/extra", "acme/team-99/first", "globex/app"]), full);
    expect(after.stacks.get("acme/team-1/extra")).toBe("acme-delivery-acme-team-1-2");
    expect(after.stacks.get("acme/team-99/first")).toBe("acme-delivery-acme-team-99");
    expect(after.stacks.get("globex/app")).toBe("acme-delivery-globex");
  });

  test("a group that grows past the bound keeps its stack; the newcomers go to new stacks", () => {
    const small = org(Array.from({ length: 100 }, (_, i) => `acme/team/s${i}`));
    const prior = assignStacks(small);
    const grown = assignStacks(org([...small.projects.map((p) => p.path), "acme/team/s100", "acme/other/x"]), prior);
    expect(sizes(grown).get("acme-delivery-acme")).toBe(100);
    expect(grown.stacks.get("acme/team/s100")).toBe("acme-delivery-acme-team");
    expect(grown.stacks.get("acme/other/x")).toBe("acme-delivery-acme-other");
  });

  test("reordering and removing projects moves none of the others", () => {
    const paths = teams(40, 50);
    const reordered = assignStacks(org([...paths].reverse()), before);
    expect(reordered.stacks).toEqual(before.stacks);
    const removed = assignStacks(org(paths.filter((_, i) => i % 3 !== 0)), before);
    for (const [path, stack] of removed.stacks) expect(stack).toBe(before.stacks.get(path));
  });

  test("changing a project's `stack:` is a move, recorded until the project moves again", () => {
    const paths = ["acme/a", "acme/b"];
    const prior = assignStacks(org(paths));
    const moved = assignStacks(org(["acme/a", { path: "acme/b", stack: "b" }]), prior);
    expect(moved.moves).toEqual([{ project: "acme/b", from: "acme-delivery-acme", to: "acme-delivery-b" }]);
    expect(assignStacks(org(["acme/a", { path: "acme/b", stack: "b" }]), moved).moves).toEqual(moved.moves);
    expect(assignStacks(org(["acme/a", { path: "acme/b", stack: "c" }]), moved).moves).toEqual([
      { project: "acme/b", from: "acme-delivery-b", to: "acme-delivery-c" },
    ]);
  });
});

describe("the lock file", () => {
  const dir = mkdtempSync(join(tmpdir(), "delivery-lock-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, "delivery.lock.yaml");

  test("is named after the config and reads back as it was written, sorted whatever the config's order", () => {
    expect(lockFileOf("conf/delivery.yaml")).toBe(join("conf", "delivery.lock.yaml"));
    const a = assignStacks(org(["acme/b", "acme/a", { path: "acme/c", stack: "x" }, "z/q"]));
    const moved = assignStacks(org(["acme/b", "acme/a", { path: "acme/c", stack: "y" }, "z/q"]), a);
    writeFileSync(file, lockText("delivery.yaml", moved));
    expect(readFileSync(file, "utf8")).toBe(
      [
        "# Which stack (Terraform state) each project of delivery.yaml lives in. Written by",
        "# synth; commit it with the configuration. Projects keep their stack as others come and go;",
        "# to move one, set its `stack:` or run `gitlab-aws-delivery rebalance` (README: Large organisations).",
        "version: 1",
        "stacks:",
        "  acme-delivery-acme:",
        "    - acme/a",
        "    - acme/b",
        "  acme-delivery-y:",
        "    - acme/c",
        "  acme-delivery-z:",
        "    - z/q",
        "# Moves planned as removed (here) + import (there); drop a line once both stacks are applied.",
        "moves:",
        "  - { project: acme/c, from: acme-delivery-x, to: acme-delivery-y }",
        "",
      ].join("\n"),
    );
    const read = readLock(file)!;
    expect(assignStacks(org(["acme/a", "acme/b", { path: "acme/c", stack: "y" }, "z/q"]), read)).toEqual({ ...moved, stacks: expect.any(Map) });
    expect(lockText("delivery.yaml", assignStacks(org(["z/q", "acme/a", { path: "acme/c", stack: "y" }, "acme/b"]), read))).toBe(readFileSync(file, "utf8"));
  });

  test.each([
    ["version: 2\nstacks: {}\n", `${file}:1:10: version: expected 1; this tool writes lock files of version 1`],
    [
      "version: 1\nstacks:\n  s-a:\n    - acme/a\n  s-b:\n    - acme/a\n",
      `${file}:6:7: acme/a is listed in s-a and again in s-b; a project lives in one stack: delete one of the two lines`,
    ],
    [
      "version: 1\nstacks:\n  Bad_Name:\n    - acme/a\n",
      `${file}:3:3: stacks: "Bad_Name" is not a stack name (lowercase letters, digits, '-'); fix it by hand`,
    ],
    ["version: 1\nstaks: {}\n", `${file}:2:1: unknown key "staks"; a lock file has version, stacks and moves`],
    ["version: 1\nstacks: [\n", `${file}:3:1: YAML syntax:`],
  ])("a broken lock file is refused naming file, line and fix: %j", (text, message) => {
    writeFileSync(file, text);
    expect(() => readLock(file)).toThrow(message);
  });

  test("no lock file beside a config already synthesized into stacks a fresh assignment would not make: refused, saying what to do", () => {
    const out = join(dir, "cdktf.out");
    rmSync(file, { force: true });
    rmSync(out, { recursive: true, force: true });
    const config = org(teams(2, 60));
    expect(resolveAssignment(config, join(dir, "delivery.yaml"), out).prior).toBe(false);
    require("node:fs").mkdirSync(out);
    writeFileSync(join(out, "manifest.json"), JSON.stringify({ stacks: { "acme-delivery-shared": {}, "acme-delivery-acme": {} } }));
    expect(() => resolveAssignment(config, join(dir, "delivery.yaml"), out)).toThrow(
      `${file}: file not found, and ${out} holds stacks this configuration would no longer make (acme-delivery-acme): assigning projects afresh would move them between Terraform states. Restore delivery.lock.yaml from version control; or, if these stacks were made before lock files existed (one stack per top-level group), run \`gitlab-aws-delivery rebalance --keep-deployed --config ${join(dir, "delivery.yaml")}\` to write a lock that keeps every project where it is`,
    );
    writeFileSync(file, lockText("delivery.yaml", legacyAssignment(config)));
    expect(new Set(resolveAssignment(config, join(dir, "delivery.yaml"), out).assignment.stacks.values())).toEqual(new Set(["acme-delivery-acme"]));
  });
});
