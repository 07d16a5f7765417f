import { loadAwsServiceSpecSync } from "@aws-cdk/aws-service-spec";

/*
 * Checks a CloudFormation template against the CloudFormation resource specification as
 * AWS CDK packages it (@aws-cdk/aws-service-spec): resource types exist, every property is
 * one the type has, required ones are there, and values have the spec's types and allowed
 * values. An independent judge of the templates we embed, not our own strings.
 */

type Json = any;
type SpecType = { type: string; element?: SpecType; reference?: { $ref: string }; types?: SpecType[]; allowedValues?: string[] };
type SpecProperty = { type: SpecType; required?: boolean; previousTypes?: SpecType[] };

let db: ReturnType<typeof loadAwsServiceSpecSync> | undefined;
const spec = () => (db ??= loadAwsServiceSpecSync());

/** Intrinsic functions stand for a value of any type at this level. */
const isIntrinsic = (v: Json) =>
  v !== null && typeof v === "object" && !Array.isArray(v) && Object.keys(v).length === 1 && /^(Ref|Fn::\w+)$/.test(Object.keys(v)[0]);

function valueProblems(value: Json, type: SpecType, at: string): string[] {
  if (isIntrinsic(value)) return [];
  switch (type.type) {
    case "string":
      if (typeof value !== "string") return [`${at}: expected a string, got ${JSON.stringify(value)}`];
      if (type.allowedValues && !type.allowedValues.includes(value)) return [`${at}: ${JSON.stringify(value)} is not one of ${type.allowedValues.join(", ")}`];
      return [];
    case "boolean":
      return typeof value === "boolean" || value === "true" || value === "false" ? [] : [`${at}: expected a boolean`];
    case "integer":
    case "number":
      return typeof value === "number" || /^-?\d+(\.\d+)?$/.test(String(value)) ? [] : [`${at}: expected a number`];
    case "json":
      return [];
    case "tag":
      return value && typeof value.Key === "string" && typeof value.Value === "string" ? [] : [`${at}: expected a tag {Key, Value}`];
    case "array":
      return Array.isArray(value) ? value.flatMap((v, i) => valueProblems(v, type.element!, `${at}[${i}]`)) : [`${at}: expected a list`];
    case "map":
      return value && typeof value === "object"
        ? Object.entries(value).flatMap(([k, v]) => valueProblems(v, type.element!, `${at}.${k}`))
        : [`${at}: expected a map`];
    case "union":
      return type.types!.some((t) => valueProblems(value, t, at).length === 0) ? [] : [`${at}: matches none of the allowed shapes`];
    case "ref": {
      const def = spec().get("typeDefinition", type.reference!.$ref) as Json;
      if (!value || typeof value !== "object" || Array.isArray(value)) return [`${at}: expected an object (${def.name})`];
      return propertiesProblems(value, def.properties, at);
    }
    default:
      return [`${at}: the checker does not know the spec type ${type.type}`];
  }
}

function propertiesProblems(value: Record<string, Json>, properties: Record<string, SpecProperty>, at: string): string[] {
  const out: string[] = [];
  for (const [name, v] of Object.entries(value)) {
    const prop = properties[name];
    if (!prop) {
      out.push(`${at}.${name}: not a property (known: ${Object.keys(properties).join(", ")})`);
      continue;
    }
    const shapes = [prop.type, ...(prop.previousTypes ?? [])];
    const found = shapes.map((t) => valueProblems(v, t, `${at}.${name}`));
    if (found.every((p) => p.length > 0)) out.push(...found[0]);
  }
  for (const [name, prop] of Object.entries(properties)) {
    if (prop.required && !(name in value)) out.push(`${at}.${name}: required, missing`);
  }
  return out;
}

/** Every problem of a template, [] when the specification accepts it. */
export function specProblems(template: Json): string[] {
  const out: string[] = [];
  if (template.AWSTemplateFormatVersion !== undefined && template.AWSTemplateFormatVersion !== "2010-09-09")
    out.push("AWSTemplateFormatVersion must be 2010-09-09");
  const resources = Object.entries<Json>(template.Resources ?? {});
  if (resources.length === 0) out.push("Resources: a template needs at least one resource");
  for (const [logicalId, resource] of resources) {
    if (!/^[A-Za-z0-9]{1,255}$/.test(logicalId)) out.push(`${logicalId}: logical ids are alphanumeric`);
    const found = spec().lookup("resource", "cloudFormationType", "equals", resource.Type);
    if (found.length !== 1) {
      out.push(`${logicalId}: unknown resource type ${resource.Type}`);
      continue;
    }
    out.push(...propertiesProblems(resource.Properties ?? {}, found[0].properties as Record<string, SpecProperty>, `${logicalId}.Properties`));
  }
  for (const [name, output] of Object.entries<Json>(template.Outputs ?? {})) {
    const ref = output.Value?.Ref;
    if (ref !== undefined && !(template.Resources ?? {})[ref]) out.push(`Outputs.${name}: Ref to unknown resource ${ref}`);
  }
  return out;
}
