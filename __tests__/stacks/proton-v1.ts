import { FAKE_ACCOUNT_ID } from "../../scripts/tf-check";

const ARN = (service: string, resource: string) => `arn:aws:${service}:eu-west-1:${FAKE_ACCOUNT_ID}:${resource}`;

/** What the version before the migration left in state for examples/proton.yaml: its Proton stack and publish build. */
export const V1_PROTON = [
  {
    type: "aws_cloudformation_stack",
    name: "acme__platform__proton-templates_Catalog_Proton_Templates_B574579E",
    attributes: {
      id: ARN("cloudformation", "stack/acme-platform-proton-templates-proton/5d6e7f80-aaaa-bbbb-cccc-1234567890ab"),
      name: "acme-platform-proton-templates-proton",
      template_body: JSON.stringify({
        AWSTemplateFormatVersion: "2010-09-09",
        Resources: { Envvpcenv979F: { Type: "AWS::Proton::EnvironmentTemplate", Properties: { Name: "vpc-env" } } },
      }),
      outputs: {},
      parameters: {},
      tags_all: { "managed-by": "gitlab-aws-delivery" },
    },
  },
  {
    type: "aws_codebuild_project",
    name: "acme__platform__proton-templates_Catalog_Proton_Publish_B0DC8363",
    attributes: {
      id: ARN("codebuild", "project/acme-platform-proton-templates-proton"),
      arn: ARN("codebuild", "project/acme-platform-proton-templates-proton"),
      name: "acme-platform-proton-templates-proton",
    },
  },
  {
    type: "aws_codebuild_report_group",
    name: "acme__platform__proton-templates_Catalog_Proton_Publish_TestReports_E67320CA",
    attributes: {
      id: ARN("codebuild", "report-group/acme-platform-proton-templates-proton-tests"),
      arn: ARN("codebuild", "report-group/acme-platform-proton-templates-proton-tests"),
      name: "acme-platform-proton-templates-proton-tests",
      type: "TEST",
      delete_reports: false,
    },
  },
  {
    type: "aws_cloudwatch_log_group",
    name: "acme__platform__proton-templates_Catalog_Proton_Publish_Logs_B6EFF579",
    attributes: {
      id: "/aws/codebuild/acme-platform-proton-templates-proton",
      name: "/aws/codebuild/acme-platform-proton-templates-proton",
      arn: ARN("logs", "log-group:/aws/codebuild/acme-platform-proton-templates-proton"),
    },
  },
  {
    type: "aws_iam_role",
    name: "acme__platform__proton-templates_Catalog_Proton_Publish_Role_B47DB260",
    attributes: {
      id: "acme-platform-proton-templates-proton-build",
      name: "acme-platform-proton-templates-proton-build",
      arn: `arn:aws:iam::${FAKE_ACCOUNT_ID}:role/acme-platform-proton-templates-proton-build`,
    },
  },
  {
    type: "aws_iam_role_policy",
    name: "acme__platform__proton-templates_Catalog_Proton_Publish_Role_Policy_3C141E90",
    attributes: {
      id: "acme-platform-proton-templates-proton-build:least-privilege",
      name: "least-privilege",
      role: "acme-platform-proton-templates-proton-build",
      policy: "{}",
    },
  },
];
