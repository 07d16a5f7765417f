import { ConfigProblem, formatPath } from "./errors";

/*
 * Credentials written into the config. Every string of the file (values and map keys, at any
 * depth) can reach cdk.tf.json, which CI keeps as an artifact, so a token pasted anywhere is
 * refused before synthesis. Messages show only what kind of credential it looks like and its
 * public prefix ("glpat-…"), never the secret.
 */

/** A kind of credential: what it looks like to a reader, and what this tool expects instead. */
interface Kind {
  readonly what: string;
  readonly fix: string;
}

const KEEP_ELSEWHERE = "keep it in AWS Secrets Manager or a masked GitLab CI/CD variable";
const AWS_FIX = "let builds and deploys use their IAM roles (roleArn for another account) and terraform its own AWS credentials (AWS_PROFILE, OIDC)";

/**
 * GitLab's token prefixes ("Token prefixes", docs.gitlab.com/security/tokens; glwt- since
 * GitLab 18.2, glrtr- for runner tokens). An instance prefix ("acme-glpat-") still matches.
 */
const GITLAB_KINDS: Readonly<Record<string, Kind>> = {
  glpat: {
    what: "a GitLab personal, project or group access token",
    fix: "let terraform's GitLab provider read it from GITLAB_TOKEN (a masked CI/CD variable), or a build from AWS Secrets Manager (buildspec env: secrets-manager)",
  },
  gldt: {
    what: "a GitLab deploy token",
    fix: "let the stack create the project's deploy token (deployToken:), which it keeps in AWS Secrets Manager",
  },
  glrt: { what: "a GitLab runner authentication token", fix: "keep runner tokens in the runner's config.toml only" },
  glrtr: { what: "a GitLab runner token", fix: "keep runner tokens in the runner's config.toml only" },
  glcbt: { what: "a GitLab CI/CD job token", fix: "let a job use its own CI_JOB_TOKEN" },
  gloas: { what: "a GitLab OAuth application secret", fix: KEEP_ELSEWHERE },
  glptt: { what: "a GitLab pipeline trigger token", fix: KEEP_ELSEWHERE },
  glft: { what: "a GitLab feed token", fix: KEEP_ELSEWHERE },
  glimt: { what: "a GitLab incoming mail token", fix: KEEP_ELSEWHERE },
  glagent: { what: "a GitLab agent for Kubernetes token", fix: KEEP_ELSEWHERE },
  glwt: { what: "a GitLab workspace token", fix: KEEP_ELSEWHERE },
  glsoat: { what: "a GitLab SCIM token", fix: KEEP_ELSEWHERE },
  glffct: { what: "a GitLab feature flags client token", fix: KEEP_ELSEWHERE },
};

/** One credential found in a string: its kind and how it may be named in a message. */
interface Finding {
  readonly kind: Kind;
  /** What may be shown of it: its public prefix (`glpat-…`), never the secret; none for a bare secret. */
  readonly shown?: string;
}

interface Detector {
  readonly pattern: RegExp;
  /** The finding for a match, or undefined when the match is a legitimate value after all. */
  readonly finding: (m: RegExpExecArray, text: string, context: string) => Finding | undefined;
}

const PRIVATE_KEY = /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----/;

const DETECTORS: readonly Detector[] = [
  {
    // Token bodies are 20 or more random characters. A body of lowercase words joined by
    // '-' ("glrt-runner-config-2024") is a name, not a token: random bodies have an upper-case
    // letter (base64url) or are one run of digits and lowercase letters (hex, base36).
    pattern: /(?<![A-Za-z0-9])(glpat|gldt|glrtr|glrt|glcbt|gloas|glptt|glft|glimt|glagent|glwt|glsoat|glffct)-([A-Za-z0-9_-]{20,})/g,
    finding: (m) => {
      const body = m[2];
      const random = /[A-Z]/.test(body) || (/[0-9]/.test(body) && !body.includes("-"));
      return random ? { kind: GITLAB_KINDS[m[1]], shown: `${m[1]}-…` } : undefined;
    },
  },
  {
    // Runner registration tokens (deprecated): GitLab's RUNNERS_TOKEN_PREFIX.
    pattern: /(?<![A-Za-z0-9])GR1348941[A-Za-z0-9_-]{20,}/g,
    finding: () => ({ kind: { what: "a GitLab runner registration token", fix: "keep runner tokens in the runner's config.toml only" }, shown: "GR1348941…" }),
  },
  {
    pattern: /_gitlab_session=[0-9a-f]{20,}/g,
    finding: () => ({
      kind: { what: "a GitLab session cookie", fix: "never copy a session cookie; use an access token from a masked CI/CD variable" },
      shown: "_gitlab_session=…",
    }),
  },
  {
    // AKIA: a long-term access key id; ASIA: a temporary one (STS). 16 more upper-case alphanumerics.
    pattern: /(?<![A-Za-z0-9])(AKIA|ASIA)[A-Z0-9]{16}(?![A-Za-z0-9])/g,
    finding: (m) => ({
      kind: { what: m[1] === "AKIA" ? "an AWS access key id" : "an AWS temporary access key id", fix: AWS_FIX },
      shown: `${m[1]}…`,
    }),
  },
  {
    // A secret access key is 40 characters of base64 with no prefix: refused only beside a
    // name that says what it is, and only with mixed case and digits (a git commit id is not one).
    pattern: /(?<![A-Za-z0-9/+])[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])/g,
    finding: (m, text, context) => {
      const random = /[A-Z]/.test(m[0]) && /[a-z]/.test(m[0]) && /[0-9]/.test(m[0]);
      const near = `${context} ${text.slice(Math.max(0, m.index - 40), m.index)}`;
      return random && /secret|access.?key|credential/i.test(near) ? { kind: { what: "an AWS secret access key", fix: AWS_FIX } } : undefined;
    },
  },
  {
    pattern: new RegExp(PRIVATE_KEY.source, "g"),
    finding: (m) => ({
      kind: {
        what: "a PEM private key",
        fix: "keep the key in AWS Secrets Manager; only certificates belong here (gitlab.vpc.tlsCertificate takes -----BEGIN CERTIFICATE----- blocks)",
      },
      shown: m[0],
    }),
  },
];

/** The header of the first PEM private key block in a text (`-----BEGIN RSA PRIVATE KEY-----`). */
export function privateKeyHeader(text: string): string | undefined {
  return PRIVATE_KEY.exec(text)?.[0];
}

interface Hit {
  readonly start: number;
  readonly end: number;
  readonly finding: Finding;
}

/** Every credential in one string, where it is. `context` names the value (its key). */
function hits(text: string, context: string): Hit[] {
  const found: Hit[] = [];
  for (const detector of DETECTORS) {
    const pattern = new RegExp(detector.pattern.source, detector.pattern.flags);
    for (let m = pattern.exec(text); m !== null; m = pattern.exec(text)) {
      const finding = detector.finding(m, text, context);
      if (finding) found.push({ start: m.index, end: m.index + m[0].length, finding });
    }
  }
  return found.sort((a, b) => a.start - b.start);
}

/** Credentials in one string, one finding per kind. */
function findCredentials(text: string, context: string): Finding[] {
  const byKind = new Map<string, Finding>();
  for (const { finding } of hits(text, context)) if (!byKind.has(finding.kind.what)) byKind.set(finding.kind.what, finding);
  return [...byKind.values()];
}

/** A map key as it may be printed: every credential in it replaced by its shown prefix. */
function redact(key: string): string {
  let text = "";
  let at = 0;
  for (const hit of hits(key, "")) {
    if (hit.start < at) continue;
    text += `${key.slice(at, hit.start)}${hit.finding.shown ?? "…"}`;
    at = hit.end;
  }
  return text + key.slice(at);
}

/**
 * Every credential-shaped string in a parsed (not yet validated) config, values and keys at
 * any depth, as problems that name the key path, what it looks like and the fix.
 */
export function credentialProblems(raw: unknown): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const report = (path: PropertyKey[], finding: Finding, inKey: boolean) =>
    problems.push({
      path: formatPath(path),
      message: `${inKey ? "the key holds" : "holds"} ${finding.shown === undefined ? "a 40-character value" : JSON.stringify(finding.shown)}, which looks like ${finding.kind.what}; values here reach cdk.tf.json (a CI artifact) in plain text: remove it, rotate it if this file was ever committed, and ${finding.kind.fix}`,
    });
  const walk = (value: unknown, path: PropertyKey[], context: string): void => {
    if (typeof value === "string") {
      for (const finding of findCredentials(value, context)) report(path, finding, false);
      return;
    }
    if (value === null || typeof value !== "object") return;
    if (Array.isArray(value)) {
      value.forEach((v, i) => walk(v, [...path, i], context));
      return;
    }
    const record = value as Record<string, unknown>;
    // A list entry such as a pipeline variable { name: AWS_SECRET_ACCESS_KEY, default: ... }.
    const sibling = typeof record.name === "string" ? record.name : "";
    for (const [key, child] of Object.entries(record)) {
      const at = [...path, redact(key)];
      for (const finding of findCredentials(key, "")) report(at, finding, true);
      walk(child, at, `${key} ${sibling}`);
    }
  };
  walk(raw, [], "");
  return problems;
}
