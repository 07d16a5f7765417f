/* What the fake's services share: answer shapes, the query protocol's XML, a fixed clock. */

export type Json = Record<string, any>;

/** HTTP status and body: JSON for the JSON 1.1 services, XML text for the query protocol. */
export type Answer = [number, Json | string];

/** When every fake object was made (2025-11-26T00:00:00Z): the same on every run. */
export const MADE = { seconds: 1764115200, iso: "2025-11-26T00:00:00Z" };

/** An optional value as AWS omits it: the provider's state writes "", 0 or null for unset. */
export const some = (v: unknown) => (v === "" || v === 0 || v === null ? undefined : v);

/** `{ key, value }` pairs from a state's `tags_all` (keys spelled as the service spells them). */
export const tagList = (tags: Record<string, string> | null | undefined, key = "key", value = "value") =>
  Object.entries(tags ?? {}).map(([k, v]) => ({ [key]: k, [value]: v }));

const escape = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

/** XML as the query protocol writes it: an array is a list of `<member>`s; undefined is left out. */
export function xml(value: unknown): string {
  if (value === undefined || value === null) return "";
  if (Array.isArray(value)) return value.map((v) => `<member>${xml(v)}</member>`).join("");
  if (typeof value === "object")
    return Object.entries(value)
      .filter(([, v]) => v !== undefined && v !== null)
      .map(([k, v]) => `<${k}>${xml(v)}</${k}>`)
      .join("");
  return escape(String(value));
}

/** A query-protocol answer: `<{Action}Response><{Action}Result>…` of the service's namespace. */
export function queryAnswer(namespace: string, action: string, result: Json): Answer {
  return [
    200,
    `<${action}Response xmlns="${namespace}"><${action}Result>${xml(result)}</${action}Result><ResponseMetadata><RequestId>fake-request</RequestId></ResponseMetadata></${action}Response>`,
  ];
}

/** A query-protocol error, as IAM answers one. */
export function queryError(status: number, code: string, message: string): Answer {
  return [
    status,
    `<ErrorResponse><Error><Type>Sender</Type><Code>${code}</Code><Message>${escape(message)}</Message></Error><RequestId>fake-request</RequestId></ErrorResponse>`,
  ];
}
