import { Construct } from "constructs";
import { StackEnv } from "../core/stack-env";
import { ServiceRole } from "../iam/service-role";

export interface LaunchRoleProps {
  /** Role name (at most 64 characters). */
  readonly name: string;
  /** What the product's resources need, from the config (named actions, no `*` resource). */
  readonly permissions: ReadonlyArray<{ actions: readonly string[]; resources: readonly string[] }>;
}

/**
 * The role a product's launch constraint names: it runs the product's CloudFormation stack
 * (Service Catalog names those stacks SC-*), reads the template Service Catalog stored, and
 * does only what the config lists for the product's resources.
 * @see https://docs.aws.amazon.com/servicecatalog/latest/adminguide/constraints-launch.html
 */
export class LaunchRole extends Construct {
  readonly role: ServiceRole;

  constructor(scope: Construct, id: string, props: LaunchRoleProps) {
    super(scope, id);
    this.role = new ServiceRole(this, "Role", {
      name: props.name,
      service: "servicecatalog.amazonaws.com",
      // AWS documents the launch-role trust without conditions; an aws:SourceAccount that
      // Service Catalog did not send would make every launch fail.
      sourceAccountCondition: false,
    });
    this.role.addGrant({
      sid: "RunProductStacks",
      actions: [
        "cloudformation:CreateStack",
        "cloudformation:DeleteStack",
        "cloudformation:DescribeStackEvents",
        "cloudformation:DescribeStacks",
        "cloudformation:SetStackPolicy",
        "cloudformation:UpdateStack",
      ],
      resources: [StackEnv.of(this).arn("cloudformation", "stack/SC-*")],
    });
    this.role.addGrant({ sid: "ReadTemplates", actions: ["cloudformation:GetTemplateSummary", "cloudformation:ValidateTemplate"], resources: ["*"] });
    this.role.addGrant({
      sid: "ReadCatalogTemplates",
      actions: ["s3:GetObject"],
      resources: ["*"],
      conditions: [{ test: "StringEquals", variable: "s3:ExistingObjectTag/servicecatalog:provisioning", values: ["true"] }],
    });
    props.permissions.forEach((p, i) => {
      this.role.addGrant({ sid: `Product${i + 1}`, actions: [...p.actions].sort(), resources: [...p.resources] });
    });
  }
}
