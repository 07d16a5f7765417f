/**
 * Regions where AWS CodeConnections (and so the CodePipeline GitLab source) is not offered.
 * Source: CodePipeline action reference, checked 2026-11-25 (shared/FACTS.md). us-gov-east-1
 * comes from the older product brief; kept because refusing is the safe side of the doubt.
 * When AWS adds one of these, users set `aws.skipConnectionRegionCheck: true` until we update.
 */
export const REGIONS_WITHOUT_CONNECTIONS: readonly string[] = [
  "ap-east-1",
  "ap-south-2",
  "ap-southeast-3",
  "ap-southeast-4",
  "ap-northeast-3",
  "af-south-1",
  "me-south-1",
  "me-central-1",
  "eu-south-2",
  "eu-central-2",
  "il-central-1",
  "us-gov-west-1",
  "us-gov-east-1",
];

export const REGION_PATTERN = /^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d{1,2}$/;

/** Why a region cannot host a connection, or undefined when it can. */
export function connectionRegionProblem(region: string): string | undefined {
  if (region.startsWith("cn-")) {
    return "is a China region, where AWS CodeConnections is not offered";
  }
  if (REGIONS_WITHOUT_CONNECTIONS.includes(region)) {
    return "is a region where AWS CodeConnections is not offered";
  }
  return undefined;
}
