/*
 * What every doctor check returns: one line per fact, OK, WARN or FAIL, with the fix in words
 * and the page to act on.
 */

export type Level = "OK" | "WARN" | "FAIL";

export interface Finding {
  /** The check's family: identity, region, connection, host, pipeline, gitlab-token, project, access, webhook, deploy-token, tls, drift. */
  readonly check: string;
  /** What was checked: a connection, pipeline or project name. */
  readonly subject: string;
  readonly level: Level;
  readonly message: string;
  /** What to do, in words; absent when nothing needs doing. */
  readonly fix?: string;
  /** The console or GitLab page to act on. */
  readonly url?: string;
  /** The stack the subject belongs to. */
  readonly stack?: string;
}

export const ok = (check: string, subject: string, message: string, extra: Partial<Finding> = {}): Finding => ({
  check,
  subject,
  level: "OK",
  message,
  ...extra,
});
export const warn = (check: string, subject: string, message: string, fix: string, extra: Partial<Finding> = {}): Finding => ({
  check,
  subject,
  level: "WARN",
  message,
  fix,
  ...extra,
});
export const fail = (check: string, subject: string, message: string, fix: string, extra: Partial<Finding> = {}): Finding => ({
  check,
  subject,
  level: "FAIL",
  message,
  fix,
  ...extra,
});

/** An API answer, or the one-line reason there is none. */
export type Answer<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: string; readonly status?: number };

/** 0 all OK, 1 warnings with `strict`, 2 any failure. */
export function exitCode(findings: readonly Finding[], strict: boolean): number {
  if (findings.some((f) => f.level === "FAIL")) return 2;
  if (strict && findings.some((f) => f.level === "WARN")) return 1;
  return 0;
}

/** Whole days from `now` until `date` (negative once past). */
export function daysUntil(date: Date, now: Date): number {
  return Math.floor((date.getTime() - now.getTime()) / 86_400_000);
}
