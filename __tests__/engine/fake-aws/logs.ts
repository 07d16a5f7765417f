/* CloudWatch Logs (JSON 1.1): DescribeLogGroups and ListTagsForResource, from `aws_cloudwatch_log_group` state attributes. */
import { FakeAwsObjects } from "./objects";
import { Answer, Json, MADE, some } from "./protocol";

export function logs(op: string, body: Json, objects: FakeAwsObjects): Answer | undefined {
  switch (op) {
    case "DescribeLogGroups": {
      const groups = Object.values(objects.logGroups).filter((g) => g.name.startsWith(body.logGroupNamePrefix ?? ""));
      const logGroups = groups.map((g) => ({
        logGroupName: g.name,
        arn: `${g.arn}:*`,
        retentionInDays: some(g.retention_in_days),
        creationTime: MADE.seconds * 1000,
      }));
      return [200, { logGroups }];
    }
    case "ListTagsForResource": {
      const g = Object.values(objects.logGroups).find((x) => x.arn === body.resourceArn);
      return [200, { tags: g?.tags_all ?? {} }];
    }
    default:
      return undefined;
  }
}
