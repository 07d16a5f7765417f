/*
 * The GitLab reads doctor makes, through the plan report's REST helper (undici's RetryAgent:
 * a time limit per attempt, GETs retried on 429/5xx with Retry-After honoured, every page
 * followed). Failures become one-line answers carrying GitLab's status.
 */
import { GitlabApiError, gitlabApi } from "../report/gitlab-api";
import { Answer } from "./finding";
import { GitlabDeployToken, GitlabHook, GitlabMember, GitlabProjectInfo, GitlabTokenInfo } from "./gitlab";

export interface GitlabReader {
  token(): Promise<Answer<GitlabTokenInfo>>;
  project(path: string): Promise<Answer<GitlabProjectInfo>>;
  member(projectId: number, userId: number): Promise<Answer<GitlabMember>>;
  hooks(projectId: number): Promise<Answer<GitlabHook[]>>;
  deployTokens(projectId: number): Promise<Answer<GitlabDeployToken[]>>;
}

export function gitlabReader(options: { baseUrl: string; token: string; timeoutMs?: number; retries?: number }): GitlabReader {
  const api = gitlabApi({ token: options.token, timeoutMs: options.timeoutMs, retries: options.retries });
  const base = `${options.baseUrl.replace(/\/+$/, "")}/api/v4`;
  const get = <T>(path: string) => answer(() => api.json<T>("GET", `${base}${path}`).then((r) => r.data));
  return {
    token: () => get<GitlabTokenInfo>("/personal_access_tokens/self"),
    project: (path) => get<GitlabProjectInfo>(`/projects/${encodeURIComponent(path)}`),
    member: (projectId, userId) => get<GitlabMember>(`/projects/${projectId}/members/all/${userId}`),
    hooks: (projectId) => answer(() => api.pages<GitlabHook>(`${base}/projects/${projectId}/hooks`)),
    deployTokens: (projectId) => answer(() => api.pages<GitlabDeployToken>(`${base}/projects/${projectId}/deploy_tokens`)),
  };
}

async function answer<T>(call: () => Promise<T>): Promise<Answer<T>> {
  try {
    return { ok: true, value: await call() };
  } catch (e) {
    if (e instanceof GitlabApiError) return { ok: false, error: e.message, status: e.status };
    throw e;
  }
}
