/* Secrets Manager (JSON 1.1): DescribeSecret and GetResourcePolicy, from `aws_secretsmanager_secret` state attributes. */
import { FakeAwsObjects } from "./objects";
import { Answer, Json, MADE, some, tagList } from "./protocol";

/** A secret is asked for by name or by ARN. */
const find = (objects: FakeAwsObjects, id: string): Json | undefined => Object.values(objects.secrets ?? {}).find((s) => s.name === id || s.arn === id);

const notFound: Answer = [400, { __type: "ResourceNotFoundException", message: "Secrets Manager can't find the specified secret." }];

export function secretsManager(op: string, body: Json, objects: FakeAwsObjects): Answer | undefined {
  switch (op) {
    case "DescribeSecret": {
      const s = find(objects, body.SecretId);
      if (!s) return notFound;
      return [
        200,
        {
          ARN: s.arn,
          Name: s.name,
          Description: some(s.description),
          KmsKeyId: some(s.kms_key_id),
          CreatedDate: MADE.seconds,
          LastChangedDate: MADE.seconds,
          Tags: tagList(s.tags_all, "Key", "Value"),
          VersionIdsToStages: {},
        },
      ];
    }
    case "GetResourcePolicy": {
      const s = find(objects, body.SecretId);
      if (!s) return notFound;
      return [200, { ARN: s.arn, Name: s.name, ResourcePolicy: some(s.policy) }];
    }
    default:
      return undefined;
  }
}
