/** An existing IAM role, as its name, its path-qualified name or its ARN names it. */
export interface RoleReference {
  /** The role's name without its path: what IAM's RoleName parameters (PutRolePolicy) take. */
  readonly name: string;
  /** Its IAM path: "/" or "/segment/…/". */
  readonly path: string;
  /** The account of a role named by ARN; undefined for a name (a role of the stack's account). */
  readonly accountId?: string;
}

const NAME = /^[\w+=,.@-]{1,64}$/;
const PATH_SEGMENT = /^[\w+=,.@-]+$/;
const IAM_CHARS = "letters, digits and + = , . @ _ -";

/**
 * Reads a role written as its name (`my-role`), its name after its IAM path, as it follows
 * ":role/" in its ARN (`service-role/AWSCodePipelineServiceRole-eu-west-1-app`, where the
 * console puts the roles it creates), or its ARN. Returns the role, or why the text names
 * none and how to write it (to follow the quoted value in a message).
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html
 */
export function parseRoleReference(text: string): RoleReference | { readonly problem: string } {
  if (text === "") return { problem: 'is empty; write the role\'s name, after its path if it has one ("service-role/<name>"), or its ARN' };
  let rest = text;
  let accountId: string | undefined;
  if (/^arn:/i.test(text)) {
    const arn = /^arn:([^:]*):iam::([^:]*):role\/(.*)$/.exec(text);
    if (!arn) {
      return { problem: 'is not an IAM role ARN; write the role\'s ARN ("arn:<partition>:iam::<account>:role/<path/>name") or its name' };
    }
    if (arn[1] !== "aws") {
      return { problem: `is an ARN of the "${arn[1]}" partition, where CodeConnections is not offered; name a role of the "aws" partition` };
    }
    if (!/^\d{12}$/.test(arn[2])) {
      return { problem: `has the account "${arn[2]}", which is not 12 digits; copy the role's ARN from its page in the IAM console` };
    }
    accountId = arn[2];
    rest = arn[3];
  }
  // Outside an ARN, the path may be written as IAM prints it, with its leading "/".
  const segments = (accountId === undefined ? rest.replace(/^\//, "") : rest).split("/");
  const name = segments.pop()!;
  if (name === "") {
    return { problem: `ends with "/", so it names a path but no role; add the role's name after it ("${text}<name>")` };
  }
  if (segments.some((s) => s === "")) {
    return { problem: `has an empty path segment ("//"); write "${text.replace(/\/{2,}/g, "/")}"` };
  }
  if (!NAME.test(name)) {
    return { problem: `has the role name "${name}", which IAM does not allow (1-64 ${IAM_CHARS}); write the name the IAM console shows` };
  }
  const bad = segments.find((s) => !PATH_SEGMENT.test(s));
  if (bad !== undefined) {
    return { problem: `has the path segment "${bad}", which this tool does not accept (${IAM_CHARS}); write the path the role's ARN shows` };
  }
  const path = segments.length > 0 ? `/${segments.join("/")}/` : "/";
  if (path.length > 512) return { problem: `has a path of ${path.length} characters, but IAM allows 512; write the role's own path` };
  return { name, path, accountId };
}
