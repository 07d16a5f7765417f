import { TerraformStack } from "cdktf";

/**
 * The oldest terraform that can plan what the stacks declare: `import` blocks with
 * `for_each` (adoption) and `removed` blocks (a forgotten notification key) came in 1.7;
 * `check` blocks in 1.5. Written into every stack so an older terraform stops at init with
 * its own clear message instead of failing on a block it does not know.
 */
export const MIN_TERRAFORM = "1.7.0";

export function requireTerraform(stack: TerraformStack): void {
  stack.addOverride("terraform.required_version", `>= ${MIN_TERRAFORM}`);
}
