import { editDistance } from "./near-miss";

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

const AREAS = ["us", "eu", "ap", "sa", "ca", "me", "af", "il", "mx", "cn", "us-gov", "us-iso", "us-isob", "us-isof", "eu-isoe"];
const DIRECTIONS = ["east", "west", "north", "south", "central", "northeast", "northwest", "southeast", "southwest"];
/**
 * An AWS region code: partition area, direction, number. The areas and directions are the
 * words AWS's region codes are made of (new regions reuse them), so a typo such as
 * "eu-wset-1" is caught while a region added after this list still passes.
 */
export const REGION_PATTERN = new RegExp(`^(?:${AREAS.join("|")})-(?:${DIRECTIONS.join("|")})-\\d{1,2}$`);

/** `" (did you mean "eu-west-1"?)"` for a region code with one misspelt word, or "". */
export function regionSuggestion(region: string): string {
  const parts = /^([a-z]{2}(?:-gov)?)-([a-z]+)-(\d{1,2})$/.exec(region.toLowerCase());
  if (!parts) return "";
  const [near] = DIRECTIONS.map((d) => ({ d, distance: editDistance(d, parts[2]) }))
    .filter((c) => c.distance <= 2)
    .sort((a, b) => a.distance - b.distance)
    .map((c) => c.d);
  const fixed = near && `${parts[1]}-${near}-${parts[3]}`;
  return fixed && REGION_PATTERN.test(fixed) ? ` (did you mean ${JSON.stringify(fixed)}?)` : "";
}

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
