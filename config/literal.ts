/**
 * Config values are plain text, but Terraform reads `${...}` and `%{...}` in any JSON string
 * as a template. Escaping them (`$${`, `%%{`) makes a value like `echo ${HOME}` arrive
 * unchanged instead of failing the plan or, worse, reading another resource's attribute.
 */
export function escapeTemplates(value: string): string {
  // Function replacements: in a replacement string "$$" would itself mean "$".
  return value.replace(/\$\{/g, () => "$${").replace(/%\{/g, () => "%%{");
}

/** A deep copy of a validated config with every string escaped for Terraform JSON. */
export function literalConfig<T>(config: T): T {
  if (typeof config === "string") return escapeTemplates(config) as T;
  if (Array.isArray(config)) return config.map((v) => literalConfig(v)) as T;
  if (config && typeof config === "object") {
    return Object.fromEntries(Object.entries(config).map(([k, v]) => [escapeTemplates(k), literalConfig(v)])) as T;
  }
  return config;
}
