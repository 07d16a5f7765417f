/*
 * IAM (query protocol: form-encoded `Action=…`, XML answers): roles and their inline policies,
 * from `aws_iam_role` and `aws_iam_role_policy` state attributes. IAM hands policy documents
 * out URL-encoded, and the provider decodes them.
 */
import { FakeAwsObjects } from "./objects";
import { Answer, Json, MADE, queryAnswer, queryError, some, tagList } from "./protocol";

const NAMESPACE = "https://iam.amazonaws.com/doc/2010-05-08/";
const noSuchEntity = (what: string) => queryError(404, "NoSuchEntity", `The ${what} cannot be found.`);

/** GetRole's `Role` from the provider's state attributes. */
function roleOf(a: Json): Json {
  return {
    Path: a.path,
    RoleName: a.name,
    RoleId: a.unique_id,
    Arn: a.arn,
    CreateDate: MADE.iso,
    AssumeRolePolicyDocument: encodeURIComponent(a.assume_role_policy),
    Description: some(a.description),
    MaxSessionDuration: a.max_session_duration,
    PermissionsBoundary: a.permissions_boundary ? { PermissionsBoundaryType: "Policy", PermissionsBoundaryArn: a.permissions_boundary } : undefined,
    Tags: tagList(a.tags_all, "Key", "Value"),
  };
}

export function iam(action: string, form: Json, objects: FakeAwsObjects): Answer | undefined {
  const roles = objects.roles ?? {};
  const policies = Object.values(objects.rolePolicies ?? {});
  switch (action) {
    case "GetRole": {
      const role = roles[form.RoleName];
      return role ? queryAnswer(NAMESPACE, action, { Role: roleOf(role) }) : noSuchEntity(`role with name ${form.RoleName}`);
    }
    case "ListRolePolicies": {
      if (!roles[form.RoleName]) return noSuchEntity(`role with name ${form.RoleName}`);
      const names = policies.filter((p) => p.role === form.RoleName).map((p) => p.name);
      return queryAnswer(NAMESPACE, action, { PolicyNames: names, IsTruncated: false });
    }
    case "GetRolePolicy": {
      const p = objects.rolePolicies?.[`${form.RoleName}:${form.PolicyName}`];
      if (!p) return noSuchEntity(`role policy with name ${form.PolicyName}`);
      return queryAnswer(NAMESPACE, action, { RoleName: p.role, PolicyName: p.name, PolicyDocument: encodeURIComponent(p.policy) });
    }
    case "ListAttachedRolePolicies": {
      const role = roles[form.RoleName];
      if (!role) return noSuchEntity(`role with name ${form.RoleName}`);
      const attached = (role.managed_policy_arns ?? []).map((arn: string) => ({ PolicyArn: arn, PolicyName: arn.split("/").pop() }));
      return queryAnswer(NAMESPACE, action, { AttachedPolicies: attached, IsTruncated: false });
    }
    default:
      return undefined;
  }
}
