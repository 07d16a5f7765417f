import { z } from "zod";
import { ciSchema } from "./ci-schema";
import { gitlabSchema } from "./gitlab-schema";
import { projectSchema } from "./project-schema";
import { stateSchema } from "./state-schema";

/*
 * The one place the configuration's shape is defined. `schema/delivery.schema.json` is
 * generated from it (npm run schema); cross-field and clock-dependent rules live in
 * semantics.ts, since JSON Schema cannot express them. Its parts, by concept:
 * project-schema.ts (a project), pipeline-schema.ts (its pipeline), environment-schema.ts
 * and adopt-schema.ts (the pipeline's stages), catalog-schema.ts (Service Catalog, Proton),
 * gitlab-schema.ts (the instance), state-schema.ts (Terraform state), ci-schema.ts (how CI
 * reaches AWS), fields.ts (fields they share).
 */

const tagKey = z.string().min(1).max(128);

export const deliveryConfigSchema = z.strictObject({
  name: z
    .string()
    .regex(/^[a-z][a-z0-9-]{1,38}[a-z0-9]$/, "must be 3-40 lowercase letters, digits or '-', starting with a letter")
    .describe("Prefix of every stack name (<name>-shared, <name>-<group>) and of shared resource names"),
  aws: z.strictObject({
    region: z.string(),
    defaultTags: z.record(tagKey, z.string().max(256)).default({}),
    skipConnectionRegionCheck: z.boolean().default(false).describe("Accept a region that this tool believes has no CodeConnections (for when AWS adds it)"),
  }),
  gitlab: gitlabSchema.default({ kind: "gitlab.com" }),
  state: stateSchema.describe("Where each stack keeps its Terraform state (one state per stack)"),
  connection: z.strictObject({
    name: z
      .string()
      .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$/, "must be 1-32 letters, digits, '.', '_' or '-' (AWS allows 32 characters)")
      .describe("Name of the CodeConnections connection"),
  }),
  projects: z.array(projectSchema).min(1),
  stacks: z
    .strictObject({
      maxProjects: z
        .number()
        .int()
        .min(1)
        .max(1000)
        .default(100)
        .describe(
          "Most projects a stack (one Terraform state) gets when projects are assigned to stacks; a larger top-level group is split along its subgroups. The assignment is kept in <config>.lock.yaml, so changing this moves no existing project",
        ),
    })
    .default({ maxProjects: 100 })
    .describe("How projects are grouped into stacks"),
  ci: ciSchema.optional().describe("How the GitLab pipeline running this tool reaches AWS (opt-in)"),
});

export type DeliveryConfig = z.output<typeof deliveryConfigSchema>;
export type ProjectConfig = DeliveryConfig["projects"][number];
export type PipelineConfig = ProjectConfig["pipeline"];
export type BuildConfig = PipelineConfig["build"];
export type PushFilter = NonNullable<PipelineConfig["triggers"]["push"]>[number];
export type EnvironmentConfig = PipelineConfig["environments"][number];
export type AdoptConfig = NonNullable<PipelineConfig["adopt"]>;
export type MergeRequestFilter = NonNullable<PipelineConfig["triggers"]["mergeRequests"]>[number];

/** The JSON Schema editors use to complete delivery.yaml (published in schema/). */
export function deliveryJsonSchema(): Record<string, unknown> {
  const generated = z.toJSONSchema(deliveryConfigSchema, { io: "input", unrepresentable: "any" });
  return {
    ...generated,
    title: "gitlab-aws-delivery configuration",
  };
}
