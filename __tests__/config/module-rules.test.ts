/*
 * The config checks, before anything is built, rules that modules apply when they build: the
 * AWS names a project's stack gives it, the role references ServiceRole reads, the
 * connection ARNs the synced products' template accepts. The config may not import modules/
 * (layers point down only), so it keeps its own copy of each; these tests hold the copies
 * equal to the modules' rules, so the config never passes what a module would refuse or
 * name otherwise.
 */
import fc from "fast-check";
import { SYNC_CONNECTION_ARN as CONFIG_SYNC_CONNECTION_ARN } from "../../config/catalog-schema";
import { projectCiName, projectResourceName } from "../../config/naming";
import { parseRoleReference as configParseRoleReference } from "../../config/role-reference";
import { awsName } from "../../modules/core/naming";
import { parseRoleReference } from "../../modules/iam/role-reference";
import { SYNC_CONNECTION_ARN } from "../../modules/service-catalog/cfn-templates";

const RUNS = 2000;

describe("the config's copies of module rules agree with the modules", () => {
  test("a project's pipeline, build and CI project names are the modules' awsName of its base", () => {
    const base = fc.oneof(fc.string({ maxLength: 140 }), fc.stringMatching(/^[A-Za-z0-9_-]{1,140}$/));
    fc.assert(
      fc.property(base, (b) => {
        expect(projectResourceName(b)).toBe(awsName(b, "", 100));
        expect(projectCiName(b)).toBe(awsName(b, "ci", 100));
      }),
      { numRuns: RUNS, seed: 20261201 },
    );
    // Cut and hashed past 100 characters, as the modules do.
    const long = `acme-${"x".repeat(120)}`;
    expect(projectResourceName(long)).toBe(awsName(long, "", 100));
    expect(projectResourceName(long)).toHaveLength(100);
    expect(projectCiName(long)).toBe(awsName(long, "ci", 100));
  });

  const roleText = fc.oneof(
    fc.string({ maxLength: 80 }),
    fc.stringMatching(/^(arn:aws(-cn)?:iam::\d{10,13}:role)?\/?([\w+=,.@-]{0,70}\/){0,3}[\w+=,.@#-]{0,70}$/),
    fc.constantFrom(
      "",
      "my-role",
      "service-role/AWSCodePipelineServiceRole-eu-west-1-app",
      "/service-role/app/",
      "service-role//app",
      "arn:aws:iam::123456789012:role/service-role/app",
      "arn:aws:iam::123456789012:user/x",
      "arn:aws-cn:iam::123456789012:role/app",
      "arn:aws:iam::12345:role/app",
      `${"p/".repeat(300)}app`,
      "bad name",
    ),
  );

  test("a role reference reads the same, or is refused with the same words, in the config and in ServiceRole", () => {
    fc.assert(
      fc.property(roleText, (text) => {
        expect(configParseRoleReference(text)).toEqual(parseRoleReference(text));
      }),
      { numRuns: RUNS, seed: 20261201 },
    );
  });

  test("a sync connection ARN: the config accepts what the synced products' template allows", () => {
    expect(CONFIG_SYNC_CONNECTION_ARN.source).toBe(SYNC_CONNECTION_ARN.source);
    expect(CONFIG_SYNC_CONNECTION_ARN.flags).toBe(SYNC_CONNECTION_ARN.flags);
  });
});
