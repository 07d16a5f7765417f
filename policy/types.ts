/** A synthesized cdk.tf.json, as terraform reads it. */
export type StackJson = Record<string, any>;

export interface Finding {
  /** Rule id, e.g. `GAD-CB-1`; the checkov/cdk-nag idea it follows is in the rule's title. */
  readonly rule: string;
  /** Terraform address of the offending block: `aws_codebuild_project.name`, `output.x`. */
  readonly address: string;
  readonly message: string;
  readonly fix: string;
}

export interface Rule {
  readonly id: string;
  readonly title: string;
  check(stack: StackJson): Finding[];
}
