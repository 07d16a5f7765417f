import { DataAwsIamPolicyDocument, DataAwsIamPolicyDocumentStatement } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { Token, Tokenization } from "cdktf";
import { Construct } from "constructs";
import { ConstructError } from "../../core/construct-error";
import { createHash } from "node:crypto";
import { Grant } from "../grantee";

type Condition = NonNullable<Grant["conditions"]>[number];

/**
 * The statements of one inline policy, written into an aws_iam_policy_document data source
 * as grants arrive. Grants compose: a repeated grant changes nothing; a grant with the id,
 * actions and conditions of an earlier one adds its resources to it; a grant whose id is
 * taken by other actions or conditions gets an id derived from its content.
 */
export class GrantStatements {
  private readonly statements: DataAwsIamPolicyDocumentStatement[] = [];
  readonly document: DataAwsIamPolicyDocument;

  constructor(private readonly scope: Construct) {
    this.document = new DataAwsIamPolicyDocument(scope, "PolicyDocument", { statement: [] });
  }

  add(grant: Grant): void {
    if (!/^[A-Za-z0-9]+$/.test(grant.sid)) throw new ConstructError(this.scope, `statement id "${grant.sid}" must be alphanumeric`);
    const wildcard = grant.actions.find((a) => a.includes("*"));
    if (wildcard) throw new ConstructError(this.scope, `grant ${grant.sid} uses the wildcard action "${wildcard}"; name each action`);
    this.merge(grant.sid, grant);
    this.document.putStatement(this.statements);
  }

  private merge(sid: string, grant: Grant): void {
    const index = this.statements.findIndex((s) => s.sid === sid);
    const same = this.statements[index];
    if (!same) {
      this.statements.push({
        sid,
        effect: "Allow",
        actions: [...grant.actions],
        resources: [...grant.resources],
        condition: grant.conditions?.map((c) => ({ test: c.test, variable: c.variable, values: [...c.values] })),
      });
      return;
    }
    if (key(same.actions ?? [], same.condition as Condition[] | undefined) === key(grant.actions, grant.conditions)) {
      const resources = [...(same.resources ?? [])];
      const seen = new Set(resources.map(canonical));
      for (const r of grant.resources) {
        if (!seen.has(canonical(r))) resources.push(r);
        seen.add(canonical(r));
      }
      this.statements[index] = { ...same, resources };
      return;
    }
    if (sid !== grant.sid) throw new ConstructError(this.scope, `statement id "${sid}" is taken by other content`);
    this.merge(`${grant.sid}${contentHash(grant)}`, grant);
  }
}

/** What makes two statements one: the same actions under the same conditions. */
function key(actions: readonly string[], conditions: readonly Condition[] | undefined): string {
  return JSON.stringify([
    actions.map(canonical).sort(),
    (conditions ?? []).map((c) => [canonical(c.test), canonical(c.variable), c.values.map(canonical).sort()]),
  ]);
}

/**
 * A value as compared, not as written: each read of a resource attribute is a new token
 * string, so tokens compare by what they refer to (`aws_s3_bucket.Artifacts_82DD59A1.arn`).
 */
function canonical(value: string): string {
  if (!Token.isUnresolved(value)) return value;
  const fragments = Tokenization.reverseString(value);
  const tokens = fragments.tokens.map((t) => {
    const identifier = (t as { identifier?: unknown }).identifier;
    return typeof identifier === "string" ? identifier : String(t);
  });
  return JSON.stringify([fragments.literals, tokens]);
}

/**
 * 8 hex characters of the grant's actions and conditions: grants that share them share the
 * derived id too, and so merge their resources as under the id they asked for.
 */
function contentHash(grant: Grant): string {
  return createHash("sha256").update(key(grant.actions, grant.conditions)).digest("hex").slice(0, 8);
}
