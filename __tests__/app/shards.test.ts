import { assignShards, workerStartInProjects } from "../../app/shards";
import { ProjectConfig } from "../../config/schema";
import { Partition } from "../../stacks/partition";

/** Stacks `s0`, `s1`, … with the given numbers of projects (the projects themselves do not matter here). */
function stacks(...sizes: number[]): Partition[] {
  return sizes.map((n, i) => ({ stack: `s${i}`, projects: Array.from({ length: n }, () => ({}) as ProjectConfig), movedIn: [], movedOut: [] }));
}

const names = (shares: Partition[][]) => shares.map((share) => share.map((p) => p.stack));
const projects = (share: Partition[]) => share.reduce((n, p) => n + p.projects.length, 0);

test("a worker starts later than the process that reads the configuration, so its share is lighter by that much", () => {
  expect(workerStartInProjects(200)).toBe(68);
  expect(workerStartInProjects(2000)).toBe(140);
  // 200 projects in 10 stacks of 20: 140 in this process, 60 in the worker, which starts ~68 projects late.
  const shares = assignShards(stacks(...Array(10).fill(20)), 2);
  expect(shares.map(projects)).toEqual([140, 60]);
  expect(names(shares)).toEqual([
    ["s0", "s1", "s2", "s3", "s5", "s7", "s9"],
    ["s4", "s6", "s8"],
  ]);
  // Three processes: both workers start late (stacks of 50 do not split evenly).
  expect(assignShards(stacks(...Array(12).fill(50)), 3).map(projects)).toEqual([250, 200, 150]);
});

test("every stack lands in exactly one share, whatever the sizes", () => {
  const all = stacks(90, 3, 41, 41, 7, 100, 55, 2, 18, 64, 33);
  for (const count of [1, 2, 3, 4]) {
    const flat = names(assignShards(all, count)).flat();
    expect(flat.sort()).toEqual(all.map((p) => p.stack).sort());
  }
});

test("where a worker would get nothing, the shares are even instead (every process has stacks to write)", () => {
  // Two stacks of 50: the head start would give both to this process.
  expect(names(assignShards(stacks(50, 50), 2))).toEqual([["s0"], ["s1"]]);
});
