/*
 * GitLab CI → AWS through OIDC (ci.oidc), judged by the real engine: the provider and both
 * roles as terraform plans them, with the policy documents the app writes beside the shared
 * stack read by templatefile, and the trust conditions evaluated the way IAM matches them.
 */
import { FAKE_ACCOUNT_ID } from "../../scripts/tf-check";
import { Lifecycle } from "./lifecycle";
import { ciPolicyFiles } from "../../report/ci-policies";
import { CI_POLICY_FOLDER } from "../../modules/oidc/gitlab-ci-oidc";
import { offlineEngine } from "./engine";
import { config, rawConfig, synthAll } from "../helpers";

const { engine, describeEngine } = offlineEngine("GitLab CI OIDC roles");

type Json = Record<string, any>;
const raw = rawConfig({ ci: { oidc: { project: "acme/infra", applyBranch: "main" } } });

/** IAM's StringEquals / StringLike (`*` any run, `?` one character) on one condition key. */
function allows(trust: Json, claims: Record<string, string>): boolean {
  return trust.Statement.some((s: Json) =>
    Object.entries<Json>(s.Condition).every(([test, keys]) =>
      Object.entries<string | string[]>(keys).every(([key, values]) => {
        const claim = claims[key.split(":").pop()!];
        return [values].flat().some((v) =>
          test === "StringEquals"
            ? claim === v
            : new RegExp(
                `^${v
                  .replace(/[.+^${}()|[\]\\]/g, "\\$&")
                  .replace(/\*/g, ".*")
                  .replace(/\?/g, ".")}$`,
              ).test(claim),
        );
      }),
    ),
  );
}
const sub = (project: string, refType: string, ref: string) => `project_path:${project}:ref_type:${refType}:ref:${ref}`;

describeEngine("ci.oidc on the real engine", () => {
  const { shared, stacks } = synthAll(raw);
  const all = { "acme-delivery-shared": shared.json, ...Object.fromEntries(Object.entries(stacks).map(([k, v]) => [k, v.json])) };
  const files = Object.fromEntries(Object.entries(ciPolicyFiles(config(raw), Object.values(all))).map(([name, text]) => [`${CI_POLICY_FOLDER}/${name}`, text]));
  // The first plan shows what is created; the state a deploy leaves holds the rendered trust policies.
  const life = new Lifecycle(engine, "oidc");
  const first = life.plan(shared.json, undefined, "shared", { stacks: all, files });
  const deployed = life.deploy(shared.json, "shared", { stacks: all, files });
  const after = (type: string) =>
    first.run.plan!.resource_changes.filter((c: Json) => c.type === type).map((c: Json) => ({ address: c.address, ...c.change.after }));
  const role = (suffix: string) =>
    deployed.resources.find((r: Json) => r.type === "aws_iam_role" && r.instances[0].attributes.name === `acme-delivery-ci-${suffix}`)!.instances[0].attributes;

  test("the plan is made; the provider trusts GitLab.com's tokens for STS", () => {
    expect(first.summary.map((l) => l.replace(/\..*: /, ": "))).toEqual([
      "aws_codeconnections_connection: create",
      "aws_iam_openid_connect_provider: create",
      "aws_iam_policy: create",
      "aws_iam_policy: create",
      "aws_iam_role: create",
      "aws_iam_role: create",
      "aws_iam_role_policy_attachment: create",
      "aws_iam_role_policy_attachment: create",
    ]);
    expect(after("aws_iam_openid_connect_provider").map((p: Json) => [p.url, p.client_id_list])).toEqual([["https://gitlab.com", ["sts.amazonaws.com"]]]);
  });

  test("the apply role is assumed only by pipelines of the apply branch of the infra project, with the STS audience", () => {
    const trust = JSON.parse(role("apply").assume_role_policy);
    const claims = (s: string, aud = "sts.amazonaws.com") => ({ sub: s, aud });
    expect(allows(trust, claims(sub("acme/infra", "branch", "main")))).toBe(true);
    expect(allows(trust, claims(sub("acme/infra", "branch", "feature/x")))).toBe(false); // a merge request's source branch
    expect(allows(trust, claims(sub("acme/infra", "branch", "main-copy")))).toBe(false);
    expect(allows(trust, claims(sub("acme/infra", "tag", "main")))).toBe(false);
    expect(allows(trust, claims(sub("acme/other", "branch", "main")))).toBe(false);
    expect(allows(trust, claims(sub("acme/infra", "branch", "main"), "https://gitlab.com"))).toBe(false);
  });

  test("the plan role is assumed by any branch or merge-request pipeline of the infra project, and no other project", () => {
    const trust = JSON.parse(role("plan").assume_role_policy);
    expect(allows(trust, { sub: sub("acme/infra", "branch", "feature/x"), aud: "sts.amazonaws.com" })).toBe(true);
    expect(allows(trust, { sub: sub("acme/infra-fork", "branch", "main"), aud: "sts.amazonaws.com" })).toBe(false);
    expect(allows(trust, { sub: sub("acme/infra", "branch", "main"), aud: "gitlab" })).toBe(false);
  });

  test("each role takes its documents as managed policies, rendered with the account; the plan role's hold no write action", () => {
    const policies = after("aws_iam_policy");
    expect(policies.map((p: Json) => p.name).sort()).toEqual(["acme-delivery-ci-apply-apply-1", "acme-delivery-ci-plan-plan-1"]);
    const plan = JSON.parse(policies.find((p: Json) => p.name.endsWith("plan-1")).policy);
    const actions = plan.Statement.flatMap((s: Json) => s.Action);
    expect(actions.filter((a: string) => !/^[a-z0-9-]+:(Describe|Get|List|BatchGet)/.test(a))).toEqual([]);
    const apply = policies.find((p: Json) => p.name.endsWith("apply-1")).policy;
    expect(apply).toContain(`arn:aws:iam::${FAKE_ACCOUNT_ID}:role/acme-platform-payments-api-build`);
    expect(apply).not.toContain("${account_id}");
    expect(
      after("aws_iam_role_policy_attachment")
        .map((a: Json) => a.address)
        .sort(),
    ).toEqual([
      expect.stringMatching(/^aws_iam_role_policy_attachment\.CiOidc_ApplyAttachments_[0-9A-F]{8}\["apply-1\.json"\]$/),
      expect.stringMatching(/^aws_iam_role_policy_attachment\.CiOidc_PlanAttachments_[0-9A-F]{8}\["plan-1\.json"\]$/),
    ]);
  });
});
