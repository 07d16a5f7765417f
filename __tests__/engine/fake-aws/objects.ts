/* The objects the fake AWS answers with: state attributes by the key each API looks them up by. */
import { Json } from "./protocol";

export interface FakeAwsObjects {
  /** Pipelines by name, as `aws_codepipeline` state attributes; a missing name is "not found". */
  readonly pipelines: Record<string, Json>;
  /** Log groups by name, as `aws_cloudwatch_log_group` state attributes. */
  readonly logGroups: Record<string, Json>;
  /** IAM roles by name, as `aws_iam_role` state attributes. @default none */
  readonly roles?: Record<string, Json>;
  /** Inline role policies by `role:name` (their import id), as `aws_iam_role_policy` state attributes. @default none */
  readonly rolePolicies?: Record<string, Json>;
  /** CodeBuild projects by name, as `aws_codebuild_project` state attributes. @default none */
  readonly projects?: Record<string, Json>;
  /** CodeBuild report groups by ARN, as `aws_codebuild_report_group` state attributes. @default none */
  readonly reportGroups?: Record<string, Json>;
  /** Secrets by name, as `aws_secretsmanager_secret` state attributes. @default none */
  readonly secrets?: Record<string, Json>;
}

/** The state's objects (with attributes) of one type, keyed as `key` says. */
function keyed(state: Json, type: string, key: (a: Json) => string): Record<string, Json> {
  return Object.fromEntries(
    state.resources
      .filter((r: Json) => r.mode === "managed" && r.type === type)
      .flatMap((r: Json) => r.instances.map((i: Json) => [key(i.attributes), structuredClone(i.attributes)])),
  );
}

/** AWS as a state left it: every object the fake plays, from the state's attributes. */
export function objectsOf(state: Json): Required<FakeAwsObjects> {
  return {
    pipelines: keyed(state, "aws_codepipeline", (a) => a.name),
    logGroups: keyed(state, "aws_cloudwatch_log_group", (a) => a.name),
    roles: keyed(state, "aws_iam_role", (a) => a.name),
    rolePolicies: keyed(state, "aws_iam_role_policy", (a) => `${a.role}:${a.name}`),
    projects: keyed(state, "aws_codebuild_project", (a) => a.name),
    reportGroups: keyed(state, "aws_codebuild_report_group", (a) => a.arn),
    secrets: keyed(state, "aws_secretsmanager_secret", (a) => a.name),
  };
}
