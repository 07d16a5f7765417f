import { assignShards, workerCount, workerStartInProjects } from "../../app/shards";
import { DeliveryConfig, ProjectConfig } from "../../config/schema";
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

describe("how many processes synthesize", () => {
  const config = (n: number) => ({ projects: Array.from({ length: n }, () => ({}) as ProjectConfig) }) as unknown as DeliveryConfig;
  test("one process below 750 projects, even with cores to spare; then one per 750, up to the cores and the stacks", () => {
    const count = (n: number, cores: number, stackCount = 100) => workerCount(config(n), {}, stackCount, cores);
    expect([1, 200, 500, 749].map((n) => count(n, 2))).toEqual([1, 1, 1, 1]);
    expect([750, 1_000, 2_000, 10_000].map((n) => count(n, 2))).toEqual([2, 2, 2, 2]);
    expect([1_499, 1_500, 3_000, 10_000].map((n) => count(n, 8))).toEqual([2, 3, 5, 8]);
    expect(count(3_000, 8, 3)).toBe(3);
    expect(count(500, 1)).toBe(1);
  });

  test("DELIVERY_SYNTH_WORKERS chooses instead, cut to the number of stacks", () => {
    expect(workerCount(config(10), { DELIVERY_SYNTH_WORKERS: "3" }, 5, 2)).toBe(3);
    expect(workerCount(config(10), { DELIVERY_SYNTH_WORKERS: "9" }, 5, 2)).toBe(5);
  });
});
