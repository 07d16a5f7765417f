/* Writes schema/delivery.schema.json from config/schema.ts (a test fails when it is stale). */
import { writeFileSync } from "node:fs";
import { deliveryJsonSchema } from "../config/schema";

export function renderJsonSchema(): string {
  return `${JSON.stringify(deliveryJsonSchema(), null, 2)}\n`;
}

if (require.main === module) {
  writeFileSync("schema/delivery.schema.json", renderJsonSchema());
  console.log("wrote schema/delivery.schema.json");
}
