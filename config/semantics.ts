import { show } from "./show";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { checkCertificate } from "./certificate";
import { protonNotices } from "./catalog-schema";
import { ConfigProblem, formatPath } from "./errors";
import { instanceHost } from "./instance-url";
import { collisionProblems } from "./collisions";
import { gitSyncCollisions } from "./git-sync-schema";
import { privateKeyHeader } from "./credentials";
import { projectSecretName, SECRET_NAME_MAX, stackKey } from "./naming";
import { connectionRegionProblem, REGION_PATTERN, regionSuggestion } from "./regions";
import { DeliveryConfig } from "./schema";

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Rules that need more than one field or the clock. `now` is passed in so that tests (and
 * synthesis) never depend on the day they run: the output does not contain it.
 */
export function semanticProblems(config: DeliveryConfig, now: Date, baseDir = "."): { errors: ConfigProblem[]; warnings: ConfigProblem[] } {
  const errors: ConfigProblem[] = [];
  const warnings: ConfigProblem[] = [];
  gitlabProblems(config, now, baseDir, errors, warnings);
  errors.push(...gitSyncCollisions(config.projects));
  const region = config.aws.region;
  if (!REGION_PATTERN.test(region)) {
    errors.push({ path: "aws.region", message: `${show(region)} is not an AWS region code${regionSuggestion(region)}; use one such as "eu-west-1"` });
  } else if (!config.aws.skipConnectionRegionCheck) {
    const problem = connectionRegionProblem(region);
    if (problem) {
      errors.push({
        path: "aws.region",
        message: `${show(region)} ${problem}; choose a region that offers it (e.g. "eu-west-1"), or set aws.skipConnectionRegionCheck: true if AWS has added it since`,
      });
    }
  }

  const today = now.toISOString().slice(0, 10);
  config.projects.forEach((project, i) => {
    const secretName = projectSecretName(project.path, "deploy-token");
    if (secretName.length > SECRET_NAME_MAX) {
      errors.push({
        path: `projects[${i}].path`,
        message: `${show(project.path)} is ${project.path.length} characters long; the stack names the project's Secrets Manager secrets ${show(projectSecretName("<path>", "deploy-token"))}, and AWS allows ${SECRET_NAME_MAX} characters there, so the path can have at most ${SECRET_NAME_MAX - (secretName.length - project.path.length)}: choose a shorter path (for an existing project, move or rename it in GitLab)`,
      });
    }
    const expiresAt = project.deployToken.expiresAt;
    const at = `projects[${i}].deployToken.expiresAt`;
    const expiry = new Date(`${expiresAt}T00:00:00Z`);
    if (Number.isNaN(expiry.getTime()) || expiry.toISOString().slice(0, 10) !== expiresAt) {
      errors.push({ path: at, message: `${show(expiresAt)} is not a calendar date; use YYYY-MM-DD` });
    } else if (expiresAt <= today) {
      errors.push({
        path: at,
        message: `${show(expiresAt)} is not in the future (today is ${today}); GitLab would refuse the token: choose a later date`,
      });
    } else if (expiry.getTime() - now.getTime() < 30 * DAY_MS) {
      warnings.push({ path: at, message: `the deploy token expires in under 30 days (${expiresAt}); plan its renewal` });
    }

    const roleName = project.pipeline.adopt?.roleName;
    if (roleName?.startsWith("AWSCodePipelineServiceRole-")) {
      warnings.push({
        path: `projects[${i}].pipeline.adopt.roleName`,
        message: `${show(roleName)} has no path, but the console creates its AWSCodePipelineServiceRole-… roles under /service-role/; if the role's ARN ends in ":role/service-role/${roleName}", write "service-role/${roleName}" (or the ARN), or the pipeline would point at a role that does not exist`,
      });
    }

    // Merge requests no longer inherit the pipeline build's privileged mode: say so to whoever relied on it.
    if (project.ci && project.ci.privileged === undefined && project.pipeline.build.privileged) {
      warnings.push({
        path: `projects[${i}].ci.privileged`,
        message:
          "is not set, so merge-request builds run unprivileged although pipeline.build.privileged is true (they no longer inherit it); if they need Docker, set ci.privileged: true with a ci.privilegedReason, otherwise set ci.privileged: false to silence this",
      });
    }

    const branch = project.pipeline.branch ?? project.defaultBranch;
    for (const notice of protonNotices({ ...project, branch })) warnings.push({ path: formatPath(["projects", i, ...notice.path]), message: notice.message });

    if (stackKey(project) === "shared") {
      errors.push({
        path: project.stack ? `projects[${i}].stack` : `projects[${i}].path`,
        message: `${show(project.path)} would go into the stack "${config.name}-shared", which holds the connection; set \`stack\` to another name`,
      });
    }
  });
  errors.push(...collisionProblems(config));
  return { errors, warnings };
}

/**
 * The host's TLS certificate: read from its file (relative to the config file), checked,
 * and kept in `tlsCertificate` so the stack never reads files itself.
 */
function gitlabProblems(config: DeliveryConfig, now: Date, baseDir: string, errors: ConfigProblem[], warnings: ConfigProblem[]): void {
  const vpc = config.gitlab.vpc;
  if (!vpc || !config.gitlab.url) return;
  let path = "gitlab.vpc.tlsCertificate";
  if (vpc.tlsCertificateFile) {
    path = "gitlab.vpc.tlsCertificateFile";
    const file = resolve(baseDir, vpc.tlsCertificateFile);
    try {
      vpc.tlsCertificate = readFileSync(file, "utf8");
    } catch (e) {
      errors.push({
        path,
        message: `${show(vpc.tlsCertificateFile)} cannot be read (${(e as NodeJS.ErrnoException).code ?? "error"} at ${file}); the path is relative to the config file`,
      });
      return;
    }
  }
  if (vpc.tlsCertificate === undefined) return;
  const key = vpc.tlsCertificateFile ? privateKeyHeader(vpc.tlsCertificate) : undefined;
  if (key) {
    // An inline key was refused with every other credential; a file's content is read only here.
    errors.push({
      path,
      message: `${show(vpc.tlsCertificateFile)} holds a private key (${key}), which would reach cdk.tf.json (a CI artifact) in plain text; the host needs certificates only: export the certificate (and its CA) without the key, and keep the key in AWS Secrets Manager`,
    });
    return;
  }
  const { errors: bad, warnings: soon } = checkCertificate(vpc.tlsCertificate, instanceHost(config.gitlab.url).hostname, now);
  const what = vpc.tlsCertificateFile ? show(vpc.tlsCertificateFile) : "the certificate";
  for (const message of bad) errors.push({ path, message: `${what}: ${message}` });
  for (const message of soon) warnings.push({ path, message: `${what}: ${message}` });
}
