import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { checkPlanFormat, gitlabReport, markdownSummary, risksOf, shouldFail, whyOf } from "../../report/plan-report";

// Real plans made by OpenTofu's and terraform-json's own test suites (and others), with
// GitLab's counts worked out independently in their SOURCES.md.
const FIXTURES = join(__dirname, "..", "fixtures", "plans");
const sources = readFileSync(join(FIXTURES, "SOURCES.md"), "utf8");
const expected = Object.fromEntries(
  sources
    .split("\n")
    .filter((l) => l.startsWith("| ") && l.includes(".json |"))
    .map((l) => {
      const cells = l.split("|").map((c) => c.trim());
      const counts = cells.map((c) => /^(\d+)\/(\d+)\/(\d+)/.exec(c)).find(Boolean) ?? /GitLab (\d+)\/(\d+)\/(\d+)/.exec(l);
      return [cells[1], counts ? { create: Number(counts[1]), update: Number(counts[2]), delete: Number(counts[3]) } : undefined];
    }),
);
const files = readdirSync(FIXTURES, { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .flatMap((d) =>
    readdirSync(join(FIXTURES, d.name))
      .filter((f) => f.endsWith(".json"))
      .map((f) => `${d.name}/${f}`),
  )
  .sort();
const load = (f: string) => JSON.parse(readFileSync(join(FIXTURES, f), "utf8"));

describe("GitLab terraform report on real plans", () => {
  test("every fixture has its independent count", () => {
    expect(files.length).toBeGreaterThanOrEqual(20);
    for (const f of files) expect([f, expected[f]]).not.toEqual([f, undefined]);
  });

  test.each(files)("%s counts as GitLab's documented jq filter does", (f) => {
    expect(gitlabReport(load(f))).toEqual(expected[f]);
  });
});

describe("Markdown summary", () => {
  test("never prints a value, sensitive or not (plans hold sensitive values in clear)", () => {
    const plan = load("opentofu/show-json_sensitive-values.json");
    expect(JSON.stringify(plan)).toContain('"boop"');
    const md = markdownSummary(plan);
    expect(md).not.toContain("boop");
    expect(md).toContain("`test_instance.test`");
    const modify = load("terraform-plan-comment/basic_1-modify.json");
    for (const c of modify.resource_changes) {
      for (const v of [c.change.before?.content, c.change.after?.content].filter((x: unknown) => typeof x === "string" && x.length > 3)) {
        expect(markdownSummary(modify)).not.toContain(v);
      }
    }
  });

  test("groups by side and action, replacements apart from creates", () => {
    const md = markdownSummary(load("terraform-plan-comment/basic_1-modify.json"), { title: "acme-delivery-acme" });
    expect(md).toBe(
      [
        "### acme-delivery-acme",
        "",
        "**2 to create, 0 to update, 2 to delete** (GitLab's count: a replacement is one create and one delete)",
        "",
        "No risky change found.",
        "",
        "#### Other (2)",
        "",
        "<details><summary>2 replaced</summary>",
        "",
        "- `local_file.test`: forced by `content`",
        "- `local_file.test3`: forced by `content`",
        "",
        "</details>",
        "",
        "",
      ].join("\n"),
    );
  });

  test("AWS changes are grouped under AWS, data reads included", () => {
    const md = markdownSummary(load("checkov/GithubActionsOIDCTrustPolicy_tfplan.json"));
    expect(md).toMatch(/#### AWS \(9\)/);
    expect(md).toContain("<details><summary>5 created</summary>");
    expect(md).toContain("<details><summary>4 read</summary>");
  });

  test("stays readable on a huge plan: truncated with counts", () => {
    const plan = {
      format_version: "1.2",
      resource_changes: Array.from({ length: 10_000 }, (_, i) => ({
        address: `aws_s3_object.o${i}`,
        type: "aws_s3_object",
        provider_name: "registry.terraform.io/hashicorp/aws",
        change: { actions: [i % 2 ? "create" : "update"] },
      })),
    };
    const md = markdownSummary(plan);
    expect(md).toContain("**5000 to create, 5000 to update, 0 to delete**");
    expect(md).toContain("- … and 4975 more");
    expect(md.split("\n").length).toBeLessThan(100);
  });
});

describe("risks", () => {
  const change = (type: string, actions: string[], extra: Record<string, unknown> = {}) => ({
    format_version: "1.2",
    resource_changes: [{ address: `${type}.x`, type, provider_name: "registry.terraform.io/hashicorp/aws", change: { actions, ...extra } }],
  });

  test.each([
    [
      "aws_codeconnections_connection",
      ["delete", "create"],
      "high",
      "the GitLab connection is replaced: a person must complete a new console handshake, and every pipeline on it stops until then; this tool guards it with prevent_destroy, so the guard was lifted or it left the configuration: make sure that is intended",
    ],
    ["aws_codeconnections_host", ["delete"], "high", "the GitLab host is deleted: a person must complete a new console handshake"],
    ["aws_s3_bucket", ["delete"], "high", "an S3 bucket is deleted: pipeline artifacts (the record of what was deployed) go with it"],
    ["aws_kms_key", ["delete"], "high", "a KMS key is scheduled for deletion: artifacts and secrets encrypted with it become unreadable"],
    [
      "gitlab_project_deploy_token",
      ["delete", "create"],
      "high",
      "a GitLab deploy token is replaced and no secret version changes in this plan: builds keep reading the revoked token",
    ],
    ["aws_codepipeline", ["delete"], "high", "a pipeline is deleted: its execution history is lost"],
    ["aws_codepipeline", ["delete", "create"], "high", "a pipeline is replaced: its execution history is lost"],
    ["aws_s3_bucket_public_access_block", ["delete"], "high", "a bucket's public-access block is removed"],
    ["aws_s3_bucket_policy", ["delete"], "high", "a bucket policy is removed: its TLS-only and cross-account rules go with it"],
    ["aws_secretsmanager_secret", ["delete"], "high", "a secret is deleted: builds that read it fail"],
    ["gitlab_project_access_token", ["delete"], "medium", "a GitLab project access token is deleted: builds that use it fail"],
  ])("%s %j is %s risk", (type, actions, level, words) => {
    const [risk] = risksOf(change(type, actions));
    expect(risk.level).toBe(level);
    expect(risk.message.startsWith(words)).toBe(true);
  });

  test("the account-wide CodeBuild source credential is named whenever the shared stack adds or removes it", () => {
    const words = (action: string) =>
      `the account-wide CodeBuild source credential for GITLAB is ${action}: CodeBuild keeps one per server type for the whole account and region, ` +
      "and every CodeBuild project there that reads GITLAB without its own source auth uses it, not only this tool's";
    expect(risksOf(change("aws_codebuild_source_credential", ["create"], { after: { server_type: "GITLAB" } }))).toEqual([
      { level: "medium", address: "aws_codebuild_source_credential.x", message: words("created") },
    ]);
    expect(risksOf(change("aws_codebuild_source_credential", ["delete"], { before: { server_type: "GITLAB" } }))).toEqual([
      { level: "medium", address: "aws_codebuild_source_credential.x", message: words("deleted") },
    ]);
    expect(risksOf(change("aws_codebuild_source_credential", ["no-op"], { after: { server_type: "GITLAB" } }))).toEqual([]);
  });

  test("a resource forgotten (removed block) is named: it stays in the account, unmanaged", () => {
    expect(risksOf(change("aws_kms_key", ["forget"]))).toEqual([
      {
        level: "medium",
        address: "aws_kms_key.x",
        message: "leaves this stack's management without being destroyed: it stays in the account, unmanaged (delete it there on purpose if nothing uses it)",
      },
    ]);
  });

  test("a policy known only at apply, an Allow with NotAction, a key policy opened to a new principal are high", () => {
    const policy = (statement: Record<string, unknown>) => JSON.stringify({ Version: "2012-10-17", Statement: [statement] });
    expect(risksOf(change("aws_iam_role_policy", ["create"], { after: {}, after_unknown: { policy: true } }))).toEqual([
      {
        level: "high",
        address: "aws_iam_role_policy.x",
        message: "a policy document is known only at apply: this plan cannot show what it allows; review it after apply",
      },
    ]);
    expect(
      risksOf(change("aws_iam_role_policy", ["update"], { before: {}, after: { policy: policy({ Effect: "Allow", NotAction: "iam:*", Resource: "*" }) } })),
    ).toEqual([
      { level: "high", address: "aws_iam_role_policy.x", message: "a policy has an Allow with NotAction: it allows every action but the listed ones" },
    ]);
    const key = (principals: string[]) => policy({ Effect: "Allow", Principal: { AWS: principals }, Action: "kms:Decrypt", Resource: "*" });
    expect(
      risksOf(
        change("aws_kms_key", ["update"], {
          before: { policy: key(["arn:aws:iam::111111111111:root"]) },
          after: { policy: key(["arn:aws:iam::111111111111:root", "*"]) },
        }),
      ),
    ).toEqual([{ level: "high", address: "aws_kms_key.x", message: "a KMS key policy now lets `*` use the key" }]);
    expect(risksOf(change("aws_kms_key", ["update"], { before: { policy: key(["a"]) }, after: { policy: key(["a"]) } }))).toEqual([]);
  });

  test("an IAM policy gaining a wildcard action is named; one it already had is not", () => {
    const policy = (actions: string[]) => JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: actions, Resource: "*" }] });
    const gained = change("aws_iam_role_policy", ["update"], {
      before: { policy: policy(["s3:GetObject"]) },
      after: { policy: policy(["s3:GetObject", "s3:*"]) },
    });
    expect(risksOf(gained)).toEqual([{ level: "high", address: "aws_iam_role_policy.x", message: "an IAM policy gains the wildcard action `s3:*`" }]);
    const kept = change("aws_iam_role_policy", ["update"], { before: { policy: policy(["s3:*"]) }, after: { policy: policy(["s3:*", "s3:GetObject"]) } });
    expect(risksOf(kept)).toEqual([]);
  });

  test("updates and creates of watched types are not risks; --fail-on levels", () => {
    expect(risksOf(change("aws_s3_bucket", ["update"]))).toEqual([]);
    const bucketGone = change("aws_s3_bucket", ["delete"]);
    expect(shouldFail(bucketGone, "high")).toBe(true);
    // A rotation that also writes the new token into the secret is medium.
    const rotation = change("gitlab_project_deploy_token", ["create", "delete"]);
    rotation.resource_changes.push({ ...change("aws_secretsmanager_secret_version", ["create", "delete"]).resource_changes[0] });
    expect(risksOf(rotation).map((r) => r.level)).toEqual(["medium"]);
    expect(shouldFail(rotation, "high")).toBe(false);
    expect(shouldFail(rotation, "medium")).toBe(true);
    expect(shouldFail(change("aws_s3_object", ["update"]), "change")).toBe(true);
    expect(shouldFail(change("aws_s3_object", ["no-op"]), "change")).toBe(false);
    expect(shouldFail(bucketGone, "none")).toBe(false);
  });

  test("refuses what is not a plan, or a plan format of a later major version", () => {
    expect(checkPlanFormat([])).toBe("is not a JSON object; give the output of `terraform show -json <planfile>`");
    expect(checkPlanFormat({ resources: [] })).toBe("has no format_version; give the output of `terraform show -json <planfile>`");
    expect(checkPlanFormat({ format_version: "2.0" })).toBe("has format_version 2.0, a major version this tool does not know; update gitlab-aws-delivery");
    for (const f of files) expect([f, checkPlanFormat(load(f))]).toEqual([f, undefined]);
  });
});

describe("what a plan cannot show (issue 13, item 1)", () => {
  const base = { format_version: "1.2", resource_changes: [], planned_values: { root_module: {} } };

  test("a state (show -json without a plan file) is refused, never reported as 'No changes'", () => {
    expect(checkPlanFormat({ format_version: "1.0", terraform_version: "1.11.4", values: { root_module: { resources: [] } } })).toBe(
      "is not a plan but a state (it has no planned_values or resource_changes): run `terraform plan -out=plan.cache`, then `terraform show -json plan.cache`",
    );
    expect(checkPlanFormat(base)).toBeUndefined();
  });

  test("an errored or incomplete plan says so at the top and fails every --fail-on level", () => {
    for (const [flag, words] of [
      [{ errored: true }, "terraform stopped with an error while planning (errored)"],
      [{ complete: false }, "the plan is incomplete (complete: false, e.g. deferred changes)"],
    ] as const) {
      const plan = { ...base, ...flag };
      const md = markdownSummary(plan, { title: "acme" });
      expect(md.split("\n").slice(0, 3)).toEqual([
        "### acme",
        "",
        expect.stringMatching(new RegExp(`^> \\*\\*⛔ Do not apply: ${words.replace(/[()]/g, "\\$&")}`)),
      ]);
      expect(md).toContain("No resource changes in this partial plan.");
      for (const level of ["high", "medium", "change"] as const) expect([level, shouldFail(plan, level)]).toEqual([level, true]);
      expect(shouldFail(plan, "none")).toBe(false);
    }
    expect(shouldFail(base, "high")).toBe(false);
  });

  test("output changes are listed by name, never with their values", () => {
    const plan = load("terraform-json/120_basic.json");
    const md = markdownSummary(plan);
    expect(md).toContain(
      "#### Outputs (8)\n\n- created: `foo`, `interpolated`, `interpolated_deep`, `list`, `map`, `referenced`, `referenced_deep`, `string`\n",
    );
    for (const o of Object.values<any>(plan.output_changes)) {
      if (typeof o.after === "string" && o.after.length > 3) expect(md).not.toContain(o.after);
    }
  });
});

describe("why each change is planned (issue 13, item 4)", () => {
  const c = (type: string, actions: string[], change: Record<string, unknown> = {}, reason?: string) => ({
    address: `${type}.x`,
    type,
    provider_name: type.startsWith("gitlab_") ? "registry.terraform.io/gitlabhq/gitlab" : "registry.terraform.io/hashicorp/aws",
    change: { actions, ...change },
    ...(reason ? { action_reason: reason } : {}),
  });

  test("a connection replaced by a rename, a deploy token by a new expiry", () => {
    expect(whyOf(c("aws_codeconnections_connection", ["delete", "create"], { replace_paths: [["name"]] }, "replace_because_cannot_update"))).toBe(
      "renaming the connection forces a new one",
    );
    expect(whyOf(c("gitlab_project_deploy_token", ["create", "delete"], { replace_paths: [["expires_at"]] }, "replace_because_cannot_update"))).toBe(
      "its expiry (`expires_at`) moved: GitLab cannot change a token",
    );
  });

  test("other replacements name the forcing attributes (nested paths too) and any other reason", () => {
    expect(whyOf(c("aws_codebuild_project", ["delete", "create"], { replace_paths: [["name"], ["source", 0, "type"]] }, "replace_because_cannot_update"))).toBe(
      "forced by `name`, `source.[0].type`",
    );
    expect(whyOf(c("aws_kms_key", ["delete", "create"], {}, "replace_because_tainted"))).toBe("it is tainted");
    expect(whyOf(c("aws_codepipeline", ["delete"], {}, "delete_because_wrong_repetition"))).toBe("count or for_each was added or removed");
  });

  test("updates name the attributes that change, never their values (sensitive ones included)", () => {
    const update = c("aws_secretsmanager_secret_version", ["update"], {
      before: { secret_string: "old-secret-value", version_stages: ["AWSCURRENT"], tags_all: {} },
      after: { secret_string: "new-secret-value", version_stages: ["AWSCURRENT"], tags_all: { a: "b" } },
      after_unknown: { version_id: true },
      before_sensitive: { secret_string: true },
      after_sensitive: { secret_string: true },
    });
    expect(whyOf(update)).toBe("changes `secret_string`, `version_id`");
    const md = markdownSummary({ format_version: "1.2", resource_changes: [update] });
    expect(md).toContain("- `aws_secretsmanager_secret_version.x`: changes `secret_string`, `version_id`");
    expect(md).not.toContain("secret-value");
  });
});
