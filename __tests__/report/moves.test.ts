/*
 * The plan report names a project's move between stacks as a move (issue 19, item 3): the
 * stack it leaves forgets its objects, the stack it joins imports them; neither is a delete,
 * a create or a risk. Plans: __tests__/fixtures/moves (both real; README there).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { movesOf } from "../../report/moves";
import { changesOf, gitlabReport, markdownSummary, risksOf } from "../../report/plan-report";

type Json = Record<string, any>;
const load = (f: string): Json => JSON.parse(readFileSync(join(__dirname, "..", "fixtures", "moves", f), "utf8"));

/**
 * The real plan with the offline tests' `terraform_data` stand-ins turned back into the GitLab
 * objects they play (`terraform_data.standin_gitlab_project_<name>` → `gitlab_project.<name>`),
 * as the plan reads with the GitLab provider.
 */
function withGitlabTypes(plan: Json): Json {
  const resource_changes = plan.resource_changes.map((c: Json) => {
    const m = /^standin_(gitlab_[a-z_]+?)_(acme__.*)$/.exec(c.name);
    return m ? { ...c, address: `${m[1]}.${m[2]}`, type: m[1], name: m[2], provider_name: "registry.terraform.io/gitlabhq/gitlab" } : c;
  });
  return { ...plan, resource_changes };
}

const WEB = "acme__platform__web";
const OUT = [
  `aws_cloudwatch_log_group.${WEB}_Build_Logs_DFB0A0E1`,
  `aws_codebuild_project.${WEB}_Build_E57C2B15`,
  `aws_codebuild_report_group.${WEB}_Build_TestReports_4566FBAF`,
  `aws_codepipeline.${WEB}_Pipeline_CBB2491C[0]`,
  `aws_iam_role.${WEB}_Build_Role_FE4729B8`,
  `aws_iam_role.${WEB}_Pipeline_Role_4D10E12D`,
  `aws_iam_role_policy.${WEB}_Build_Role_Policy_7F109C01`,
  `aws_iam_role_policy.${WEB}_Pipeline_Role_Policy_8385F6F8`,
  `aws_secretsmanager_secret.${WEB}_DeployToken_Secret_227259A9`,
  `aws_secretsmanager_secret_version.${WEB}_DeployToken_SecretValue_40DF74AF`,
];
const GITLAB_OUT = [`gitlab_project.${WEB}_GitlabProject_89E190D1`, `gitlab_project_deploy_token.${WEB}_DeployToken_6467D1CE`];
const FORGET_RISK =
  "leaves this stack's management without being destroyed: it stays in the account, unmanaged (delete it there on purpose if nothing uses it)";

describe("the stack a project leaves (real terraform 1.11.4 plan: removed blocks, destroy = false)", () => {
  const real = load("moved-out.json");
  const plan = withGitlabTypes(real);

  test("every object of the project is moved out; nothing is deleted, counted or risky", () => {
    expect([...movesOf(plan)].sort()).toEqual([...GITLAB_OUT, ...OUT].sort().map((a) => [a, "out"]));
    expect(risksOf(plan)).toEqual([]);
    expect(gitlabReport(plan)).toEqual({ create: 0, update: 0, delete: 0 });
    expect(changesOf(plan).filter((c) => c.action === "forget" && c.move !== "out")).toEqual([]);
  });

  test("the summary has one headline and a moved-out group per side, no forgotten group", () => {
    const md = markdownSummary(plan, { title: "acme-delivery-acme", maxPerGroup: 2 });
    expect(md).toContain(
      "**A move between stacks:** 12 objects moved out to another stack (left in place, state forgotten). Nothing is destroyed or created for them; " +
        "apply this stack and the other one (either order), then delete the `moves:` lines of the lock file.\n\nNo risky change found.\n",
    );
    expect(md).toContain(
      [
        "#### GitLab (2)",
        "",
        "<details><summary>2 moved out to another stack (left in place, state forgotten)</summary>",
        "",
        `- \`${GITLAB_OUT[0]}\``,
        `- \`${GITLAB_OUT[1]}\``,
        "",
        "</details>",
        "",
        "#### AWS (10)",
        "",
        "<details><summary>10 moved out to another stack (left in place, state forgotten)</summary>",
        "",
        `- \`${OUT[0]}\``,
        `- \`${OUT[1]}\``,
        "- … and 8 more",
      ].join("\n"),
    );
    expect(md).not.toContain("forgotten (left in place, no longer managed)");
  });

  test("as planned offline, the GitLab stand-ins (terraform_data, not named for the project) stay plain forgets", () => {
    expect([...movesOf(real).keys()].sort()).toEqual([...OUT].sort());
    expect(risksOf(real).map((r) => [r.address, r.message])).toEqual([
      [`terraform_data.standin_gitlab_project_${WEB}_GitlabProject_89E190D1`, FORGET_RISK],
      [`terraform_data.standin_gitlab_project_deploy_token_${WEB}_DeployToken_6467D1CE`, FORGET_RISK],
    ]);
  });

  test("a forget without its project's deploy-token secret is no move: it stays in the account, unmanaged, and says so", () => {
    const partial = { ...plan, resource_changes: plan.resource_changes.filter((c: Json) => c.type !== "aws_secretsmanager_secret") };
    expect(movesOf(partial).size).toBe(0);
    expect(risksOf(partial)).toHaveLength(11);
    expect(risksOf(partial).every((r) => r.message === FORGET_RISK)).toBe(true);
  });

  test("a project's prefix owns only its own objects: acme/web moving leaves acme/web/x's forgets as they are", () => {
    const forget = (type: string, name: string) => ({ address: `${type}.${name}`, mode: "managed", type, name, change: { actions: ["forget"] } });
    const p = {
      resource_changes: [
        forget("aws_secretsmanager_secret", "acme__web_DeployToken_Secret_0123ABCD"),
        forget("aws_codepipeline", "acme__web_Pipeline_0123ABCD"),
        forget("aws_codepipeline", "acme__web__x_Pipeline_4567CDEF"),
        forget("aws_kms_key", "Notifications_Key_89ABCDEF"),
      ],
    };
    expect([...movesOf(p)]).toEqual([
      ["aws_secretsmanager_secret.acme__web_DeployToken_Secret_0123ABCD", "out"],
      ["aws_codepipeline.acme__web_Pipeline_0123ABCD", "out"],
    ]);
    expect(risksOf(p).map((r) => r.address)).toEqual(["aws_codepipeline.acme__web__x_Pipeline_4567CDEF", "aws_kms_key.Notifications_Key_89ABCDEF"]);
  });
});

describe("the stack a project joins (real terraform 1.11.4 plan: import blocks read from a localhost AWS)", () => {
  const real = load("moved-in.json");
  const plan = withGitlabTypes(real);
  const IN = [...OUT.filter((a) => !a.includes("SecretValue")), GITLAB_OUT[0]];
  const ARTIFACT_STORE = [
    "aws_kms_alias.ArtifactStore_KeyAlias_8F8946E4",
    "aws_kms_key.ArtifactStore_Key_FF470AAB",
    "aws_s3_bucket.ArtifactStore_8A81FDFB",
    "aws_s3_bucket_ownership_controls.ArtifactStore_Ownership_745EF5C4",
    "aws_s3_bucket_policy.ArtifactStore_Policy_BCB9E1C1",
    "aws_s3_bucket_public_access_block.ArtifactStore_PublicAccessBlock_923E09F7",
    "aws_s3_bucket_server_side_encryption_configuration.ArtifactStore_Encryption_76C14378",
    "aws_s3_bucket_versioning.ArtifactStore_Versioning_47D8BC92",
  ];

  test("every imported object is moved in; the creates are the new deploy token, its secret version and the stack's own artifact store", () => {
    expect([...movesOf(plan)].sort()).toEqual(IN.sort().map((a) => [a, "in"]));
    const created = changesOf(plan)
      .filter((c) => c.action === "create")
      .map((c) => c.address)
      .sort();
    expect(created).toEqual([...ARTIFACT_STORE, GITLAB_OUT[1], OUT.find((a) => a.includes("SecretValue"))!].sort());
    // Six imports are then updated in place (the artifact store they use is this stack's, and
    // what an import cannot read: __tests__/engine/moves.test.ts explains each).
    expect(gitlabReport(plan)).toEqual({ create: 10, update: 6, delete: 0 });
  });

  test("the risks are the policies that name the new artifact store, known only at apply; no move is a risk", () => {
    expect(risksOf(plan).map((r) => [r.level, r.address])).toEqual([
      ["high", `aws_iam_role_policy.${WEB}_Build_Role_Policy_7F109C01`],
      ["high", `aws_iam_role_policy.${WEB}_Pipeline_Role_Policy_8385F6F8`],
      ["high", "aws_kms_key.ArtifactStore_Key_FF470AAB"],
    ]);
    expect(new Set(risksOf(plan).map((r) => r.message))).toEqual(
      new Set(["a policy document is known only at apply: this plan cannot show what it allows; review it after apply"]),
    );
  });

  test("the summary lists what was imported by which id, and what each import then updates", () => {
    const md = markdownSummary(plan, { title: "acme-delivery-web" });
    expect(md).toContain(
      "**A move between stacks:** 10 objects moved in (imported, not created). Nothing is destroyed or created for them; " +
        "apply this stack and the other one (either order), then delete the `moves:` lines of the lock file.",
    );
    expect(md).toContain(
      [
        "<details><summary>9 moved in (imported, not created)</summary>",
        "",
        `- \`aws_cloudwatch_log_group.${WEB}_Build_Logs_DFB0A0E1\`: imported by id \`/aws/codebuild/acme-platform-web\``,
        `- \`aws_codebuild_project.${WEB}_Build_E57C2B15\`: imported by id \`acme-platform-web\`; then updated in place: changes \`encryption_key\``,
        `- \`aws_codebuild_report_group.${WEB}_Build_TestReports_4566FBAF\`: imported by id \`arn:aws:codebuild:eu-west-1:123456789012:report-group/acme-platform-web-tests\``,
        `- \`aws_codepipeline.${WEB}_Pipeline_CBB2491C[0]\`: imported by id \`acme-platform-web\`; then updated in place: changes \`artifact_store\`, \`trigger\``,
        `- \`aws_iam_role.${WEB}_Build_Role_FE4729B8\`: imported by id \`acme-platform-web-build\``,
        `- \`aws_iam_role.${WEB}_Pipeline_Role_4D10E12D\`: imported by id \`acme-platform-web-pipeline\``,
        `- \`aws_iam_role_policy.${WEB}_Build_Role_Policy_7F109C01\`: imported by id \`acme-platform-web-build:least-privilege\`; then updated in place: changes \`policy\``,
        `- \`aws_iam_role_policy.${WEB}_Pipeline_Role_Policy_8385F6F8\`: imported by id \`acme-platform-web-pipeline:least-privilege\`; then updated in place: changes \`policy\``,
        `- \`aws_secretsmanager_secret.${WEB}_DeployToken_Secret_227259A9\`: imported by id \`arn:aws:secretsmanager:eu-west-1:123456789012:secret:gitlab-aws-delivery/acme/platform/web/deploy-token-AbCdEf\`; ` +
          "then updated in place: changes `force_overwrite_replica_secret`, `kms_key_id`, `recovery_window_in_days`",
        "",
        "</details>",
      ].join("\n"),
    );
    // The GitLab project's stand-in imports its id only (terraform_data), hence its input and output.
    expect(md).toContain(
      `- \`gitlab_project.${WEB}_GitlabProject_89E190D1\`: imported by id \`acme/platform/web\`; then updated in place: changes \`input\`, \`output\``,
    );
  });

  test("as planned offline, the GitLab project's stand-in (terraform_data, not named for the project) is an import but no move", () => {
    const standin = `terraform_data.standin_gitlab_project_${WEB}_GitlabProject_89E190D1`;
    expect(real.resource_changes.find((c: Json) => c.address === standin).change.importing).toEqual({ id: "acme/platform/web" });
    expect([...movesOf(real).keys()].sort()).toEqual(IN.filter((a) => a.startsWith("aws_")).sort());
  });

  test("an import of no moving project (an adopted pipeline) is not called a move; an import then replaced stays a replacement", () => {
    const pipeline = plan.resource_changes.find((c: Json) => c.type === "aws_codepipeline");
    expect(movesOf({ resource_changes: [pipeline] }).size).toBe(0);
    expect(markdownSummary({ resource_changes: [pipeline] })).not.toContain("moved in");
    const replaced = plan.resource_changes.map((c: Json) =>
      c.type === "aws_codepipeline" ? { ...c, change: { ...c.change, actions: ["delete", "create"] } } : c,
    );
    expect(movesOf({ resource_changes: replaced }).has(pipeline.address)).toBe(false);
    expect(
      risksOf({ resource_changes: replaced })
        .filter((r) => r.address === pipeline.address)
        .map((r) => r.message),
    ).toEqual(["a pipeline is replaced: its execution history is lost"]);
  });
});
