import { TerraformStack, Testing } from "cdktf";
import { ServiceRole } from "../../modules/iam/service-role";

function role() {
  const stack = new TerraformStack(Testing.app(), "test");
  return new ServiceRole(stack, "Role", { name: "r", service: "codebuild.amazonaws.com", accountId: "123456789012" });
}

describe("ServiceRole guards its grants", () => {
  test("refuses a wildcard action", () => {
    expect(() => role().addGrant({ sid: "All", actions: ["s3:*"], resources: ["arn:aws:s3:::b"] })).toThrow(
      'test/Role: grant All uses the wildcard action "s3:*"; name each action',
    );
  });

  test("refuses a duplicate or non-alphanumeric statement id", () => {
    const r = role();
    r.addGrant({ sid: "Read", actions: ["s3:GetObject"], resources: ["arn:aws:s3:::b/*"] });
    expect(() => r.addGrant({ sid: "Read", actions: ["s3:PutObject"], resources: ["arn:aws:s3:::b/*"] })).toThrow('duplicate statement id "Read"');
    expect(() => r.addGrant({ sid: "read-2", actions: ["s3:PutObject"], resources: ["arn:aws:s3:::b/*"] })).toThrow(
      'statement id "read-2" must be alphanumeric',
    );
  });
});
