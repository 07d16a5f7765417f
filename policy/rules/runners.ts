import { RUNNER_PURPOSE } from "../../modules/runners/gitlab-runner";
import { asList, blocks, policyDocument, refTarget } from "../refs";
import { Rule, StackJson } from "../types";

/**
 * IAM actions that let whoever holds them make or hand out roles and policies. Every CI job
 * routed to a runner (any branch, any merge request that may run CI) runs as the runner's
 * role, so with one of these a job could give itself more than the config grants.
 */
const ESCALATING = /^iam:(Attach|Create|Delete|Detach|Put|Update|PassRole|AddUserToGroup|SetDefaultPolicyVersion)/;

/** Policy documents of the roles that runner projects run as: [document address, document]. */
function runnerRoleDocuments(stack: StackJson): Array<[string, StackJson]> {
  const roles = new Set(
    blocks(stack, "aws_codebuild_project")
      .filter(([, p]) => String(p.description ?? "").startsWith(RUNNER_PURPOSE))
      .map(([, p]) => refTarget(p.service_role, ["aws_iam_role"], ["arn"]))
      .filter((r): r is string => r !== undefined),
  );
  return blocks(stack, "aws_iam_role_policy")
    .filter(([, p]) => {
      const role = refTarget(p.role, ["aws_iam_role"], ["id", "name"]);
      return role !== undefined && roles.has(role);
    })
    .map(([, p]) => [String(p.policy), policyDocument(stack, p.policy)] as [string, StackJson | undefined])
    .filter((d): d is [string, StackJson] => d[1] !== undefined)
    .map(([ref, doc]) => [ref.replace(/^\$\{(.*)\.json\}$/, "$1"), doc]);
}

export const runnerRules: Rule[] = [
  {
    id: "GAD-RUN-1",
    title: "A CodeBuild-hosted GitLab runner's role cannot create, change or pass IAM roles and policies",
    check: (stack) =>
      runnerRoleDocuments(stack).flatMap(([address, doc]) =>
        asList<StackJson>(doc.statement)
          .filter((s) => (s.effect ?? "Allow") === "Allow")
          .flatMap((s) => asList<string>(s.actions).filter((a) => ESCALATING.test(a)))
          .map((a) => ({
            rule: "GAD-RUN-1",
            address,
            message: `the runner's role allows ${a}: every CI job routed to the runner could use it to give itself more`,
            fix: "remove it from runners[].permissions; change IAM through the reviewed apply of this tool instead",
          })),
      ),
  },
];
