import { quotaWarnings } from "../../app/quotas";
import { config, rawConfig, rawProject } from "../helpers";

const projects = (n: number) => Array.from({ length: n }, (_, i) => rawProject({ path: `acme/team-${i % 20}/service-${i}` }));

test("past AWS's default quotas, synth warns naming the count, the quota and the fix; below them it says nothing", () => {
  expect(quotaWarnings(config(rawConfig({ projects: projects(400) })))).toEqual([]);
  expect(quotaWarnings(config(rawConfig({ projects: projects(1001) })))).toEqual([
    "this configuration makes at least 1001 CodePipeline pipelines in eu-west-1; AWS's default quota is 1000 per account and Region: ask for an increase in Service Quotas before applying (README: Large organisations), or the apply stops part-way with LimitExceeded",
    "this configuration makes at least 2002 IAM roles in the account; AWS's default quota is 1000 per account: ask for an increase in Service Quotas before applying (README: Large organisations), or the apply stops part-way with LimitExceeded",
  ]);
});
