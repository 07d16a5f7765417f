/* Writes schema/delivery.schema.json from config/schema.ts (a test fails when it is stale). */
import { writeFileSync } from "node:fs";
import { deliveryJsonSchema } from "../config/schema";
import { CommandError } from "./command-error";

export const SCHEMA_FILE = "schema/delivery.schema.json";

export function renderJsonSchema(): string {
  return `${JSON.stringify(deliveryJsonSchema(), null, 2)}\n`;
}

export function writeJsonSchema(file: string = SCHEMA_FILE): void {
  try {
    writeFileSync(file, renderJsonSchema());
  } catch (e) {
    throw new CommandError(
      `cannot write ${file} (${(e as NodeJS.ErrnoException).code ?? String(e)}); run it from the repository root, or name a file with --output`,
    );
  }
}
