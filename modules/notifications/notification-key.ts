import { KmsAlias } from "@cdktf/provider-aws/lib/kms-alias";
import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { Construct } from "constructs";
import { forgetResource } from "../core/forget";
import { keyPolicy } from "../kms/key-policy";

export const NOTIFICATIONS_PRINCIPAL = "codestar-notifications.amazonaws.com";

export interface NotificationKeyProps {
  /** KMS alias name without `alias/`. */
  readonly alias: string;
}

/**
 * The key of a stack's notification topics. CodeStar Notifications publishes to an
 * encrypted topic only if the key policy lets its service principal use the key; a key of
 * their own keeps that grant away from the artifact key, so the service can never decrypt
 * pipeline artifacts.
 * @see https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html#compatibility-with-aws-services
 */
export class NotificationKey extends Construct {
  readonly key: KmsKey;

  constructor(scope: Construct, id: string, props: NotificationKeyProps) {
    super(scope, id);
    const policy = keyPolicy(this, "Policy", [
      {
        sid: "CodestarNotificationsPublish",
        effect: "Allow",
        principals: [{ type: "Service", identifiers: [NOTIFICATIONS_PRINCIPAL] }],
        actions: ["kms:Decrypt", "kms:GenerateDataKey"],
        resources: ["*"],
      },
    ]);
    this.key = new KmsKey(this, "Resource", {
      description: "Encrypts the pipeline notification topics of this stack",
      enableKeyRotation: true,
      deletionWindowInDays: 30,
      policy: policy.json,
      lifecycle: { preventDestroy: true },
    });
    new KmsAlias(this, "Alias", { name: `alias/${props.alias}`, targetKeyId: this.key.keyId });
  }

  /**
   * For a stack that no longer has notifications: the key it may have made is forgotten, not
   * deleted (a deleted key leaves whatever it encrypted unreadable, and prevent_destroy cannot
   * guard a resource whose block is gone). The alias goes with the config, so a key made
   * later can take its name; the old key stays in the account until someone deletes it.
   */
  static forget(scope: Construct, id: string): void {
    forgetResource(scope, "aws_kms_key", [id, "Resource"]);
  }
}
