import { Codepipeline } from "@cdktf/provider-aws/lib/codepipeline";
import { Fn, TerraformStack, Token } from "cdktf";
import { ConnectionGate } from "../connection/connection-gate";

const imports = new WeakMap<TerraformStack, Array<Record<string, string>>>();

/**
 * Declares a Terraform import block for an existing pipeline, effective on the same
 * condition as the pipeline's count: once the connection has left PENDING (Terraform >= 1.7
 * `for_each` on import). Before that the count is 0, and importing it would switch its
 * source to a pending connection.
 * Written as a raw block because cdktf's `importFrom` knows neither `for_each` nor counted
 * resources (and adds a check that needs a terraform binary at synth time).
 */
export function importWhenAvailable(pipeline: Codepipeline, id: string, gate: ConnectionGate): void {
  const stack = TerraformStack.of(pipeline);
  const list = imports.get(stack) ?? [];
  imports.set(stack, list);
  list.push({
    for_each: Token.asString(Fn.conditional(gate.open, Fn.toset([id]), Fn.toset([]))),
    to: `${pipeline.terraformResourceType}.${stack.getLogicalId(pipeline)}[0]`,
    id: "${each.value}",
  });
  stack.addOverride("import", list);
}
