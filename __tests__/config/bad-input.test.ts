import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { stringify } from "yaml";
import { parseConfig } from "../../config/load";
import { makeCertificate } from "../certs";
import { problems, rawConfig, rawProject, synthAll } from "../helpers";

/** Each case: the raw config, and the one problem line expected (path, value, fix). */
const cases: Array<[string, Record<string, unknown>, RegExp]> = [
  [
    "unknown top-level key, with a near-miss suggestion",
    rawConfig({ project: [] }),
    /^unknown key "project"; remove it or use one of: name, aws, gitlab, state, connection, projects, stacks, ci \(did you mean "projects"\?\)$/,
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
    "misspelt region",
    rawConfig({ aws: { region: "eu-wset-1" } }),
    /^aws\.region: "eu-wset-1" is not an AWS region code \(did you mean "eu-west-1"\?\); use one such as "eu-west-1"$/,
  ],
  ["unknown area", rawConfig({ aws: { region: "xx-west-1" } }), /^aws\.region: "xx-west-1" is not an AWS region code; use one such as "eu-west-1"$/],
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

  test("YAML syntax errors print file:line:column: message, without the library's ':' before the fix", () => {
    const { parseConfig } = jest.requireActual("../../config/load");
    expect(() => parseConfig("name: acme-delivery\naws: [unclosed\n", "delivery.yaml")).toThrow(
      "delivery.yaml is not a valid delivery configuration:\n  delivery.yaml:3:1: YAML syntax: Flow sequence in block collection must be sufficiently indented and end with a ]; fix the YAML there",
    );
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

/*
 * Credentials are assembled at run time (prefix and body apart), so that secret scanners
 * reading this file find no token-shaped string in it.
 */
const BODY = "Zx8Kq2Lm7Np4Rt6Vw9Yb";
const token = (prefix: string) => [prefix, BODY].join("-");
const AWS_KEY_ID = ["AKIA", "Z7Q2L4M6N8P3R5T7"].join("");
const AWS_SECRET = ["wJalrXUtnFEMI/K7MDENG", "bPxRfiCYEXAMPLEKEY"].join("/");
const PEM_KEY = `${["-----BEGIN", "EC PRIVATE KEY-----"].join(" ")}\nMHcCAQEEIIrYSSNQFaA2Hwf1duRSxKtLYX5CB04fSeQ6tF1aY/PuoAoGCCqGSM49\n-----END EC PRIVATE KEY-----\n`;

const LEAK = "values here reach cdk.tf.json (a CI artifact) in plain text: remove it, rotate it if this file was ever committed, and";
const GITLAB_TOKEN_FIX =
  "let terraform's GitLab provider read it from GITLAB_TOKEN (a masked CI/CD variable), or a build from AWS Secrets Manager (buildspec env: secrets-manager)";
const AWS_FIX = "let builds and deploys use their IAM roles (roleArn for another account) and terraform its own AWS credentials (AWS_PROFILE, OIDC)";
const ELSEWHERE = "keep it in AWS Secrets Manager or a masked GitLab CI/CD variable";
const RUNNER_FIX = "keep runner tokens in the runner's config.toml only";

describe("credentials anywhere in the config are refused before synthesis, naming where and what, never echoing them", () => {
  const cases: Array<[string, Record<string, unknown>, string[]]> = [
    [
      "a personal access token inside a URL in a build variable",
      rawConfig({
        projects: [rawProject({ pipeline: { build: { environmentVariables: { GIT_REMOTE: `https://oauth2:${token("glpat")}@gitlab.com/acme/app.git` } } } })],
      }),
      [
        `projects[0].pipeline.build.environmentVariables.GIT_REMOTE: holds "glpat-…", which looks like a GitLab personal, project or group access token; ${LEAK} ${GITLAB_TOKEN_FIX}`,
      ],
    ],
    [
      "a deploy token as a pipeline variable's default",
      rawConfig({ projects: [rawProject({ pipeline: { variables: [{ name: "REGISTRY_AUTH", default: token("gldt") }] } })] }),
      [
        `projects[0].pipeline.variables[0].default: holds "gldt-…", which looks like a GitLab deploy token; ${LEAK} let the stack create the project's deploy token (deployToken:), which it keeps in AWS Secrets Manager`,
      ],
    ],
    [
      "a token behind an instance prefix, in an environment's variable",
      rawConfig({
        projects: [
          rawProject({
            pipeline: { environments: [{ name: "dev", variables: { API: `acme-${token("glpat")}` }, deploy: { codebuild: { buildspec: "deploy.yml" } } }] },
          }),
        ],
      }),
      [
        `projects[0].pipeline.environments[0].variables.API: holds "glpat-…", which looks like a GitLab personal, project or group access token; ${LEAK} ${GITLAB_TOKEN_FIX}`,
      ],
    ],
    [
      "a legacy runner registration token in a description",
      rawConfig({ projects: [rawProject({ description: `runner: GR1348941${BODY}` })] }),
      [`projects[0].description: holds "GR1348941…", which looks like a GitLab runner registration token; ${LEAK} ${RUNNER_FIX}`],
    ],
    [
      "an AWS access key id in a tag",
      rawConfig({ aws: { region: "eu-west-1", defaultTags: { owner: `ci ${AWS_KEY_ID}` } } }),
      [`aws.defaultTags.owner: holds "AKIA…", which looks like an AWS access key id; ${LEAK} ${AWS_FIX}`],
    ],
    [
      "a temporary AWS access key id",
      rawConfig({ projects: [rawProject({ pipeline: { build: { environmentVariables: { KEY: `ASIA${AWS_KEY_ID.slice(4)}` } } } })] }),
      [`projects[0].pipeline.build.environmentVariables.KEY: holds "ASIA…", which looks like an AWS temporary access key id; ${LEAK} ${AWS_FIX}`],
    ],
    [
      "an AWS secret key beside its name, in a pipeline variable and inline in a description",
      rawConfig({
        projects: [
          rawProject({
            description: `aws_secret_access_key = ${AWS_SECRET}`,
            pipeline: { variables: [{ name: "AWS_SECRET_ACCESS_KEY", default: AWS_SECRET }] },
          }),
        ],
      }),
      [
        `projects[0].description: holds a 40-character value, which looks like an AWS secret access key; ${LEAK} ${AWS_FIX}`,
        `projects[0].pipeline.variables[0].default: holds a 40-character value, which looks like an AWS secret access key; ${LEAK} ${AWS_FIX}`,
      ],
    ],
    [
      "a PEM private key pasted as the host certificate",
      rawConfig({
        gitlab: {
          kind: "self-managed",
          url: "https://gitlab.internal.acme.example",
          vpc: { vpcId: "vpc-0a1b2c3d4e5f60718", subnetIds: ["subnet-0a1b2c3d4e5f60719"], instanceCidrs: ["10.20.5.10/32"], tlsCertificate: PEM_KEY },
        },
      }),
      [
        `gitlab.vpc.tlsCertificate: holds "-----BEGIN EC PRIVATE KEY-----", which looks like a PEM private key; ${LEAK} keep the key in AWS Secrets Manager; only certificates belong here (gitlab.vpc.tlsCertificate takes -----BEGIN CERTIFICATE----- blocks)`,
      ],
    ],
    [
      "a token as a map key: the path shows only its prefix",
      rawConfig({ aws: { region: "eu-west-1", defaultTags: { [token("glpat")]: "x" } } }),
      [`aws.defaultTags["glpat-…"]: the key holds "glpat-…", which looks like a GitLab personal, project or group access token; ${LEAK} ${GITLAB_TOKEN_FIX}`],
    ],
    [
      "a token deep under a key the schema does not know (refused as a credential first, so no other message quotes it)",
      rawConfig({ projects: [rawProject({ notes: { history: ["rotated", { by: token("glft") }] } })] }),
      [`projects[0].notes.history[1].by: holds "glft-…", which looks like a GitLab feed token; ${LEAK} ${ELSEWHERE}`],
    ],
  ];

  test.each(cases)("%s", (_title, raw, expected) => {
    const found = problems(raw);
    expect(found).toEqual(expected);
    for (const secret of [BODY, AWS_KEY_ID.slice(4), AWS_SECRET, "MHcCAQEE"]) expect(found.join("\n")).not.toContain(secret);
  });

  test.each([
    ["glrt", "a GitLab runner authentication token", RUNNER_FIX],
    ["glrtr", "a GitLab runner token", RUNNER_FIX],
    ["glcbt", "a GitLab CI/CD job token", "let a job use its own CI_JOB_TOKEN"],
    ["gloas", "a GitLab OAuth application secret", ELSEWHERE],
    ["glptt", "a GitLab pipeline trigger token", ELSEWHERE],
    ["glimt", "a GitLab incoming mail token", ELSEWHERE],
    ["glagent", "a GitLab agent for Kubernetes token", ELSEWHERE],
    ["glwt", "a GitLab workspace token", ELSEWHERE],
    ["glsoat", "a GitLab SCIM token", ELSEWHERE],
    ["glffct", "a GitLab feature flags client token", ELSEWHERE],
  ])("GitLab's %s- prefix is refused as %s", (prefix, what, fix) => {
    expect(problems(rawConfig({ projects: [rawProject({ description: `see ${token(prefix)}` })] }))).toEqual([
      `projects[0].description: holds "${prefix}-…", which looks like ${what}; ${LEAK} ${fix}`,
    ]);
  });

  test("hex and base36 token bodies (trigger, incoming mail) are recognized too", () => {
    const hex = ["glptt", "0123456789abcdef0123456789abcdef01234567"].join("-");
    const base36 = ["glimt", "3k9x0z7q2m4p8r1t6v5w0y2b"].join("-");
    expect(problems(rawConfig({ projects: [rawProject({ description: `${hex} ${base36}` })] }))).toEqual([
      `projects[0].description: holds "glptt-…", which looks like a GitLab pipeline trigger token; ${LEAK} ${ELSEWHERE}`,
      `projects[0].description: holds "glimt-…", which looks like a GitLab incoming mail token; ${LEAK} ${ELSEWHERE}`,
    ]);
  });

  test("legitimate values that resemble credentials are accepted", () => {
    const ca = makeCertificate({ commonName: "Acme Internal CA", ca: true, days: 3650 });
    const raw = rawConfig({
      gitlab: {
        kind: "self-managed",
        url: "https://gitlab.internal.acme.example",
        vpc: { vpcId: "vpc-0a1b2c3d4e5f60718", subnetIds: ["subnet-0a1b2c3d4e5f60719"], instanceCidrs: ["10.20.5.10/32"], tlsCertificate: ca },
      },
      projects: [
        rawProject({
          // A project named like a token prefix, with words only.
          path: "acme/glrt-runner-configuration-service",
          description: "Rotate glpat- tokens monthly; the access key rotation is in commit 0123456789abcdef0123456789abcdef01234567",
          pipeline: {
            build: {
              image: "123456789012.dkr.ecr.eu-west-1.amazonaws.com/glft-exporter-build-image:2024",
              environmentVariables: { TARGET: "#{variables.TARGET}", KMS_KEY: "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab" },
            },
            variables: [{ name: "SECRET_COMMIT", default: "0123456789abcdef0123456789abcdef01234567", description: "commit of the secret rotation" }],
            environments: [
              {
                name: "prod",
                roleArn: "arn:aws:iam::210987654321:role/service-role/AWSCodePipelineServiceRole-eu-west-1-acme",
                variables: { Stage: "#{variables.STAGE}" },
                deploy: {
                  cloudformation: {
                    stackName: "acme-prod",
                    templatePath: "template.yml",
                    executionRoleArn: "arn:aws:iam::210987654321:role/cfn-exec",
                  },
                },
              },
            ],
          },
        }),
      ],
    });
    // The real clock: the certificate was made a moment ago.
    expect(() => parseConfig(stringify(raw), "delivery.yaml", new Date())).not.toThrow();
  });

  test("a certificate file that also holds the private key is refused, naming the file", () => {
    const dir = mkdtempSync(join(tmpdir(), "delivery-key-"));
    const ca = makeCertificate({ commonName: "Acme Internal CA", ca: true, days: 3650 });
    writeFileSync(join(dir, "bundle.pem"), `${ca}${PEM_KEY}`);
    const raw = rawConfig({
      gitlab: {
        kind: "self-managed",
        url: "https://gitlab.internal.acme.example",
        vpc: { vpcId: "vpc-0a1b2c3d4e5f60718", subnetIds: ["subnet-0a1b2c3d4e5f60719"], instanceCidrs: ["10.20.5.10/32"], tlsCertificateFile: "bundle.pem" },
      },
    });
    expect(() => parseConfig(stringify(raw), join(dir, "delivery.yaml"), new Date())).toThrow(
      `${join(dir, "delivery.yaml")} is not a valid delivery configuration:\n` +
        '  gitlab.vpc.tlsCertificateFile: "bundle.pem" holds a private key (-----BEGIN EC PRIVATE KEY-----), which would reach cdk.tf.json (a CI artifact) in plain text; the host needs certificates only: export the certificate (and its CA) without the key, and keep the key in AWS Secrets Manager',
    );
  });
});

describe("GitLab's path limits", () => {
  const path = (p: string) => problems(rawConfig({ projects: [rawProject({ path: p })] }));

  test("a segment over 255 characters is refused with the limit", () => {
    expect(path(`acme/${"x".repeat(300)}`)).toEqual([
      `projects[0].path: "acme/${"x".repeat(71)}... has a segment of 300 characters (segment 2); GitLab allows at most 255 in a group or project path (and in a project name, which the stack sets to its path): use the project's real path, or a shorter one for a new project`,
    ]);
    expect(path(`acme/${"x".repeat(255)}`)).toEqual([]);
  });

  test("more than 20 levels of subgroups are refused", () => {
    const segments = (n: number) => Array.from({ length: n }, (_, i) => `g${i}`).join("/");
    expect(path(segments(23))).toEqual([
      `projects[0].path: "${segments(23).slice(0, 76)}... has 23 segments; GitLab nests at most 20 levels of subgroups under a top-level group, so a project path has at most 22: use the project's real path`,
    ]);
    expect(path(segments(22))).toEqual([]);
  });

  test("a full path too long for the project's Secrets Manager secret names is refused with the limit", () => {
    const long = `acme/${"g".repeat(250)}/${"x".repeat(255)}`;
    expect(path(long)).toEqual([
      `projects[0].path: "${long.slice(0, 76)}... is 511 characters long; the stack names the project's Secrets Manager secrets "gitlab-aws-delivery/<path>/deploy-token", and AWS allows 512 characters there, so the path can have at most 479: choose a shorter path (for an existing project, move or rename it in GitLab)`,
    ]);
    expect(path(`acme/${"g".repeat(218)}/${"x".repeat(255)}`)).toEqual([]); // 479 characters
  });
});

describe("a bad file or setting ends the app with one clear line, exit 1, no stack trace, nothing written", () => {
  const app = join(__dirname, "..", "..", "scripts", "run-app.js");

  /** Runs the cdktf app command on `content` (written as given: text or raw bytes). */
  function runApp(content: string | Buffer | undefined, env: NodeJS.ProcessEnv = {}) {
    const dir = mkdtempSync(join(tmpdir(), "delivery-bad-"));
    const file = join(dir, "delivery.yaml");
    if (content !== undefined) writeFileSync(file, content);
    const r = spawnSync(process.execPath, [app], {
      cwd: dir,
      encoding: "utf8",
      env: { ...process.env, DELIVERY_CONFIG: file, CDKTF_OUTDIR: join(dir, "cdktf.out"), ...env },
    });
    expect(r.stderr).not.toMatch(/\n\s+at |internal error/);
    expect(existsSync(join(dir, "cdktf.out"))).toBe(false);
    return { status: r.status, stderr: r.stderr, file, dir };
  }
  const valid = stringify(rawConfig());

  test("a file that is not UTF-8 names the byte, its offset and line", () => {
    const r = runApp(Buffer.concat([Buffer.from(valid), Buffer.from("# caf\xe9\n", "latin1")]));
    const line = valid.split("\n").length;
    expect([r.status, r.stderr]).toEqual([
      1,
      `${r.file} is not a valid delivery configuration:\n` +
        `  ${r.file}:${line}:6: byte 0xE9 at offset ${Buffer.byteLength(valid) + 5} is not valid UTF-8, so the file is in another encoding (in Latin-1 or Windows-1252 it would be "é"); save it as UTF-8\n`,
    ]);
  });

  test("a UTF-16 file says so", () => {
    const r = runApp(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(valid, "utf16le")]));
    expect([r.status, r.stderr]).toEqual([
      1,
      `${r.file} is not a valid delivery configuration:\n  ${r.file}:1:1: the file is UTF-16 (it starts with the byte-order mark 0xFF 0xFE); save it as UTF-8\n`,
    ]);
  });

  test("a directory says it is one, and names a file in it", () => {
    const dir = mkdtempSync(join(tmpdir(), "delivery-dir-"));
    mkdirSync(join(dir, "configs"));
    writeFileSync(join(dir, "configs", "team-b.yaml"), valid);
    writeFileSync(join(dir, "configs", "team-a.yml"), valid);
    const r = runApp(undefined, { DELIVERY_CONFIG: join(dir, "configs") });
    expect([r.status, r.stderr]).toEqual([
      1,
      `${join(dir, "configs")} is not a valid delivery configuration:\n  is a directory, not a file; point DELIVERY_CONFIG at a YAML file in it, such as ${join(dir, "configs", "team-a.yml")}\n`,
    ]);
  });

  test("a missing file names the path, the folder looked in, --config and DELIVERY_CONFIG", () => {
    const r = runApp(undefined);
    expect([r.status, r.stderr]).toEqual([
      1,
      `${r.file} is not a valid delivery configuration:\n  file not found (looked in ${dirname(r.file)}); create it (delivery.yaml in this repository is an example), ` +
        `or name your file with --config <file> (synth) or DELIVERY_CONFIG=<file> (cdktf)\n`,
    ]);
  });

  test.each([
    ["empty", ""],
    ["only comments", "# delivery config, to do\n"],
  ])("an %s file says it is empty and which keys to write", (_name, text) => {
    expect(() => parseConfig(text, "delivery.yaml")).toThrow(
      "delivery.yaml is not a valid delivery configuration:\n  the file is empty (or only comments); write the keys name, aws, connection and projects (delivery.yaml in this repository is an example)",
    );
  });

  test("no projects: the list is empty, and what an entry looks like", () => {
    expect(problems(rawConfig({ projects: [] }))).toEqual([
      "projects: is an empty list; list at least 1 project, such as `- path: acme/app` (the project's path in GitLab)",
    ]);
  });

  test("a second YAML document is refused at the line it starts, in the user's terms", () => {
    const r = runApp(`${valid}---\nname: other\n`);
    expect([r.status, r.stderr]).toEqual([
      1,
      `${r.file} is not a valid delivery configuration:\n` +
        `  ${r.file}:${valid.split("\n").length}:1: a second YAML document starts here, but a delivery configuration is one document per file: merge them, or move the second into a file of its own\n`,
    ]);
  });

  test("a YAML syntax error prints file:line:column: message", () => {
    const r = runApp("name: acme-delivery\naws:\n\tregion: eu-west-1\n");
    expect([r.status, r.stderr]).toEqual([
      1,
      `${r.file} is not a valid delivery configuration:\n  ${r.file}:3:1: YAML syntax: Tabs are not allowed as indentation; fix the YAML there\n`,
    ]);
  });

  test('a "billion laughs" alias bomb is refused at the alias that passes the limit', () => {
    const levels = ["a", "b", "c", "d", "e", "f", "g", "h", "i"];
    const bomb = [
      "name: acme-delivery",
      'a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]',
      ...levels.slice(1).map((l, i) => `${l}: &${l} [${Array(9).fill(`*${levels[i]}`).join(", ")}]`),
    ].join("\n");
    const r = runApp(bomb);
    expect([r.status, r.stderr]).toEqual([
      1,
      `${r.file} is not a valid delivery configuration:\n` +
        `  ${r.file}:5:8: the alias *c takes YAML aliases past 100 repetitions of anchored values (the limit that guards against "billion laughs" documents); write the repeated values out, or use fewer aliases\n`,
    ]);
  });

  test.each(["abc", "0", "-1", "1.5", "2x"])("DELIVERY_SYNTH_WORKERS=%s names the variable, the value and the range", (value) => {
    const r = runApp(stringify(rawConfig({ projects: [rawProject(), rawProject({ path: "beta/app" })] })), { DELIVERY_SYNTH_WORKERS: value });
    expect([r.status, r.stderr]).toEqual([
      1,
      `environment variable DELIVERY_SYNTH_WORKERS: ${JSON.stringify(value)} is not a whole number of 1 or more; set the number of synthesis processes (1 to 2 for this config: one per projects stack at most, a larger number is cut to 2), or unset it to choose automatically\n`,
    ]);
  });
});
