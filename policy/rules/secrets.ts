import { everyBlock, strings } from "../refs";
import { Finding, Rule } from "../types";

/** Attributes that hold a credential: they may flow only into Secrets Manager. */
const SECRET_ATTRIBUTES =
  /\b(?:data\.)?(?:gitlab_project_deploy_token|gitlab_deploy_token|gitlab_group_deploy_token|gitlab_project_access_token|gitlab_group_access_token|gitlab_personal_access_token)\.[\w-]+\.token\b|\baws_iam_access_key\.[\w-]+\.(?:secret|ses_smtp_password_v4)\b/;

/** Literal credentials, by their published formats. */
export const TOKEN_PATTERNS: ReadonlyArray<[string, RegExp]> = [
  ["GitLab personal/project/group access token", /\bglpat-[A-Za-z0-9_-]{20,}/],
  ["GitLab deploy token", /\bgldt-[A-Za-z0-9_-]{20,}/],
  ["GitLab runner or CI token", /\bgl(?:rt|cbt|ptt|oas|soat|imt|agent|ffct)-[A-Za-z0-9_-]{16,}/],
  ["AWS access key id", /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/],
  ["GitHub token", /\bgh[pousr]_[A-Za-z0-9]{36,}/],
  ["private key", /-----BEGIN [A-Z ]*PRIVATE KEY-----/],
];

export const secretRules: Rule[] = [
  {
    id: "GAD-SEC-1",
    title: "Tokens flow only into Secrets Manager",
    check: (stack) => {
      const findings: Finding[] = [];
      for (const [address, body] of everyBlock(stack)) {
        if (address.startsWith("output.")) continue; // GAD-SEC-2
        for (const [path, value] of strings(body)) {
          const allowed = address.startsWith("aws_secretsmanager_secret_version.") && path === "secret_string";
          if (!allowed && SECRET_ATTRIBUTES.test(value)) {
            findings.push({
              rule: "GAD-SEC-1",
              address,
              message: `${path} reads a token (${value.match(SECRET_ATTRIBUTES)![0]})`,
              fix: "store the token in an aws_secretsmanager_secret_version and pass the secret's ARN instead",
            });
          }
        }
      }
      return findings;
    },
  },
  {
    id: "GAD-SEC-2",
    title: "No output exposes a token or secret value unless marked sensitive",
    check: (stack) =>
      Object.entries(stack.output ?? {})
        .filter(([, o]: [string, any]) => o.sensitive !== true && strings(o.value).some(([, v]) => SECRET_ATTRIBUTES.test(v) || /\.secret_string\b/.test(v)))
        .map(([name]) => ({
          rule: "GAD-SEC-2",
          address: `output.${name}`,
          message: "exposes a token or secret value",
          fix: "output the secret's ARN instead, or set sensitive = true",
        })),
  },
  {
    id: "GAD-SEC-3",
    title: "No literal credential anywhere in the synthesized JSON",
    check: (stack) =>
      everyBlock(stack).flatMap(([address, body]) =>
        strings(body).flatMap(([path, value]) =>
          TOKEN_PATTERNS.filter(([, re]) => re.test(value)).map(([kind]) => ({
            rule: "GAD-SEC-3",
            address,
            message: `${path || "value"} holds what looks like a literal ${kind}`,
            fix: "remove it; credentials come from the environment or Secrets Manager, never the config",
          })),
        ),
      ),
  },
];
