import { show } from "./show";

/** One problem in the user's configuration, located by its YAML key path. */
export interface ConfigProblem {
  /** Key path as the user wrote it, e.g. `projects[2].path`; empty for the whole file. */
  readonly path: string;
  /** What is wrong, the value seen and the fix, in the user's terms. */
  readonly message: string;
}

/** A user mistake: printed without a stack trace, exit code 1, nothing synthesized. */
export class ConfigError extends Error {
  constructor(
    readonly file: string,
    readonly problems: readonly ConfigProblem[],
  ) {
    super([`${file} is not a valid delivery configuration:`, ...problems.map((p) => `  ${p.path ? `${p.path}: ` : ""}${p.message}`)].join("\n"));
    this.name = "ConfigError";
  }
}

/**
 * A user mistake in an environment variable that sets how the tool runs: printed without a
 * stack trace, exit code 1, like a ConfigError.
 */
export class SettingError extends Error {
  constructor(
    readonly variable: string,
    readonly value: string,
    problem: string,
  ) {
    super(`environment variable ${variable}: ${show(value)} ${problem}`);
    this.name = "SettingError";
  }
}

/** `["projects", 2, "path"]` → `projects[2].path`; keys that are not plain words → `["a b"]`. */
export function formatPath(path: readonly PropertyKey[]): string {
  return path
    .map((key, i) => {
      if (typeof key === "number") return `[${key}]`;
      const text = String(key);
      if (!/^[A-Za-z_][\w-]*$/.test(text)) return `[${JSON.stringify(text)}]`;
      return `${i === 0 ? "" : "."}${text}`;
    })
    .join("");
}
