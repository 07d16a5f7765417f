/*
 * The schema proxy's two halves that need no terraform: which types a command in a folder reads
 * (scripts/schema-types.ts), and the provider's schema answer cut down to them
 * (scripts/provider-proxy.js), on protobuf messages encoded here by hand. The proxy in front of
 * the real provider: __tests__/engine/shared-provider.test.ts.
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { announceSchemaTypes, schemaTypesIn } from "../../scripts/schema-types";
import { SCHEMA_TYPES_ENV } from "../../scripts/shared-provider";

const { trimSchema } = require("../../scripts/provider-proxy.js") as {
  trimSchema: (message: Buffer, wanted: Record<"resources" | "data" | "ephemeral", Set<string>>) => Buffer;
};

function varint(n: number): Buffer {
  const bytes: number[] = [];
  while (n >= 0x80) {
    bytes.push((n % 128) | 0x80);
    n = Math.floor(n / 128);
  }
  bytes.push(n);
  return Buffer.from(bytes);
}
const bytesField = (field: number, value: Buffer) => Buffer.concat([varint(field * 8 + 2), varint(value.length), value]);
const intField = (field: number, value: number) => Buffer.concat([varint(field * 8), varint(value)]);
/** A map<string, Schema> entry: key = 1, value = 2; the value long enough to need a two-byte length. */
const entry = (field: number, key: string) => bytesField(field, Buffer.concat([bytesField(1, Buffer.from(key)), bytesField(2, Buffer.alloc(300, key.length))]));

describe("the provider's schema answer, cut to the types a command reads", () => {
  // GetProviderSchema.Response (tfplugin5.8): provider 1, resource_schemas 2, data_source_schemas 3,
  // diagnostics 4, provider_meta 5, server_capabilities 6, functions 7, ephemeral_resource_schemas 8.
  const provider = bytesField(1, Buffer.from("provider block"));
  const resources = ["aws_s3_bucket", "aws_kms_key", "aws_iam_role"].map((t) => entry(2, t));
  const data = ["aws_s3_bucket", "aws_iam_policy_document"].map((t) => entry(3, t));
  const diagnostics = bytesField(4, Buffer.from("a warning"));
  const capabilities = bytesField(6, intField(1, 1));
  const functions = ["arn_parse", "arn_build"].map((f) => entry(7, f));
  const ephemeral = ["aws_kms_secrets"].map((t) => entry(8, t));
  const message = Buffer.concat([provider, ...resources, ...data, diagnostics, capabilities, ...functions, ...ephemeral]);

  test("keeps the wanted types of each map and every other field, byte for byte and in order", () => {
    const wanted = { resources: new Set(["aws_s3_bucket", "aws_iam_role"]), data: new Set(["aws_iam_policy_document"]), ephemeral: new Set<string>() };
    const expected = Buffer.concat([provider, resources[0], resources[2], data[1], diagnostics, capabilities, ...functions]);
    expect(trimSchema(message, wanted).equals(expected)).toBe(true);
  });

  test("a resource type and a data source of the same name are told apart", () => {
    const wanted = { resources: new Set<string>(), data: new Set(["aws_s3_bucket"]), ephemeral: new Set(["aws_kms_secrets"]) };
    const expected = Buffer.concat([provider, data[0], diagnostics, capabilities, ...functions, ...ephemeral]);
    expect(trimSchema(message, wanted).equals(expected)).toBe(true);
  });

  test("every type wanted: the answer unchanged", () => {
    const all = {
      resources: new Set(["aws_s3_bucket", "aws_kms_key", "aws_iam_role"]),
      data: new Set(["aws_s3_bucket", "aws_iam_policy_document"]),
      ephemeral: new Set(["aws_kms_secrets"]),
    };
    expect(trimSchema(message, all).equals(message)).toBe(true);
  });
});

describe("the types a terraform command in a folder reads", () => {
  const folder = (files: Record<string, unknown>) => {
    const dir = mkdtempSync(join(tmpdir(), "gad-schema-types-"));
    for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), typeof content === "string" ? content : JSON.stringify(content));
    return dir;
  };

  test("the configuration's resources, data sources and ephemeral resources, and the prior state's objects", () => {
    const dir = folder({
      "main.tf.json": {
        resource: { aws_s3_bucket: { a: {} }, terraform_data: { b: {} } },
        data: { aws_iam_policy_document: { p: {} } },
        ephemeral: { aws_secretsmanager_secret_version: { s: {} } },
      },
      "prior.tfstate": {
        resources: [
          { mode: "managed", type: "aws_codepipeline", name: "gone" },
          { mode: "data", type: "aws_caller_identity", name: "me" },
          { mode: "managed", type: "aws_s3_bucket", name: "a" },
        ],
      },
      "plan.json": { resource_changes: [{ type: "aws_not_read" }] },
    });
    expect(schemaTypesIn(dir)).toEqual({
      resources: ["aws_codepipeline", "aws_s3_bucket", "terraform_data"],
      data: ["aws_caller_identity", "aws_iam_policy_document"],
      ephemeral: ["aws_secretsmanager_secret_version"],
    });
  });

  test("announced to the proxy through the file its environment names; the whole schema when a file cannot be read", () => {
    const control = join(mkdtempSync(join(tmpdir(), "gad-schema-control-")), "schema-types.json");
    const env = { [SCHEMA_TYPES_ENV]: control };
    announceSchemaTypes(env, folder({ "main.tf.json": { resource: { aws_kms_key: { k: {} } } } }));
    expect(JSON.parse(readFileSync(control, "utf8"))).toEqual({ resources: ["aws_kms_key"], data: [], ephemeral: [] });
    // Half a state file: which types it holds is unknown, so no list (the proxy then sends every type).
    announceSchemaTypes(env, folder({ "main.tf.json": { resource: {} }, "prior.tfstate": '{"resources": [' }));
    expect(existsSync(control)).toBe(false);
    announceSchemaTypes(env, folder({ "main.tf.json": { resource: { aws_kms_key: { k: {} } } } }));
    // A configuration in HCL is not read here: the whole schema.
    announceSchemaTypes(env, folder({ "main.tf": 'resource "aws_s3_bucket" "b" {}' }));
    expect(existsSync(control)).toBe(false);
  });
});
