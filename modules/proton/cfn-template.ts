import { CfnTemplate, withoutUndefined } from "../service-catalog/cfn-templates";

export interface ProtonTemplate {
  readonly logicalId: string;
  readonly kind: "environment" | "service";
  readonly name: string;
  readonly displayName?: string;
  readonly description?: string;
}

/** Proton template shells (versions are published by the pipeline; CloudFormation has none). */
export function protonTemplatesTemplate(repository: string, templates: readonly ProtonTemplate[]): CfnTemplate {
  const resources: CfnTemplate["Resources"] = {};
  for (const t of templates) {
    resources[t.logicalId] = {
      Type: t.kind === "environment" ? "AWS::Proton::EnvironmentTemplate" : "AWS::Proton::ServiceTemplate",
      Properties: withoutUndefined({ Name: t.name, DisplayName: t.displayName, Description: t.description }),
    };
  }
  return {
    AWSTemplateFormatVersion: "2010-09-09",
    Description: `AWS Proton templates published from ${repository} (AWS ended Proton's support on 2026-10-07)`,
    Resources: resources,
  };
}
