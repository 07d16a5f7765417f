import { ServicecatalogConstraint } from "@cdktf/provider-aws/lib/servicecatalog-constraint";
import { ServicecatalogPortfolio } from "@cdktf/provider-aws/lib/servicecatalog-portfolio";
import { ServicecatalogPrincipalPortfolioAssociation } from "@cdktf/provider-aws/lib/servicecatalog-principal-portfolio-association";
import { ServicecatalogProductPortfolioAssociation } from "@cdktf/provider-aws/lib/servicecatalog-product-portfolio-association";
import { Construct } from "constructs";
import { createHash } from "node:crypto";

export interface CatalogPortfolioProps {
  /** Portfolio name. */
  readonly name: string;
  /** Portfolio description. @default - none */
  readonly description?: string;
  /** Who provides the portfolio, as users see it. */
  readonly providerName: string;
  /** IAM role/user ARNs, or IAM_PATTERN ARNs (no account, wildcards). */
  readonly principals: ReadonlyArray<{ arn: string; type: "IAM" | "IAM_PATTERN" }>;
}

/**
 * A Service Catalog portfolio, the principals who may launch its products, and, per
 * product, the association and the launch constraint (the role CloudFormation runs as, so
 * users need no rights on the product's resources themselves).
 */
export class CatalogPortfolio extends Construct {
  readonly portfolio: ServicecatalogPortfolio;

  constructor(scope: Construct, id: string, props: CatalogPortfolioProps) {
    super(scope, id);
    this.portfolio = new ServicecatalogPortfolio(this, "Resource", {
      name: props.name,
      description: props.description,
      providerName: props.providerName,
    });
    // Named by a hash of the ARN: adding a principal never re-creates the others.
    for (const p of [...props.principals].sort((a, b) => a.arn.localeCompare(b.arn))) {
      const key = createHash("sha256").update(p.arn).digest("hex").slice(0, 12);
      new ServicecatalogPrincipalPortfolioAssociation(this, `Principal-${key}`, {
        portfolioId: this.portfolio.id,
        principalArn: p.arn,
        principalType: p.type,
      });
    }
  }

  /**
   * Put a product in the portfolio, launched as `launchRoleArn`.
   * @param count a token of 0 or 1 when the product itself may not exist yet (synced products
   *   wait for the connection's handshake). @default - always
   */
  addProduct(key: string, productId: string, launchRoleArn: string, count?: number): void {
    const association = new ServicecatalogProductPortfolioAssociation(this, `Product-${key}`, {
      portfolioId: this.portfolio.id,
      productId,
      count,
    });
    // A launch constraint needs the product in the portfolio first.
    new ServicecatalogConstraint(this, `Launch-${key}`, {
      portfolioId: this.portfolio.id,
      productId,
      type: "LAUNCH",
      parameters: JSON.stringify({ RoleArn: launchRoleArn }),
      description: `Launch constraint of ${key}`,
      dependsOn: [association],
      count,
    });
  }
}
