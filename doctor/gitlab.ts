/*
 * The GitLab side: the token doctor reads with, and per project its path and default branch,
 * the token user's role (the connection's handshake needs Owner), AWS's webhook, and the deploy
 * tokens. Shapes are GitLab REST v4's (personal_access_tokens/self, projects/:id,
 * projects/:id/members/all/:user_id, projects/:id/hooks, projects/:id/deploy_tokens).
 */
import { ExpectedProject } from "./expected";
import { Answer, daysUntil, fail, Finding, ok, warn } from "./finding";

export interface GitlabTokenInfo {
  readonly name?: string;
  readonly scopes?: readonly string[];
  readonly active?: boolean;
  readonly revoked?: boolean;
  readonly expires_at?: string | null;
  readonly user_id?: number;
}
export interface GitlabProjectInfo {
  readonly id: number;
  readonly path_with_namespace: string;
  readonly default_branch?: string | null;
  readonly web_url?: string;
  readonly archived?: boolean;
}
export interface GitlabMember {
  readonly username?: string;
  readonly access_level: number;
}
export interface GitlabHook {
  readonly id: number;
  readonly url: string;
  readonly push_events?: boolean;
  readonly merge_requests_events?: boolean;
  readonly alert_status?: string;
  readonly disabled_until?: string | null;
}
export interface GitlabDeployToken {
  readonly name: string;
  readonly expires_at?: string | null;
  readonly revoked?: boolean;
  readonly expired?: boolean;
}

/** Days before a token's expiry from which doctor warns. */
export const EXPIRY_WARNING_DAYS = 30;

const ROLE: Record<number, string> = { 5: "Minimal access", 10: "Guest", 15: "Planner", 20: "Reporter", 30: "Developer", 40: "Maintainer", 50: "Owner" };
export const OWNER = 50;

export function checkGitlabToken(answer: Answer<GitlabTokenInfo>, gitlabUrl: string, now: Date): Finding {
  const subject = "GITLAB_TOKEN";
  const url = `${gitlabUrl}/-/user_settings/personal_access_tokens`;
  if (!answer.ok)
    return fail("gitlab-token", subject, answer.error, "set GITLAB_TOKEN to a token with the read_api scope (a personal, group or project access token)", {
      url,
    });
  const t = answer.value;
  if (t.revoked || t.active === false)
    return fail("gitlab-token", subject, `the token "${t.name}" is revoked or expired`, "make a new token with read_api and set GITLAB_TOKEN", { url });
  const scopes = t.scopes ?? [];
  if (!scopes.some((s) => s === "api" || s === "read_api"))
    return fail(
      "gitlab-token",
      subject,
      `the token "${t.name}" has the scopes ${scopes.join(", ") || "(none)"}, not api or read_api`,
      "make a token with read_api and set GITLAB_TOKEN",
      { url },
    );
  if (t.expires_at) {
    const days = daysUntil(new Date(`${t.expires_at.slice(0, 10)}T00:00:00Z`), now);
    if (days < EXPIRY_WARNING_DAYS)
      return warn("gitlab-token", subject, `the token "${t.name}" expires on ${t.expires_at.slice(0, 10)} (in ${days} days)`, "rotate it before then", { url });
  }
  return ok("gitlab-token", subject, `"${t.name}" with ${scopes.join(", ")}${t.expires_at ? `, expires ${t.expires_at.slice(0, 10)}` : ", no expiry"}`);
}

export function checkProject(expected: ExpectedProject, answer: Answer<GitlabProjectInfo>, gitlabUrl: string): Finding {
  const extra = { stack: expected.stack, url: `${gitlabUrl}/${expected.path}` };
  if (!answer.ok) {
    if (answer.status === 404) {
      return expected.mode === "adopt"
        ? fail(
            "project",
            expected.path,
            "not found (or the token's user cannot see it)",
            "check projects[].path, and that GITLAB_TOKEN's user is a member of the project",
            extra,
          )
        : fail("project", expected.path, "not found: the stack creates it on apply", `apply the stack ${expected.stack}`, extra);
    }
    return fail("project", expected.path, answer.error, "check GITLAB_TOKEN and the instance URL", extra);
  }
  const p = answer.value;
  if (p.path_with_namespace !== expected.path)
    return fail(
      "project",
      expected.path,
      `GitLab answers with ${p.path_with_namespace} (the project was moved or renamed)`,
      `set projects[].path to "${p.path_with_namespace}"`,
      extra,
    );
  if (p.archived) return fail("project", expected.path, "is archived: pushes are refused", "unarchive it in GitLab (Settings > General > Advanced)", extra);
  if ((p.default_branch ?? undefined) !== expected.defaultBranch)
    return warn(
      "project",
      expected.path,
      `default branch is ${p.default_branch ?? "(none: empty repository)"}, configured ${expected.defaultBranch}`,
      `set projects[].defaultBranch to "${p.default_branch}", or change it in GitLab`,
      extra,
    );
  return ok("project", expected.path, `exists, default branch ${p.default_branch}`, extra);
}

/** The token user's role on the project (members/all: inherited roles count). */
export function checkAccess(expected: ExpectedProject, answer: Answer<GitlabMember>, gitlabUrl: string): Finding {
  const extra = { stack: expected.stack, url: `${gitlabUrl}/${expected.path}/-/project_members` };
  if (!answer.ok)
    return answer.status === 404
      ? warn(
          "access",
          expected.path,
          "the token's user is not a member of the project",
          "the person who authorizes the connection needs the Owner role on the project: add them as Owner",
          extra,
        )
      : fail("access", expected.path, answer.error, "check GITLAB_TOKEN", extra);
  const m = answer.value;
  const role = ROLE[m.access_level] ?? `access level ${m.access_level}`;
  return m.access_level >= OWNER
    ? ok("access", expected.path, `${m.username} is ${role}`, extra)
    : warn(
        "access",
        expected.path,
        `${m.username} is ${role}, not Owner: AWS's handshake made as this user would not install the webhook`,
        "authorize the connection as a user with the Owner role on the project (not on the group), or give this user Owner",
        extra,
      );
}

/**
 * A webhook of AWS CodeConnections (its URL on an AWS host). The exact URL AWS installs is not
 * documented (unconfirmed); any hook on an amazonaws.com or .aws host counts.
 */
export const isAwsHook = (h: GitlabHook): boolean => {
  try {
    const host = new URL(h.url).hostname;
    return /(^|\.)amazonaws\.com$/.test(host) || /\.aws$/.test(host);
  } catch {
    return false;
  }
};

/** `pipelines` is how many pipelines read this project; without one there is no webhook to expect. */
export function checkWebhook(expected: ExpectedProject, answer: Answer<readonly GitlabHook[]>, gitlabUrl: string, pipelines: number): Finding {
  const extra = { stack: expected.stack, url: `${gitlabUrl}/${expected.path}/-/hooks` };
  if (!answer.ok)
    return answer.status === 403
      ? warn(
          "webhook",
          expected.path,
          "cannot read the project's webhooks (Maintainer needed)",
          "run doctor with a token whose user is Maintainer or Owner of the project",
          extra,
        )
      : fail("webhook", expected.path, answer.error, "check GITLAB_TOKEN", extra);
  const aws = answer.value.filter(isAwsHook);
  if (aws.length === 0) {
    return pipelines === 0
      ? ok("webhook", expected.path, "no AWS webhook, and no pipeline reads the project yet", extra)
      : fail(
          "webhook",
          expected.path,
          "no AWS webhook on the project: pushes and merge requests do not start the pipeline",
          "AWS installs it when the pipeline is created through an AVAILABLE connection authorized by an Owner of the project: re-create the pipeline (terraform apply -replace on it) after checking the access line",
          extra,
        );
  }
  const disabled = aws.find((h) => h.alert_status && h.alert_status !== "executable");
  if (disabled)
    return fail(
      "webhook",
      expected.path,
      `the AWS webhook ${disabled.id} is ${disabled.alert_status}${disabled.disabled_until ? ` until ${disabled.disabled_until}` : ""} after failed deliveries`,
      "open the hook in GitLab, read its recent events, and re-enable it",
      extra,
    );
  return ok("webhook", expected.path, `AWS webhook present (${aws.map((h) => h.id).join(", ")})`, extra);
}

export function checkDeployTokens(expected: ExpectedProject, answer: Answer<readonly GitlabDeployToken[]>, gitlabUrl: string, now: Date): Finding[] {
  const extra = { stack: expected.stack, url: `${gitlabUrl}/${expected.path}/-/settings/repository` };
  if (expected.deployTokens.length === 0) return [];
  if (!answer.ok)
    return [
      answer.status === 403
        ? warn(
            "deploy-token",
            expected.path,
            "cannot read the deploy tokens (Maintainer needed)",
            "run doctor with a token whose user is Maintainer or Owner",
            extra,
          )
        : fail("deploy-token", expected.path, answer.error, "check GITLAB_TOKEN", extra),
    ];
  return expected.deployTokens.map((want) => {
    const subject = `${expected.path} ${want.name}`;
    const live = answer.value.filter((t) => t.name === want.name && !t.revoked && !t.expired);
    if (live.length === 0)
      return fail(
        "deploy-token",
        subject,
        "missing, revoked or expired",
        `apply the stack ${expected.stack} (it makes the token); move deployToken.expiresAt to renew it`,
        extra,
      );
    const latest = live
      .map((t) => t.expires_at)
      .sort()
      .pop();
    if (!latest) return ok("deploy-token", subject, "present, no expiry", extra);
    const days = daysUntil(new Date(latest), now);
    return days < EXPIRY_WARNING_DAYS
      ? warn(
          "deploy-token",
          subject,
          `expires on ${latest.slice(0, 10)} (in ${days} days)`,
          "move projects[].deployToken.expiresAt later and apply: the new token is made before the old one goes",
          extra,
        )
      : ok("deploy-token", subject, `present, expires ${latest.slice(0, 10)}`, extra);
  });
}
