import { createHash } from "node:crypto";
import { SYNC_CONNECTION_ARN } from "../core/rules/sync-connection-arn";

/*
 * The CloudFormation templates this tool embeds, as plain objects so that tests can check
 * them against the CloudFormation resource specification (@aws-cdk/aws-service-spec).
 */

export type CfnTemplate = {
  AWSTemplateFormatVersion: "2010-09-09";
  Description: string;
  Parameters?: Record<string, { Type: "String"; Description?: string; AllowedPattern?: string; ConstraintDescription?: string }>;
  Resources: Record<string, { Type: string; Properties?: Record<string, unknown> }>;
  Outputs?: Record<string, { Value: unknown; Description?: string }>;
};

/**
 * The first version of a product published by pipeline: a template with one resource that
 * creates nothing, so the product exists before the pipeline's first run replaces it.
 */
export function placeholderTemplate(productName: string, repository: string): CfnTemplate {
  return {
    AWSTemplateFormatVersion: "2010-09-09",
    Description: `Placeholder for ${productName}: the pipeline of ${repository} publishes the real versions; do not launch this one`,
    Resources: { Placeholder: { Type: "AWS::CloudFormation::WaitConditionHandle" } },
  };
}

/** Template parameter that carries the connection ARN (a Terraform value, kept out of the template text). */
export const CONNECTION_PARAMETER = "ConnectionArn";

/** What users see of a product, however its versions arrive. */
export interface ProductDetails {
  /** Product name. */
  readonly name: string;
  /** Owner shown to users (a team or person). */
  readonly owner: string;
  /** Product description. @default - none */
  readonly description?: string;
  /** Distributor shown to users. @default - none */
  readonly distributor?: string;
  /** Support e-mail address. @default - none */
  readonly supportEmail?: string;
  /** Support page. @default - none */
  readonly supportUrl?: string;
  /** How to get support. @default - none */
  readonly supportDescription?: string;
}

/** The product details of a configured product (which carries more: paths, launch role). */
export function productDetails(p: ProductDetails): ProductDetails {
  const { name, owner, description, distributor, supportEmail, supportUrl, supportDescription } = p;
  return { name, owner, description, distributor, supportEmail, supportUrl, supportDescription };
}

export interface SyncedProduct extends ProductDetails {
  readonly logicalId: string;
  /** Template path in the repository. */
  readonly artifactPath: string;
}

/**
 * Products kept in step with the repository by Service Catalog itself (SourceConnection),
 * which the Terraform provider cannot declare (terraform-provider-aws #33211).
 */
export function syncedProductsTemplate(p: { repository: string; branch: string; products: readonly SyncedProduct[] }): CfnTemplate {
  const resources: CfnTemplate["Resources"] = {};
  const outputs: NonNullable<CfnTemplate["Outputs"]> = {};
  for (const prod of p.products) {
    resources[prod.logicalId] = {
      Type: "AWS::ServiceCatalog::CloudFormationProduct",
      Properties: withoutUndefined({
        Name: prod.name,
        Owner: prod.owner,
        Description: prod.description,
        Distributor: prod.distributor,
        SupportEmail: prod.supportEmail,
        SupportUrl: prod.supportUrl,
        SupportDescription: prod.supportDescription,
        ProductType: "CLOUD_FORMATION_TEMPLATE",
        SourceConnection: {
          Type: "CODESTAR",
          ConnectionParameters: {
            CodeStar: { ArtifactPath: prod.artifactPath, Branch: p.branch, ConnectionArn: { Ref: CONNECTION_PARAMETER }, Repository: p.repository },
          },
        },
      }),
    };
    outputs[`${prod.logicalId}Id`] = { Value: { Ref: prod.logicalId }, Description: `Product id of ${prod.name}` };
  }
  return {
    AWSTemplateFormatVersion: "2010-09-09",
    Description: `Service Catalog products synced from ${p.repository} (${p.branch})`,
    Parameters: {
      [CONNECTION_PARAMETER]: {
        Type: "String",
        Description: "Connection Service Catalog syncs through",
        AllowedPattern: SYNC_CONNECTION_ARN.source,
        ConstraintDescription: "must be a codestar-connections connection ARN",
      },
    },
    Resources: resources,
    Outputs: outputs,
  };
}

/** CloudFormation logical id from a config name: letters and digits only, prefixed, collision-safe by the schema's unique names. */
export function logicalId(prefix: string, name: string): string {
  return `${prefix}${name.replace(/[^A-Za-z0-9]/g, "")}${name.replace(/[A-Za-z0-9]/g, "").length ? hash4(name) : ""}`;
}

function hash4(s: string): string {
  return createHash("sha256").update(s).digest("hex").slice(0, 4).toUpperCase();
}

export function withoutUndefined(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}
