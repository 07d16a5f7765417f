import { TerraformStack } from "cdktf";
import { Construct } from "constructs";

const forgotten = new WeakMap<TerraformStack, Array<Record<string, unknown>>>();

/**
 * Declares that the resource a construct at `path` (below `scope`) would have made leaves
 * Terraform's management without being destroyed: a `removed` block with `destroy = false`
 * (Terraform >= 1.7). Where nothing is in the state at that address, it does nothing; so a
 * stack can say it for a resource it no longer declares, whether or not it ever made it.
 * The address is the one cdktf gives a construct at that path.
 */
export function forgetResource(scope: Construct, resourceType: string, path: readonly string[]): void {
  const stack = TerraformStack.of(scope);
  // A bare construct has the same logical id as a resource at that path would, and synthesizes nothing.
  let node: Construct = scope;
  for (const id of path) node = (node.node.tryFindChild(id) as Construct | undefined) ?? new Construct(node, id);
  const list = forgotten.get(stack) ?? [];
  forgotten.set(stack, list);
  list.push({ from: `${resourceType}.${stack.getLogicalId(node.node)}`, lifecycle: { destroy: false } });
  stack.addOverride("removed", list);
}
