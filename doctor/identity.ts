/* Who doctor runs as, and whether the region can hold the connection at all. */
import { connectionRegionProblem } from "../config/regions";
import { Answer, fail, Finding, ok } from "./finding";

export interface CallerIdentity {
  readonly Account?: string;
  readonly Arn?: string;
}

/**
 * STS GetCallerIdentity's answer against the account the stacks are meant for (when known),
 * and where that account was read (`source`: "--account", "state.s3.kmsKeyId").
 */
export function checkIdentity(answer: Answer<CallerIdentity>, expectedAccount?: string, source = "--account"): Finding {
  if (!answer.ok) {
    return fail(
      "identity",
      "aws credentials",
      answer.error,
      "give this shell AWS credentials (AWS_PROFILE, or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, or AWS_ROLE_ARN with AWS_WEB_IDENTITY_TOKEN_FILE in CI)",
    );
  }
  const { Account, Arn } = answer.value;
  if (expectedAccount && Account !== expectedAccount) {
    return fail(
      "identity",
      String(Arn),
      `is in account ${Account}, but the stacks are for account ${expectedAccount} (${source})`,
      `use credentials of account ${expectedAccount} (another AWS_PROFILE)`,
    );
  }
  return ok("identity", String(Arn), `credentials work (account ${Account})`);
}

export function checkRegion(region: string): Finding {
  const problem = connectionRegionProblem(region);
  return problem
    ? fail("region", region, problem, "choose a region that offers CodeConnections in aws.region (see the CodePipeline action reference)")
    : ok("region", region, "offers CodeConnections");
}
