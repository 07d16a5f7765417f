import { asList, blocks, policyDocument, refTarget } from "../refs";
import { Rule, StackJson } from "../types";

/** CloudFormation actions a Git sync role may hold on `*` (they take no stack). */
const ANY_STACK = ["cloudformation:ListStacks", "cloudformation:ValidateTemplate"];

/** [sync role address, stack it syncs] for every sync configuration a CloudFormation stack of this stack declares. */
function syncRoles(stack: StackJson): Array<[string, string]> {
  return blocks(stack, "aws_cloudformation_stack").flatMap(([, cfn]) => {
    let template: StackJson;
    try {
      template = JSON.parse(String(cfn.template_body));
    } catch {
      return [];
    }
    return Object.values<StackJson>(template.Resources ?? {})
      .filter((r) => r.Type === "AWS::CodeStarConnections::SyncConfiguration")
      .map((r) => {
        const param = r.Properties?.RoleArn?.Ref;
        const role = refTarget(cfn.parameters?.[param], ["aws_iam_role"], ["arn"]);
        return role ? ([role, String(r.Properties.ResourceName)] as [string, string]) : undefined;
      })
      .filter((x): x is [string, string] => x !== undefined);
  });
}

export const gitSyncRules: Rule[] = [
  {
    id: "GAD-SYNC-1",
    title: "A Git sync role runs CloudFormation on the one stack it syncs, nothing wider",
    check: (stack) =>
      syncRoles(stack).flatMap(([role, stackName]) => {
        const own = new RegExp(`:stack/${stackName.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}/\\*$`);
        return blocks(stack, "aws_iam_role_policy")
          .filter(([, p]) => refTarget(p.role, ["aws_iam_role"], ["id", "name"]) === role)
          .flatMap(([address, p]) => asList<StackJson>(policyDocument(stack, p.policy)?.statement).map((s) => [address, s] as [string, StackJson]))
          .filter(([, s]) => (s.effect ?? "Allow") === "Allow")
          .filter(([, s]) => asList<string>(s.actions).some((a) => a.startsWith("cloudformation:") && !ANY_STACK.includes(a)))
          .filter(([, s]) => !asList<string>(s.resources).every((r) => own.test(r)))
          .map(([address, s]) => ({
            rule: "GAD-SYNC-1",
            address,
            message: `the Git sync role of ${stackName} may run CloudFormation on ${JSON.stringify(asList(s.resources))}, beyond its own stack`,
            fix: `scope its cloudformation: actions to arn:aws:cloudformation:<region>:<account>:stack/${stackName}/*`,
          }));
      }),
  },
];
