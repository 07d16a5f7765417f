import { z } from "zod";
import { repeated } from "./repeated";
import { show } from "./show";
import { SYNC_CONNECTION_ARN } from "../modules/core/rules/sync-connection-arn";

/*
 * Service Catalog and Proton sections of a project: since AWS ended Proton, a proton section
 * moves its templates to Service Catalog. Rules that need the project around them (its path,
 * pipeline) are in catalogProblems, called by the project schema; protonNotices says what
 * each template became.
 */

/** AWS ended support for Proton on this day (FACTS.md, banner on every Proton page). */
export const PROTON_END_OF_SUPPORT = "2026-10-07";

/** The file of a Proton bundle that holds its CloudFormation template: the product's template after the migration. */
export const BUNDLE_TEMPLATE = "infrastructure/cloudformation.yaml";

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

const templateName = z.string().regex(/^[0-9A-Za-z][0-9A-Za-z_-]{0,99}$/, "must be 1-100 letters, digits, '_' or '-', starting with a letter or digit");

/** Fields of a Proton template that have no Service Catalog counterpart: accepted, named in the notice, not used. */
const NOT_CARRIED = ["displayName", "compatibleEnvironmentTemplates"] as const;

const protonTemplate = z
  .strictObject({
    kind: z.enum(["environment", "service"]),
    name: templateName.describe("The product's name"),
    displayName: z.string().min(1).max(100).optional().describe("Not carried over: a product has no display name"),
    description: z.string().max(500).optional().describe("The product's description, unless product.description is given"),
    bundlePath: repoPath("folder").describe(`Template bundle folder in the repository; its ${BUNDLE_TEMPLATE} is the product's template`),
    compatibleEnvironmentTemplates: z
      .array(z.strictObject({ name: templateName, majorVersion: z.string().regex(/^\d+$/) }))
      .max(10)
      .optional()
      .describe("Not carried over: Service Catalog has no counterpart"),
    // Any string, so that "proton" gets its own message; the JSON Schema lists the one value.
    target: z
      .string()
      .optional()
      .meta({ enum: ["service-catalog"], description: "Where the template goes: a Service Catalog product (the only target since AWS Proton ended)" }),
    product: z
      .strictObject(productFields)
      .refine(supportContact, { message: SUPPORT_MESSAGE })
      .optional()
      .describe("The product's owner, support contact and launch role (required)"),
  })
  .superRefine((t, ctx) => {
    if (t.target === "proton") {
      ctx.addIssue({
        code: "custom",
        path: ["target"],
        message: `"proton" asks for an AWS Proton template, which AWS ended on ${PROTON_END_OF_SUPPORT} (its API is gone); remove target: the template then becomes a Service Catalog product (give it product: owner and supportEmail or supportUrl)`,
      });
    } else if (t.target !== undefined && t.target !== "service-catalog") {
      ctx.addIssue({
        code: "custom",
        path: ["target"],
        message: `${show(t.target)} is not a target; remove target: every template becomes a Service Catalog product`,
      });
    }
    if (!t.product) {
      ctx.addIssue({
        code: "custom",
        path: ["product"],
        message: "is needed, since the template becomes a Service Catalog product; add it with owner and supportEmail or supportUrl",
      });
    }
  });

/**
 * AWS Proton templates being moved to Service Catalog: since AWS ended Proton, every
 * template becomes a product of the project's portfolio (see catalogProducts).
 */
export const protonSchema = z
  .strictObject({
    // A boolean, so that true gets its own message; the JSON Schema lists the one value left.
    acknowledgeEndOfSupport: z
      .boolean()
      .optional()
      .meta({
        enum: [false],
        description: `Retired: it kept AWS Proton resources, which AWS ended on ${PROTON_END_OF_SUPPORT}; true is refused, remove the key`,
      }),
    templates: z.array(protonTemplate).min(1).max(20),
  })
  .superRefine((p, ctx) => {
    if (p.acknowledgeEndOfSupport) {
      ctx.addIssue({
        code: "custom",
        path: ["acknowledgeEndOfSupport"],
        message: `true asks to keep AWS Proton resources, which AWS ended on ${PROTON_END_OF_SUPPORT} (its API is gone); remove acknowledgeEndOfSupport: the templates then become Service Catalog products, each with product: owner and supportEmail or supportUrl, in the portfolio of the project's serviceCatalog section`,
      });
    }
  });

export type ServiceCatalogConfig = z.output<typeof serviceCatalogSchema>;
export type ProductConfig = ServiceCatalogConfig["products"][number];
export type ProtonConfig = z.output<typeof protonSchema>;
export type ProtonTemplateConfig = ProtonConfig["templates"][number];

/** The products the templates of a proton section become, with each template's index. */
function migratedTemplates(proton: ProtonConfig | undefined): Array<{ index: number; product: ProductConfig }> {
  return (proton?.templates ?? []).flatMap((t, index) =>
    // A template without product details is refused on the template itself.
    t.product ? [{ index, product: { name: t.name, templatePath: `${t.bundlePath}/${BUNDLE_TEMPLATE}`, description: t.description, ...t.product } }] : [],
  );
}

/**
 * Every product of a project: the listed ones, then the templates of its proton section
 * (each bundle's CloudFormation template becomes a product's template, published alike).
 */
export function catalogProducts(sc: ServiceCatalogConfig | undefined, proton: ProtonConfig | undefined): ProductConfig[] {
  return [...(sc?.products ?? []), ...migratedTemplates(proton).map((m) => m.product)];
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
  const listed = sc?.products ?? [];
  const migrated = migratedTemplates(p.proton);
  const products = catalogProducts(sc, p.proton);
  if (p.proton && !sc) {
    out.push({
      path: ["serviceCatalog"],
      message: "is needed, since the templates of the proton section become Service Catalog products; add it with portfolio: name and providerName",
    });
  }
  if (sc && products.length === 0 && !p.proton) {
    out.push({ path: ["serviceCatalog", "products"], message: "is empty; list at least one product (name, templatePath, owner, support contact)" });
  }
  for (const i of repeated(products, (prod) => prod.name)) {
    if (i < listed.length) {
      out.push({
        path: ["serviceCatalog", "products"],
        message: `${show(products[i].name)} is used by two products (the templates of a proton section count too); give each its own name`,
      });
    } else {
      out.push({
        path: ["proton", "templates", migrated[i - listed.length].index, "name"],
        message: `${show(products[i].name)} is already the name of another product (serviceCatalog.products and the proton templates share one list); give each its own name`,
      });
    }
  }
  const publishesInPipeline = sc && sc.publishing === "pipeline" && products.length > 0;
  if (publishesInPipeline && p.pipeline.adopt) {
    out.push({
      path: ["pipeline", "adopt"],
      message:
        "keeps the adopted pipeline's own stages, so it cannot publish catalog products; use serviceCatalog.publishing: sync, or a pipeline of this tool",
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

/**
 * One notice per template of a proton section: the product it became and where its versions
 * come from, and the fields that have no Service Catalog counterpart. Paths are relative to
 * the project; nothing here is a problem (the config is valid when this is asked).
 */
export function protonNotices(p: Pick<CatalogProject, "serviceCatalog" | "proton"> & { readonly branch: string }): Array<{
  path: Array<string | number>;
  message: string;
}> {
  const sc = p.serviceCatalog;
  if (!p.proton || !sc) return [];
  return p.proton.templates.map((t, i) => {
    const template = `${t.bundlePath}/${BUNDLE_TEMPLATE}`;
    const versions =
      sc.publishing === "sync" ? `Service Catalog syncs versions of ${template} from branch ${p.branch}` : `each commit publishes a version of ${template}`;
    const unused = NOT_CARRIED.filter((key) => t[key] !== undefined);
    return {
      path: ["proton", "templates", i],
      message:
        `${t.kind} template ${show(t.name)} is migrated to the Service Catalog product ${show(t.name)} of the portfolio ${show(sc.portfolio.name)}` +
        ` (AWS Proton ended on ${PROTON_END_OF_SUPPORT}); ${versions}` +
        (unused.length > 0 ? `; ${unused.join(" and ")} ${unused.length > 1 ? "are" : "is"} not carried over (Service Catalog has no counterpart)` : ""),
    };
  });
}
