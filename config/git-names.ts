/**
 * Checks against the rules of `git check-ref-format --branch`, so a branch the config names
 * is one git (and so GitLab) can hold. Returns the reason it is refused, or undefined.
 */
export function branchNameProblem(name: string): string | undefined {
  if (name.length === 0) return "is empty";
  if (name === "@") return 'is "@", which git reserves';
  if (name.startsWith("-")) return 'starts with "-"';
  if (name.startsWith("/") || name.endsWith("/")) return 'starts or ends with "/"';
  if (name.endsWith(".")) return 'ends with "."';
  if (name.includes("..")) return 'contains ".."';
  if (name.includes("//")) return 'contains "//"';
  if (name.includes("@{")) return 'contains "@{"';

  if (/[\x00-\x20\x7f~^:?*[\\]/.test(name)) {
    return "contains a space, a control character or one of ~ ^ : ? * [ \\";
  }
  for (const part of name.split("/")) {
    if (part.startsWith(".")) return `has a component "${part}" that starts with "."`;
    if (part.endsWith(".lock")) return `has a component "${part}" that ends with ".lock"`;
  }
  return undefined;
}

const SEGMENT = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;

/** GitLab's limit on a group or project path, and on a project name (Namespace::URL_MAX_LENGTH). */
export const GITLAB_SEGMENT_MAX = 255;
/**
 * Segments of a project's full path: a top-level group, at most 20 levels of subgroups
 * (Namespace::NUMBER_OF_ANCESTORS_ALLOWED), and the project.
 */
export const GITLAB_PATH_SEGMENTS_MAX = 22;

/**
 * Checks a GitLab project's full path (`group/subgroup/project`), the form CodePipeline's
 * `FullRepositoryId` expects. Returns [reason, suggested fix] or undefined.
 */
export function projectPathProblem(path: string): [string, string] | undefined {
  const urlMatch = /^(?:[a-z][a-z0-9+.-]*:\/\/|git@)([^/:]+)[/:](.*)$/i.exec(path);
  if (urlMatch) {
    const rest = stripToPath(urlMatch[2]);
    return ["is a URL", `use the project path "${rest}"`];
  }
  if (/^(www\.)?gitlab\.com\//i.test(path)) {
    return ["starts with a host name", `use the project path "${stripToPath(path.replace(/^[^/]+\//, ""))}"`];
  }
  if (path.includes("/-/")) {
    return ['contains "/-/", so it is a Web IDE, file or raw URL path, not a project path', `use the project path "${stripToPath(path)}"`];
  }
  if (/\.git$/i.test(path)) {
    return ['ends with ".git"', `use "${path.replace(/\.git$/i, "")}"`];
  }
  if (path.startsWith("/") || path.endsWith("/")) {
    return ['starts or ends with "/"', `use "${path.replace(/^\/+|\/+$/g, "")}"`];
  }
  if (path.split("/").some((s) => s.length === 0)) {
    return ['has an empty segment ("//")', `use "${path.replace(/\/{2,}/g, "/")}"`];
  }
  const segments = path.split("/");
  if (segments.length < 2) {
    return ["has no namespace", 'write the full path "group/project" (subgroups allowed: "group/sub/project")'];
  }
  const bad = segments.find((s) => !SEGMENT.test(s) || /\.(git|atom)$/i.test(s));
  if (bad !== undefined) {
    return [`has the segment "${bad}" that GitLab would reject`, "use letters, digits, '_', '-' and '.', not starting with '-' or '.'"];
  }
  const long = segments.findIndex((s) => s.length > GITLAB_SEGMENT_MAX);
  if (long >= 0) {
    return [
      `has a segment of ${segments[long].length} characters (segment ${long + 1})`,
      `GitLab allows at most ${GITLAB_SEGMENT_MAX} in a group or project path (and in a project name, which the stack sets to its path): use the project's real path, or a shorter one for a new project`,
    ];
  }
  if (segments.length > GITLAB_PATH_SEGMENTS_MAX) {
    return [
      `has ${segments.length} segments`,
      `GitLab nests at most 20 levels of subgroups under a top-level group, so a project path has at most ${GITLAB_PATH_SEGMENTS_MAX}: use the project's real path`,
    ];
  }
  return undefined;
}

/** The `group/.../project` part of a pasted URL or URL path, for the suggested fix. */
function stripToPath(rest: string): string {
  return rest
    .split("/-/")[0]
    .replace(/[?#].*$/, "")
    .replace(/\.git$/i, "")
    .replace(/^\/+|\/+$/g, "");
}
