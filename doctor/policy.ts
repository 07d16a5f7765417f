/*
 * The IAM policy doctor needs: reads only. The connection and host are found by listing
 * (List* actions take no resource), so the policy does not depend on the codestar-connections
 * or codeconnections prefix of the connection's ARN. (The registry serves no
 * @aws-sdk/client-codeconnections. That the older API also lists connections and hosts made
 * with codeconnections ARNs is assumed: AWS says both stay usable after the rename, and the
 * console shows both; not tried against AWS here.)
 */

export const DOCTOR_ACTIONS = {
  identity: ["sts:GetCallerIdentity"],
  connections: ["codestar-connections:ListConnections", "codestar-connections:ListHosts"],
  pipelines: ["codepipeline:GetPipeline", "codepipeline:GetPipelineState", "codepipeline:ListPipelineExecutions"],
  builds: ["codebuild:BatchGetProjects"],
} as const;

export interface Statement {
  readonly Sid: string;
  readonly Effect: "Allow";
  readonly Action: string[];
  readonly Resource: string[];
}

/** The ARN partition of a region (aws, aws-cn, aws-us-gov). */
export function partitionOf(region: string): string {
  if (region.startsWith("cn-")) return "aws-cn";
  if (region.startsWith("us-gov-")) return "aws-us-gov";
  return "aws";
}

export interface DoctorScope {
  readonly region: string;
  /** 12 digits, or "*" for any account. */
  readonly account: string;
  readonly pipelines: readonly string[];
  readonly buildProjects: readonly string[];
}

/** The statements, pipelines and CodeBuild projects scoped to the names the stacks give them. */
export function doctorStatements(scope: DoctorScope): Statement[] {
  const arn = (service: string, resource: string) => `arn:${partitionOf(scope.region)}:${service}:${scope.region}:${scope.account}:${resource}`;
  const scoped = (xs: readonly string[], to: (x: string) => string) => (xs.length ? [...xs].sort().map(to) : ["*"]);
  return [
    { Sid: "DoctorWhoAmI", Effect: "Allow", Action: [...DOCTOR_ACTIONS.identity], Resource: ["*"] },
    { Sid: "DoctorListConnections", Effect: "Allow", Action: [...DOCTOR_ACTIONS.connections], Resource: ["*"] },
    { Sid: "DoctorReadPipelines", Effect: "Allow", Action: [...DOCTOR_ACTIONS.pipelines], Resource: scoped(scope.pipelines, (n) => arn("codepipeline", n)) },
    {
      Sid: "DoctorReadBuildProjects",
      Effect: "Allow",
      Action: [...DOCTOR_ACTIONS.builds],
      Resource: scoped(scope.buildProjects, (n) => arn("codebuild", `project/${n}`)),
    },
  ];
}

export function doctorPolicy(scope: DoctorScope): { Version: "2012-10-17"; Statement: Statement[] } {
  return { Version: "2012-10-17", Statement: doctorStatements(scope) };
}
