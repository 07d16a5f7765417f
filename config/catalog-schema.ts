import { z } from "zod";
import { repeated } from "./repeated";
import { show } from "./show";

/*
 * Service Catalog and (past end of support) Proton sections of a project. Rules that need the
 * project around them (its path, pipeline) are in catalogProblems, called by the project schema.
 */

/** AWS ended support for Proton on this day (FACTS.md, banner on every Proton page). */
export const PROTON_END_OF_SUPPORT = "2026-10-07";

/** CloudFormation's pattern for SourceConnection ConnectionArn: codestar-connections ARNs only. */
export const SYNC_CONNECTION_ARN = /^arn:aws(-[a-z]+)*:codestar-connections:[a-z]{2}(-gov)?-[a-z]+-\d:\d{12}:connection\/[a-z0-9-]+$/;

/** Repository "Account/Repo" that Service Catalog sync accepts: at most 100 characters. */
export const SYNC_REPOSITORY_MAX = 100;

const repoPath = (what: string) =>
  z
    .string()
    // A segment may not start with '.', so '..' (leaving the repository) cannot be written.
    .regex(
      /^[A-Za-z0-9_-][A-Za-z0-9._-]*(\/[A-Za-z0-9_-][A-Za-z0-9._-]*)*$/,
      `must be a relative ${what} in the repository: letters, digits, '.', '_', '-' and '/', no segment starting with '.' (so no '..')`,
    );

const principal = z.string().superRefine((value, ctx) => {
  if (/^arn:aws:iam::\d{12}:(role|user)\/[\w+=,.@\/-]{1,512}$/.test(value)) return;
  if (/^arn:aws:iam:::(role|user)\/[\w+=,.@\/*?-]{1,512}$/.test(value)) return;
  ctx.addIssue({
    code: "custom",
    message: `${show(value)} is neither an IAM role/user ARN (arn:aws:iam::123456789012:role/Developers) nor an IAM_PATTERN (no account, wildcards allowed: arn:aws:iam:::role/team-*)`,
  });
});

/** The principal type Service Catalog needs for a principal the schema accepted. */
export function principalType(arn: string): "IAM" | "IAM_PATTERN" {
  return arn.startsWith("arn:aws:iam:::") ? "IAM_PATTERN" : "IAM";
}

const iamAction = z
  .string()
  .regex(/^[a-z0-9-]+:[A-Za-z0-9]+$/, "must be one IAM action such as s3:CreateBucket (no wildcards: name each action the product needs)");

const productFields = {
  owner: z.string().min(1).max(8191).describe("Owner shown to users (a team or person)"),
  description: z.string().max(8191).optional(),
  distributor: z.string().max(8191).optional(),
  supportEmail: z.email("must be an e-mail address").optional(),
  supportUrl: z
    .url({ protocol: /^https?$/, error: "must be an http(s) URL" })
    .max(2083)
    .optional(),
  supportDescription: z.string().max(8191).optional(),
  launchRoleArn: z
    .string()
    .regex(/^arn:aws:iam::\d{12}:role\/[\w+=,.@\/-]{1,512}$/, "must be an IAM role ARN (arn:aws:iam::<account>:role/<name>)")
    .optional()
    .describe("Role the launch constraint uses; default: a role created for this product with launchPermissions only"),
  launchPermissions: z
    .array(
      z.strictObject({
        actions: z.array(iamAction).min(1),
        resources: z
          .array(
            z
              .string()
              .min(1)
              .refine((r) => r !== "*", { message: 'is "*"; name the ARNs the product creates (patterns such as arn:aws:s3:::acme-*-assets are fine)' }),
          )
          .min(1),
      }),
    )
    .max(20)
    .default([])
    .describe("What the created launch role may do besides running the product's CloudFormation stack"),
};

const supportContact = (p: { supportEmail?: string; supportUrl?: string }) => Boolean(p.supportEmail || p.supportUrl);
const SUPPORT_MESSAGE = "needs a support contact: supportEmail or supportUrl";

const product = z
  .strictObject({
    name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, "must be 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit"),
    templatePath: repoPath("CloudFormation template path").describe("CloudFormation template inside the repository"),
    ...productFields,
  })
  .refine(supportContact, { message: SUPPORT_MESSAGE });

export const serviceCatalogSchema = z.strictObject({
  publishing: z
    .enum(["pipeline", "sync"])
    .default("pipeline")
    .describe("pipeline: each run publishes a version from the source (ServiceCatalog deploy action); sync: Service Catalog's own repository sync"),
  connectionArn: z
    .string()
    .regex(SYNC_CONNECTION_ARN, "must be a codestar-connections connection ARN (the only form CloudFormation accepts for SourceConnection)")
    .optional()
    .describe("sync only: the connection Service Catalog syncs through; default: the shared connection, addressed with the codestar-connections prefix"),
  portfolio: z.strictObject({
    name: z.string().min(1).max(100),
    description: z.string().max(2000).optional(),
    providerName: z.string().min(1).max(50),
  }),
  principals: z.array(principal).max(50).default([]).describe("Who may launch: IAM role/user ARNs, or IAM_PATTERN ARNs (no account, wildcards)"),
  products: z.array(product).max(20).default([]),
});

const protonTemplate = z
  .strictObject({
    kind: z.enum(["environment", "service"]),
    name: z.string().regex(/^[0-9A-Za-z][0-9A-Za-z_-]{0,99}$/, "must be 1-100 letters, digits, '_' or '-', starting with a letter or digit"),
    displayName: z.string().min(1).max(100).optional(),
    description: z.string().max(500).optional(),
    bundlePath: repoPath("folder").describe("Template bundle folder (schema/, infrastructure/) in the repository"),
    compatibleEnvironmentTemplates: z
      .array(z.strictObject({ name: z.string().regex(/^[0-9A-Za-z][0-9A-Za-z_-]{0,99}$/), majorVersion: z.string().regex(/^\d+$/) }))
      .max(10)
      .optional()
      .describe("service templates only: the environment template versions a service version runs on"),
    target: z
      .enum(["proton", "service-catalog"])
      .default("proton")
      .describe("service-catalog: publish the bundle's infrastructure/cloudformation.yaml as a product of this project's portfolio instead"),
    product: z
      .strictObject(productFields)
      .refine(supportContact, { message: SUPPORT_MESSAGE })
      .optional()
      .describe("target service-catalog: the product's owner, support contact and launch role"),
  })
  .superRefine((t, ctx) => {
    if (t.kind === "service" && t.target === "proton" && !t.compatibleEnvironmentTemplates?.length) {
      ctx.addIssue({
        code: "custom",
        path: ["compatibleEnvironmentTemplates"],
        message: "is needed for a service template: list the environment templates (name, majorVersion) it runs on",
      });
    }
    if (t.target === "service-catalog" && !t.product) {
      ctx.addIssue({ code: "custom", path: ["product"], message: "is needed with target: service-catalog: give owner and supportEmail or supportUrl" });
    }
  });

export const protonSchema = z
  .strictObject({
    acknowledgeEndOfSupport: z
      .boolean()
      .default(false)
      .describe(`AWS ended support for Proton on ${PROTON_END_OF_SUPPORT}; true says you know and still want these resources`),
    templates: z.array(protonTemplate).min(1).max(20),
  })
  .superRefine((p, ctx) => {
    if (!p.acknowledgeEndOfSupport) {
      ctx.addIssue({
        code: "custom",
        path: ["acknowledgeEndOfSupport"],
        message: `AWS ended support for AWS Proton on ${PROTON_END_OF_SUPPORT} (its console and API are no longer reachable); move the templates to Service Catalog (target: service-catalog on each template, or serviceCatalog.products), or set acknowledgeEndOfSupport: true to keep them knowingly`,
      });
    }
    for (const i of repeated(p.templates, (t) => `${t.kind}/${t.name}`)) {
      const t = p.templates[i];
      ctx.addIssue({
        code: "custom",
        path: ["templates", i, "name"],
        message: `${show(t.name)} is listed twice for kind ${t.kind}; give each template its own name`,
      });
    }
  });

export type ServiceCatalogConfig = z.output<typeof serviceCatalogSchema>;
export type ProductConfig = ServiceCatalogConfig["products"][number];
export type ProtonConfig = z.output<typeof protonSchema>;
export type ProtonTemplateConfig = ProtonConfig["templates"][number];

/** The file of a Proton bundle that holds its CloudFormation template. */
export const BUNDLE_TEMPLATE = "infrastructure/cloudformation.yaml";

/**
 * Every product of a project: the listed ones, then Proton templates moved to Service
 * Catalog (their bundle's CloudFormation template becomes the product's template).
 */
export function catalogProducts(sc: ServiceCatalogConfig | undefined, proton: ProtonConfig | undefined): ProductConfig[] {
  const moved = (proton?.templates ?? [])
    .filter((t) => t.target === "service-catalog" && t.product)
    .map((t) => ({ name: t.name, templatePath: `${t.bundlePath}/${BUNDLE_TEMPLATE}`, description: t.description, ...t.product! }));
  return [...(sc?.products ?? []), ...moved];
}

interface CatalogProject {
  readonly path: string;
  readonly serviceCatalog?: ServiceCatalogConfig;
  readonly proton?: ProtonConfig;
  readonly pipeline: { readonly adopt?: unknown; readonly artifactFormat: string };
}

/** Rules across the project: sync limits, what pipeline publishing needs, names shared by both sections. */
export function catalogProblems(p: CatalogProject): Array<{ path: Array<string | number>; message: string }> {
  const out: Array<{ path: Array<string | number>; message: string }> = [];
  const sc = p.serviceCatalog;
  const proton = p.proton;
  const products = catalogProducts(sc, proton);
  const movesTemplates = proton?.templates.some((t) => t.target === "service-catalog") ?? false;
  if (movesTemplates && !sc) {
    out.push({
      path: ["proton", "templates"],
      message: "moves templates to Service Catalog (target: service-catalog), so the project needs a serviceCatalog section with its portfolio",
    });
  }
  // A moved template without its product details is reported on the template itself.
  if (sc && products.length === 0 && !movesTemplates) {
    out.push({ path: ["serviceCatalog", "products"], message: "is empty; list at least one product (name, templatePath, owner, support contact)" });
  }
  for (const i of repeated(products, (prod) => prod.name)) {
    out.push({
      path: ["serviceCatalog", "products"],
      message: `${show(products[i].name)} is used by two products (Proton templates moved with target: service-catalog count too); give each its own name`,
    });
  }
  const publishesInPipeline = (sc && sc.publishing === "pipeline" && products.length > 0) || proton?.templates.some((t) => t.target === "proton");
  if (publishesInPipeline && p.pipeline.adopt) {
    out.push({
      path: ["pipeline", "adopt"],
      message:
        "keeps the adopted pipeline's own stages, so it cannot publish catalog products or Proton templates; use serviceCatalog.publishing: sync, or a pipeline of this tool",
    });
  }
  if (publishesInPipeline && p.pipeline.artifactFormat === "CODEBUILD_CLONE_REF") {
    out.push({
      path: ["pipeline", "artifactFormat"],
      message: "is CODEBUILD_CLONE_REF, which only CodeBuild actions can read; the Service Catalog deploy action needs the template files: use CODE_ZIP",
    });
  }
  if (sc?.publishing === "sync") {
    const segments = p.path.split("/");
    if (segments.length !== 2 || p.path.length > SYNC_REPOSITORY_MAX) {
      out.push({
        path: ["serviceCatalog", "publishing"],
        message: `is sync, but Service Catalog sync takes a repository "Account/Repo" of at most ${SYNC_REPOSITORY_MAX} characters and ${show(p.path)} ${segments.length !== 2 ? `has ${segments.length} segments` : `has ${p.path.length} characters`}; use publishing: pipeline, which works with any GitLab path`,
      });
    }
  } else if (sc?.connectionArn) {
    out.push({ path: ["serviceCatalog", "connectionArn"], message: "is used only with publishing: sync; remove it" });
  }
  return out;
}
