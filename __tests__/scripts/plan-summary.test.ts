/*
 * tf-check prints each stack's plan summary as terraform wrote it (it no longer runs show -json).
 * The texts below are terraform 1.11.4's own lines, copied from plans made here.
 */
import { planSummary } from "../../scripts/tf-check";

test("the summary line of a plan that creates, imports or changes objects", () => {
  const output = "\nTerraform will perform the following actions:\n...\nPlan: 28 to add, 0 to change, 0 to destroy.\n\n───\n\nSaved the plan to: plan.bin\n";
  expect(planSummary(output)).toBe("Plan: 28 to add, 0 to change, 0 to destroy");
  expect(planSummary("Plan: 10 to import, 10 to add, 6 to change, 0 to destroy.\n")).toBe("Plan: 10 to import, 10 to add, 6 to change, 0 to destroy");
});

test("a plan with nothing to do, and output with no summary (a failed plan)", () => {
  expect(planSummary("\nNo changes. Your infrastructure matches the configuration.\n")).toBe("No changes");
  expect(planSummary("Error: Invalid resource type\n")).toBeUndefined();
  expect(planSummary(undefined)).toBeUndefined();
});
