import { CodestarnotificationsNotificationRule } from "@cdktf/provider-aws/lib/codestarnotifications-notification-rule";
import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { SnsTopic } from "@cdktf/provider-aws/lib/sns-topic";
import { SnsTopicPolicy } from "@cdktf/provider-aws/lib/sns-topic-policy";
import { SnsTopicSubscription } from "@cdktf/provider-aws/lib/sns-topic-subscription";
import { ITerraformDependable } from "cdktf";
import { createHash } from "node:crypto";
import { Construct } from "constructs";
import { StackEnv } from "../core/stack-env";
import { awsName } from "../core/rules/aws-name";
import { ConnectionGate } from "../connection/connection-gate";
import { NotificationKey, NOTIFICATIONS_PRINCIPAL } from "./notification-key";

export interface PipelineNotificationsProps {
  /** Base of the topic and rule names. */
  readonly name: string;
  /** Name of the pipeline whose events are notified. */
  readonly pipelineName: string;
  /** The pipeline resource: the rule is created after it. */
  readonly pipeline: ITerraformDependable;
  /** The pipeline waits for the handshake, so its rule does too. */
  readonly gate: ConnectionGate;
  /** The stack's notification key, which encrypts the topic. */
  readonly key: NotificationKey;
  /** CodeStar notification event type ids. */
  readonly eventTypeIds: readonly string[];
  /** E-mail addresses subscribed to the topic. @default [] */
  readonly emails?: readonly string[];
}

/**
 * An SNS topic, encrypted with the stack's notification key, that a CodeStar notification
 * rule on the pipeline publishes to (by default failed executions and approvals waiting).
 * Only CodeStar Notifications acting for this account may publish.
 * @see https://docs.aws.amazon.com/dtconsole/latest/userguide/set-up-sns.html
 */
export class PipelineNotifications extends Construct {
  readonly topic: SnsTopic;

  constructor(scope: Construct, id: string, props: PipelineNotificationsProps) {
    super(scope, id);
    this.topic = new SnsTopic(this, "Topic", {
      name: awsName(props.name, "notifications", 256),
      displayName: `Pipeline ${props.pipelineName}`.slice(0, 100),
      kmsMasterKeyId: props.key.key.arn,
    });
    const publish = new DataAwsIamPolicyDocument(this, "TopicPolicyDocument", {
      statement: [
        {
          sid: "CodestarNotificationsPublish",
          effect: "Allow",
          principals: [{ type: "Service", identifiers: [NOTIFICATIONS_PRINCIPAL] }],
          actions: ["sns:Publish"],
          resources: [this.topic.arn],
          condition: [{ test: "StringEquals", variable: "aws:SourceAccount", values: [StackEnv.of(this).account] }],
        },
      ],
    });
    const topicPolicy = new SnsTopicPolicy(this, "TopicPolicy", { arn: this.topic.arn, policy: publish.json });
    // Named by a hash of the address: adding one never renames (and re-sends confirmation to) the others.
    for (const email of [...new Set(props.emails ?? [])].sort()) {
      const id = createHash("sha256").update(email.toLowerCase()).digest("hex").slice(0, 12);
      new SnsTopicSubscription(this, `Email-${id}`, { topicArn: this.topic.arn, protocol: "email", endpoint: email });
    }
    new CodestarnotificationsNotificationRule(this, "Rule", {
      name: awsName(props.name, "pipeline", 64),
      detailType: "FULL",
      eventTypeIds: [...props.eventTypeIds],
      resource: StackEnv.of(this).arn("codepipeline", props.pipelineName),
      target: [{ address: this.topic.arn, type: "SNS" }],
      count: props.gate.count,
      dependsOn: [props.pipeline, topicPolicy],
    });
  }
}
