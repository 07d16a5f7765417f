import { problems, rawConfig, rawProject, synthAll } from "../helpers";

/** Each case: the raw config, and the one problem line expected (path, value, fix). */
const cases: Array<[string, Record<string, unknown>, RegExp]> = [
  [
    "unknown top-level key, with a near-miss suggestion",
    rawConfig({ project: [] }),
    /^unknown key "project"; remove it or use one of: name, aws, gitlab, state, connection, projects \(did you mean "projects"\?\)$/,
  ],
  [
    "unknown nested key",
    rawConfig({ projects: [rawProject({ pipeline: { trigger: {} } })] }),
    /^projects\[0\]\.pipeline: unknown key "trigger"; remove it or use one of: branch, executionMode, artifactFormat, triggers, build, adopt, variables, statusOnGitlab, notifications, environments \(did you mean "triggers"\?\)$/,
  ],
  ["wrong type", rawConfig({ aws: { region: 42 } }), /^aws\.region: expected a string, got number 42; write a string$/],
  ["missing required key", rawConfig({ connection: {} }), /^connection\.name: is required; add it \(a string\)$/],
  [
    "region without connections",
    rawConfig({ aws: { region: "me-central-1" } }),
    /^aws\.region: "me-central-1" is a region where AWS CodeConnections is not offered; choose a region that offers it \(e\.g\. "eu-west-1"\), or set aws\.skipConnectionRegionCheck: true if AWS has added it since$/,
  ],
  ["China region", rawConfig({ aws: { region: "cn-north-1" } }), /^aws\.region: "cn-north-1" is a China region, where AWS CodeConnections is not offered; /],
  ["not a region code", rawConfig({ aws: { region: "Ireland" } }), /^aws\.region: "Ireland" is not an AWS region code; use one such as "eu-west-1"$/],
  [
    "project path pasted as a URL",
    rawConfig({ projects: [rawProject({ path: "https://gitlab.com/acme/app" })] }),
    /^projects\[0\]\.path: "https:\/\/gitlab\.com\/acme\/app" is a URL; use the project path "acme\/app"$/,
  ],
  [
    "SSH clone URL",
    rawConfig({ projects: [rawProject({ path: "git@gitlab.com:acme/app.git" })] }),
    /^projects\[0\]\.path: "git@gitlab\.com:acme\/app\.git" is a URL; use the project path "acme\/app"$/,
  ],
  [
    "Web IDE / raw path",
    rawConfig({ projects: [rawProject({ path: "acme/app/-/raw/main/README.md" })] }),
    /^projects\[0\]\.path: "acme\/app\/-\/raw\/main\/README\.md" contains "\/-\/", so it is a Web IDE, file or raw URL path, not a project path; use the project path "acme\/app"$/,
  ],
  [
    ".git suffix",
    rawConfig({ projects: [rawProject({ path: "acme/app.git" })] }),
    /^projects\[0\]\.path: "acme\/app\.git" ends with "\.git"; use "acme\/app"$/,
  ],
  [
    "empty segment",
    rawConfig({ projects: [rawProject({ path: "acme//app" })] }),
    /^projects\[0\]\.path: "acme\/\/app" has an empty segment \("\/\/"\); use "acme\/app"$/,
  ],
  [
    "leading slash",
    rawConfig({ projects: [rawProject({ path: "/acme/app" })] }),
    /^projects\[0\]\.path: "\/acme\/app" starts or ends with "\/"; use "acme\/app"$/,
  ],
  [
    "trailing slash",
    rawConfig({ projects: [rawProject({ path: "acme/app/" })] }),
    /^projects\[0\]\.path: "acme\/app\/" starts or ends with "\/"; use "acme\/app"$/,
  ],
  [
    "no namespace",
    rawConfig({ projects: [rawProject({ path: "app" })] }),
    /^projects\[0\]\.path: "app" has no namespace; write the full path "group\/project"/,
  ],
  [
    "deploy token expired",
    rawConfig({ projects: [rawProject({ deployToken: { expiresAt: "2026-01-31" } })] }),
    /^projects\[0\]\.deployToken\.expiresAt: "2026-01-31" is not in the future \(today is 2026-11-25\); GitLab would refuse the token: choose a later date$/,
  ],
  [
    "deploy token expiring today",
    rawConfig({ projects: [rawProject({ deployToken: { expiresAt: "2026-11-25" } })] }),
    /^projects\[0\]\.deployToken\.expiresAt: "2026-11-25" is not in the future/,
  ],
  [
    "deploy token date that does not exist",
    rawConfig({ projects: [rawProject({ deployToken: { expiresAt: "2027-02-30" } })] }),
    /^projects\[0\]\.deployToken\.expiresAt: "2027-02-30" is not a calendar date; use YYYY-MM-DD$/,
  ],
  [
    "deploy token without expiry",
    rawConfig({ projects: [rawProject({ deployToken: {} })] }),
    /^projects\[0\]\.deployToken\.expiresAt: is required; add it \(a string\)$/,
  ],
  [
    "branch name with ..",
    rawConfig({ projects: [rawProject({ defaultBranch: "feature..x" })] }),
    /^projects\[0\]\.defaultBranch: "feature\.\.x" contains "\.\.", so git would reject it as a branch name; use a name such as "main"/,
  ],
  [
    "branch name with a space",
    rawConfig({ projects: [rawProject({ pipeline: { branch: "my branch" } })] }),
    /^projects\[0\]\.pipeline\.branch: "my branch" contains a space, a control character or one of/,
  ],
  [
    "branch name ending in .lock",
    rawConfig({ projects: [rawProject({ defaultBranch: "release.lock" })] }),
    /^projects\[0\]\.defaultBranch: "release\.lock" has a component "release\.lock" that ends with "\.lock"/,
  ],
  [
    "wrong enum value",
    rawConfig({ projects: [rawProject({ pipeline: { artifactFormat: "ZIP" } })] }),
    /^projects\[0\]\.pipeline\.artifactFormat: string "ZIP" is not allowed; use one of "CODE_ZIP", "CODEBUILD_CLONE_REF"$/,
  ],
  [
    "tags mixed with branches in one push filter",
    rawConfig({ projects: [rawProject({ pipeline: { triggers: { push: [{ tags: { includes: ["v*"] }, branches: { includes: ["main"] } }] } } })] }),
    /^projects\[0\]\.pipeline\.triggers\.push\[0\]: combines `tags` with `branches`\/`filePaths`; .*split it into two filters$/,
  ],
  [
    "secret-looking plain-text variable",
    rawConfig({ projects: [rawProject({ pipeline: { build: { environmentVariables: { NPM_TOKEN: "x" } } } })] }),
    /^projects\[0\]\.pipeline\.build\.environmentVariables\.NPM_TOKEN: "NPM_TOKEN" looks like a secret/,
  ],
  ["a list where a mapping belongs", rawConfig({ projects: {} }), /^projects: expected a list, got a mapping; write a list$/],
  [
    "a fraction where a whole number belongs",
    rawConfig({ projects: [rawProject({ pipeline: { build: { timeoutMinutes: 1.5 } } })] }),
    /^projects\[0\]\.pipeline\.build\.timeoutMinutes: expected a whole number, got number 1\.5; write a whole number$/,
  ],
  [
    "an empty tag key",
    rawConfig({ aws: { region: "eu-west-1", defaultTags: { "": "x" } } }),
    /^aws\.defaultTags\[""\]: the key "" is not allowed \(Too small: expected string to have >=1 characters\); rename it$/,
  ],
  [
    "privileged build without a reason",
    rawConfig({ projects: [rawProject({ pipeline: { build: { privileged: true } } })] }),
    /^projects\[0\]\.pipeline\.build\.privilegedReason: is required with privileged: true; say why the build needs root on its host/,
  ],
  [
    "connection name over the AWS limit",
    rawConfig({ connection: { name: "x".repeat(33) } }),
    /^connection\.name: must be 1-32 letters, digits, '\.', '_' or '-' \(AWS allows 32 characters\) \(got string "x{33}"\); correct the value$/,
  ],
  [
    "two projects with the same AWS names",
    rawConfig({ projects: [rawProject({ path: "a/b-c" }), rawProject({ path: "a-b/c" })] }),
    /^projects\[1\]\.name: the AWS resource names of "a-b\/c" would be "a-b-c", the same as projects\[0\]'s \("a\/b-c"\); give one of them a distinct `name`$/,
  ],
  [
    "an output prefix Terraform would not take",
    rawConfig({ projects: [rawProject({ outputPrefix: "9lives" })] }),
    /^projects\[0\]\.outputPrefix: must be 1-100 letters, digits or '_', not starting with a digit \(got string "9lives"\); correct the value$/,
  ],
  [
    "same project twice",
    rawConfig({ projects: [rawProject(), rawProject()] }),
    /^projects\[1\]\.path: "acme\/platform\/payments-api" is already listed as projects\[0\]; list each project once$/,
  ],
];

describe("bad input gives one clear error naming field, value and fix", () => {
  test.each(cases)("%s", (_title, raw, expected) => {
    const found = problems(raw);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(expected);
  });

  test("the region opt-out accepts a listed region", () => {
    expect(problems(rawConfig({ aws: { region: "me-central-1", skipConnectionRegionCheck: true } }))).toEqual([]);
  });

  test("a YAML alias that contains itself is refused, naming where", () => {
    const { parseConfig } = jest.requireActual("../../config/load");
    const text = "name: acme-delivery\naws: &a\n  region: eu-west-1\n  defaultTags: *a\n";
    expect(() => parseConfig(text, "delivery.yaml")).toThrow(
      "delivery.yaml is not a valid delivery configuration:\n  aws.defaultTags: contains itself through a YAML alias (*name pointing back to an enclosing &name); write the value out instead",
    );
  });

  test("YAML syntax errors name the line", () => {
    const { parseConfig } = jest.requireActual("../../config/load");
    expect(() => parseConfig("name: [unclosed\n", "delivery.yaml")).toThrow(/YAML syntax: .*line 2/);
  });
});

describe("two projects that would share a GitLab project, a construct id, output names or an AWS name are refused, naming both", () => {
  const pair = (a: Record<string, unknown>, b: Record<string, unknown>) => problems(rawConfig({ projects: [rawProject(a), rawProject(b)] }));

  test("paths that differ only by letter case are the same GitLab project", () => {
    expect(pair({ path: "Acme/Web-Site" }, { path: "acme/web-site" })).toEqual([
      'projects[1].path: "acme/web-site" and projects[0].path "Acme/Web-Site" differ only by letter case, and GitLab compares paths without case: they are the same project; list it once',
    ]);
  });

  test("paths that give the same output names in one stack (one's outputs would replace the other's)", () => {
    expect(pair({ path: "acme/web_site" }, { path: "acme/web-site" })).toEqual([
      'projects[1].path: "acme/web-site" and projects[0].path "acme/web_site" would share the output names "acme__web_site_*" in the stack "acme-delivery-acme" (every character but letters, digits and \'_\' becomes \'_\'), so one project\'s outputs would replace the other\'s; set `outputPrefix` on one of them (only its output names change)',
    ]);
  });

  test("an outputPrefix that takes another project's output names", () => {
    expect(pair({ path: "acme/web_site" }, { path: "acme/site", outputPrefix: "acme__web_site" })).toEqual([
      'projects[1].outputPrefix: "acme/site" and projects[0].path "acme/web_site" would share the output names "acme__web_site_*" in the stack "acme-delivery-acme", so one project\'s outputs would replace the other\'s; set `outputPrefix` on one of them (only its output names change)',
    ]);
  });

  test("outputPrefix separates them, and renames only that project's outputs", () => {
    const raw = rawConfig({ projects: [rawProject({ path: "acme/web_site" }), rawProject({ path: "acme/web-site", outputPrefix: "acme__web_dash_site" })] });
    expect(problems(raw)).toEqual([]);
    const { stacks } = synthAll(raw);
    const { json } = stacks["acme-delivery-acme"];
    expect(json.output.acme__web_site_pipeline.value).toBe("acme-web_site");
    expect(json.output.acme__web_dash_site_pipeline.value).toBe("acme-web-site");
    // Resource addresses still come from the paths: the same as without outputPrefix.
    expect(Object.keys(json.resource.aws_codepipeline).sort()).toEqual(["acme__web-site_Pipeline_CF6D1AD2", "acme__web_site_Pipeline_53E5437E"]);
  });

  test("paths that give the same construct id in one stack", () => {
    expect(pair({ path: "acme/b_/c" }, { path: "acme/b/_c" })).toEqual([
      'projects[1].path: "acme/b/_c" and projects[0].path "acme/b_/c" would share the construct id "acme__b___c" (\'/\' becomes "__"), and so their resource addresses, in the stack "acme-delivery-acme"; give one of them a stack of its own with `stack: <name>`',
    ]);
  });

  test("the same output names in two stacks are no collision, and both projects keep their outputs", () => {
    const raw = rawConfig({ projects: [rawProject({ path: "acme/web_site" }), rawProject({ path: "acme/web-site", stack: "web" })] });
    expect(problems(raw)).toEqual([]);
    const { stacks } = synthAll(raw);
    expect(stacks["acme-delivery-acme"].json.output.acme__web_site_pipeline.value).toBe("acme-web_site");
    expect(stacks["acme-delivery-web"].json.output.acme__web_site_pipeline.value).toBe("acme-web-site");
  });

  test("a project whose build would take another's merge-request CI project name", () => {
    expect(pair({ path: "acme/app", ci: {} }, { path: "acme/app-ci" })).toEqual([
      'projects[1].name: the CodeBuild project name "acme-app-ci" of "acme/app-ci" (its build project) is also the name of projects[0]\'s merge-request CI project ("acme/app"); give one of them a distinct `name`',
    ]);
  });

  test("an adopted pipeline named like another project's pipeline", () => {
    const adopt = {
      name: "acme-app",
      roleName: "r",
      artifactBucket: "codepipeline-eu-west-1-123456789012",
      stages: [{ name: "Deploy", actions: [{ name: "Deploy", actionTypeId: { category: "Deploy", owner: "AWS", provider: "S3", version: "1" } }] }],
    };
    expect(pair({ path: "acme/app" }, { path: "acme/legacy", mode: "adopt", pipeline: { adopt } })).toEqual([
      'projects[1].pipeline.adopt.name: the pipeline name "acme-app" of "acme/legacy" (its adopted pipeline) is also the name of projects[0]\'s pipeline ("acme/app"); give projects[0] a distinct `name`',
    ]);
  });
});
