import { DeliveryConfig } from "../config/schema";

/*
 * AWS quotas a large organisation can reach in one account and Region, counted from the
 * configuration (each project: one pipeline, one build project, two roles; more with
 * merge-request CI and CodeBuild deploys). All are adjustable, so synth warns rather than
 * refuses: the apply would fail part-way with LimitExceeded.
 * CodePipeline: 1,000 pipelines per Region (docs: codepipeline/latest/userguide/limits).
 * CodeBuild: 5,000 build projects per Region (docs: codebuild/latest/userguide/limits).
 * IAM: roles per account, 1,000 by default (docs: IAM/latest/UserGuide/reference_iam-quotas).
 */
const QUOTAS = [
  { what: "CodePipeline pipelines", limit: 1000, scope: "account and Region", count: (c: DeliveryConfig) => c.projects.length },
  {
    what: "CodeBuild build projects",
    limit: 5000,
    scope: "account and Region",
    count: (c: DeliveryConfig) =>
      c.projects.reduce((n, p) => n + (p.pipeline.adopt ? 0 : 1) + (p.ci ? 1 : 0) + p.pipeline.environments.filter((e) => e.deploy.codebuild).length, 0),
  },
  { what: "IAM roles", limit: 1000, scope: "account", count: (c: DeliveryConfig) => c.projects.length * 2 },
];

/** One warning per quota the configuration would pass (counts are lower bounds). */
export function quotaWarnings(config: DeliveryConfig): string[] {
  return QUOTAS.flatMap((q) => {
    const n = q.count(config);
    return n > q.limit
      ? [
          `this configuration makes at least ${n} ${q.what} in ${q.scope === "account" ? "the account" : config.aws.region}; AWS's default quota is ${q.limit} per ${q.scope}: ask for an increase in Service Quotas before applying (README: Large organisations), or the apply stops part-way with LimitExceeded`,
        ]
      : [];
  });
}
