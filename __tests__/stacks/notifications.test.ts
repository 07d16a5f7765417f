import { createHash } from "node:crypto";
import { byPath, only, problems, rawConfig, rawProject, statements, synth } from "../helpers";

const P = "acme__platform__payments-api";
const sha12 = (email: string) => createHash("sha256").update(email).digest("hex").slice(0, 12);
const withNotifications = (notifications: unknown, extra: Record<string, unknown> = {}) =>
  rawConfig({ projects: [rawProject({ pipeline: { notifications } }), ...(extra.more ? [rawProject({ path: "acme/platform/ledger" })] : [])] });

describe("pipeline notifications: SNS topic fed by a CodeStar notification rule", () => {
  const { json } = synth(withNotifications({ emails: ["ops@acme.example", "payments@acme.example"] }, { more: true }));
  const topic = byPath(json, "aws_sns_topic", `${P}/Notifications/Topic`);
  const key = byPath(json, "aws_kms_key", "NotificationKey");
  const pipeline = byPath(json, "aws_codepipeline", `${P}/Pipeline/Resource`.replace("/Resource", ""));

  test("the topic is encrypted with the stack's notification key, not the artifact key", () => {
    expect(topic.body).toEqual({
      name: "acme-platform-payments-api-notifications",
      display_name: "Pipeline acme-platform-payments-api",
      kms_master_key_id: `\${aws_kms_key.${key.name}.arn}`,
    });
    expect(key.body.enable_key_rotation).toBe(true);
    expect(key.body.lifecycle).toEqual({ prevent_destroy: true });
    expect(byPath(json, "aws_kms_alias", "NotificationKey/Alias").body.name).toBe("alias/acme-delivery-acme-notifications");
  });

  test("the key lets CodeStar Notifications encrypt for the topic, and the account's IAM govern the rest", () => {
    const s = statements(json, "NotificationKey/Policy");
    expect(Object.keys(s)).toEqual(["AccountIamPolicies", "CodestarNotificationsPublish"]);
    expect(s.CodestarNotificationsPublish).toEqual({
      sid: "CodestarNotificationsPublish",
      effect: "Allow",
      principals: [{ type: "Service", identifiers: ["codestar-notifications.amazonaws.com"] }],
      actions: ["kms:Decrypt", "kms:GenerateDataKey"],
      resources: ["*"],
    });
    expect(key.body.policy).toBe(`\${data.aws_iam_policy_document.${byPath(json, "aws_iam_policy_document", "NotificationKey/Policy", "data").name}.json}`);
  });

  test("only CodeStar Notifications acting for this account may publish", () => {
    const policy = byPath(json, "aws_sns_topic_policy", `${P}/Notifications/TopicPolicy`);
    expect(policy.body.arn).toBe(`\${aws_sns_topic.${topic.name}.arn}`);
    expect(statements(json, `${P}/Notifications/TopicPolicyDocument`).CodestarNotificationsPublish).toEqual({
      sid: "CodestarNotificationsPublish",
      effect: "Allow",
      principals: [{ type: "Service", identifiers: ["codestar-notifications.amazonaws.com"] }],
      actions: ["sns:Publish"],
      resources: [`\${aws_sns_topic.${topic.name}.arn}`],
      condition: [{ test: "StringEquals", variable: "aws:SourceAccount", values: ["${data.aws_caller_identity.Account.account_id}"] }],
    });
  });

  test("the rule watches this pipeline for failures and approvals, waits for it and for the handshake", () => {
    const rule = byPath(json, "aws_codestarnotifications_notification_rule", `${P}/Notifications/Rule`).body;
    expect(rule).toEqual({
      name: "acme-platform-payments-api-pipeline",
      detail_type: "FULL",
      event_type_ids: ["codepipeline-pipeline-pipeline-execution-failed", "codepipeline-pipeline-manual-approval-needed"],
      resource: "arn:aws:codepipeline:eu-west-1:${data.aws_caller_identity.Account.account_id}:acme-platform-payments-api",
      target: [{ address: `\${aws_sns_topic.${topic.name}.arn}`, type: "SNS" }],
      count: pipeline.body.count,
      depends_on: [`aws_codepipeline.${pipeline.name}`, `aws_sns_topic_policy.${byPath(json, "aws_sns_topic_policy", `${P}/Notifications/TopicPolicy`).name}`],
    });
    expect(rule.count).toMatch(/connection_status != "PENDING"\) \? 1 : 0/);
  });

  test("each address is subscribed by e-mail under a name that does not move when others are added", () => {
    const subs = Object.entries<any>(json.resource.aws_sns_topic_subscription).map(([name, b]) => [
      name.replace(/_[0-9A-F]{8}$/, ""),
      b.endpoint,
      b.protocol,
      b.topic_arn,
    ]);
    expect(subs).toEqual([
      [`${P}_Notifications_Email-${sha12("ops@acme.example")}`, "ops@acme.example", "email", `\${aws_sns_topic.${topic.name}.arn}`],
      [`${P}_Notifications_Email-${sha12("payments@acme.example")}`, "payments@acme.example", "email", `\${aws_sns_topic.${topic.name}.arn}`],
    ]);
    const { json: fewer } = synth(withNotifications({ emails: ["payments@acme.example"] }));
    expect(Object.keys(fewer.resource.aws_sns_topic_subscription)).toEqual([Object.keys(json.resource.aws_sns_topic_subscription)[1]]);
  });

  test("the topic ARN is an output; a project without notifications gets no topic", () => {
    expect(json.output[`${P.replace(/-/g, "_")}_notifications_topic_arn`].value).toBe(`\${aws_sns_topic.${topic.name}.arn}`);
    expect(Object.keys(json.resource.aws_sns_topic)).toHaveLength(1);
  });

  test("events are chosen by name", () => {
    const { json: j } = synth(withNotifications({ events: ["succeeded", "canceled"] }));
    expect(only(j, "aws_codestarnotifications_notification_rule").body.event_type_ids).toEqual([
      "codepipeline-pipeline-pipeline-execution-succeeded",
      "codepipeline-pipeline-pipeline-execution-canceled",
    ]);
    expect(j.resource.aws_sns_topic_subscription).toBeUndefined();
  });

  test("a stack without notifications has no notification key", () => {
    const { json: j } = synth(rawConfig());
    expect(Object.keys(j.resource.aws_kms_key)).toEqual([expect.stringMatching(/^ArtifactStore_Key_/)]);
    expect(j.resource.aws_sns_topic).toBeUndefined();
  });
});

describe("notification configuration errors", () => {
  test.each([
    [{ emails: ["ops at acme"] }, 'projects[0].pipeline.notifications.emails[0]: must be an e-mail address (got string "ops at acme"); correct the value'],
    [{ events: [] }, "projects[0].pipeline.notifications.events: "],
    [{ events: ["failure"] }, "projects[0].pipeline.notifications.events[0]: "],
    [{ topic: "x" }, 'projects[0].pipeline.notifications: unknown key "topic"'],
  ])("%j", (notifications, expected) => {
    const found = problems(withNotifications(notifications));
    expect(found).toHaveLength(1);
    expect(found[0].startsWith(expected)).toBe(true);
  });
});
