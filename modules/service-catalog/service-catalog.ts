import { CloudformationStack } from "@cdktf/provider-aws/lib/cloudformation-stack";
import { CodepipelineStage } from "@cdktf/provider-aws/lib/codepipeline";
import { Fn, TerraformStack, Token } from "cdktf";
import { Construct } from "constructs";
import { ArtifactStore } from "../artifact-store/artifact-store";
import { ConnectionGate } from "../connection/connection-gate";
import { IGitlabConnection } from "../connection/gitlab-connection";
import { awsName } from "../core/rules/aws-name";
import { IRoleGrantee } from "../iam/grantee";
import { PipelineStages, SOURCE_OUTPUT } from "../pipeline/gitlab-pipeline";
import { CONNECTION_PARAMETER, logicalId, productDetails, ProductDetails, syncedProductsTemplate } from "./cfn-templates";
import { LaunchRole } from "./launch-role";
import { PipelineProduct } from "./pipeline-product";
import { CatalogPortfolio, CatalogPortfolioProps } from "./portfolio";

/** One product of the catalog: what users see, where its template is, and how it launches. */
export interface CatalogProduct extends ProductDetails {
  /** CloudFormation template inside the repository. */
  readonly templatePath: string;
  /**
   * Role the launch constraint names.
   * @default - a `LaunchRole` made for this product, with `launchPermissions`
   */
  readonly launchRoleArn?: string;
  /**
   * What the created launch role may do besides running the product's stack.
   * @default [] (not used with `launchRoleArn`)
   */
  readonly launchPermissions?: ReadonlyArray<{ actions: readonly string[]; resources: readonly string[] }>;
}

/** Each pipeline run publishes a version of every product from the source (a Publish stage). */
export interface PipelinePublishing {
  readonly kind: "pipeline";
  /** Holds each product's placeholder first version. */
  readonly artifactStore: ArtifactStore;
}

/** Service Catalog keeps the products in step with the repository itself (SourceConnection). */
export interface SyncPublishing {
  readonly kind: "sync";
  /** The connection the products read the repository through. */
  readonly connection: IGitlabConnection;
  /** Synced products read GitLab, so they wait for the connection's first handshake. */
  readonly gate: ConnectionGate;
  /** Branch Service Catalog follows. */
  readonly branch: string;
  /**
   * The connection ARN CloudFormation is given (it accepts only the codestar-connections form).
   * @default - `connection`'s ARN with the codestar-connections prefix
   */
  readonly connectionArn?: string;
}

export interface ServiceCatalogProps {
  /** Base of the AWS names (the synced products' stack, the launch roles). */
  readonly name: string;
  /** GitLab path (group/project) of the repository the templates come from. */
  readonly repository: string;
  /** The portfolio and who may launch its products. */
  readonly portfolio: CatalogPortfolioProps;
  /** The products of the portfolio. @default [] */
  readonly products?: readonly CatalogProduct[];
  /** How new versions of the products arrive: the pipeline publishes them, or Service Catalog syncs. */
  readonly publishing: PipelinePublishing | SyncPublishing;
}

/**
 * A Service Catalog portfolio and its products, published from a GitLab repository: either
 * by the pipeline (the `Publish` stage this construct adds, see `stages`) or by Service
 * Catalog's own sync. Each product is launched as its launch role.
 */
export class ServiceCatalog extends Construct implements PipelineStages {
  readonly stages: CodepipelineStage[] = [];
  readonly portfolio: CatalogPortfolio;
  /** Product ids by product name (for a synced product: null until its stack exists). */
  readonly productIds: Readonly<Record<string, string>>;
  private readonly published: PipelineProduct[] = [];

  constructor(scope: Construct, id: string, props: ServiceCatalogProps) {
    super(scope, id);
    const products = props.products ?? [];
    this.portfolio = new CatalogPortfolio(this, "Portfolio", props.portfolio);
    const publishing = props.publishing;
    const ids = publishing.kind === "sync" ? this.synced(props, publishing, products) : this.publishedByPipeline(props, publishing, products);
    // Synced products (and their portfolio links) wait for the handshake; published ones do not read GitLab.
    const count = publishing.kind === "sync" ? publishing.gate.count : undefined;
    for (const p of products) {
      const launchRoleArn =
        p.launchRoleArn ??
        new LaunchRole(this, `LaunchRole-${p.name}`, {
          name: awsName(`${props.name}-${p.name}`, "launch", 64),
          permissions: p.launchPermissions ?? [],
        }).role.arn;
      this.portfolio.addProduct(p.name, ids[p.name], launchRoleArn, count);
    }
    this.productIds = ids;
    const actions = this.published.map((p) => p.publishAction(SOURCE_OUTPUT));
    if (actions.length > 0) this.stages.push({ name: "Publish", action: actions });
  }

  private synced(props: ServiceCatalogProps, sync: SyncPublishing, products: readonly CatalogProduct[]): Record<string, string> {
    const logical = Object.fromEntries(products.map((p) => [p.name, logicalId("Product", p.name)]));
    const template = syncedProductsTemplate({
      repository: props.repository,
      branch: sync.branch,
      products: products.map((p) => ({ ...productDetails(p), logicalId: logical[p.name], artifactPath: p.templatePath })),
    });
    const stack = new CloudformationStack(this, "SyncedProducts", {
      name: awsName(props.name, "service-catalog", 128),
      templateBody: JSON.stringify(template),
      parameters: {
        // CloudFormation accepts only the codestar-connections form of a connection ARN.
        [CONNECTION_PARAMETER]: sync.connectionArn ?? Fn.replace(sync.connection.arn, ":codeconnections:", ":codestar-connections:"),
      },
      count: sync.gate.count,
    });
    // The stack is counted: its outputs are read through a splat, null while it waits.
    const address = `${stack.terraformResourceType}.${TerraformStack.of(this).getLogicalId(stack)}`;
    return Object.fromEntries(products.map((p) => [p.name, Token.asString(`\${try(one(${address}[*].outputs)["${logical[p.name]}Id"], null)}`)]));
  }

  private publishedByPipeline(props: ServiceCatalogProps, pipeline: PipelinePublishing, products: readonly CatalogProduct[]): Record<string, string> {
    const ids: Record<string, string> = {};
    for (const p of products) {
      const product = new PipelineProduct(this, `Product-${p.name}`, {
        ...productDetails(p),
        templatePath: p.templatePath,
        repository: props.repository,
        artifactStore: pipeline.artifactStore,
        keyPrefix: `service-catalog/${props.name}`,
      });
      this.published.push(product);
      ids[p.name] = product.product.id;
    }
    return ids;
  }

  /** Lets `grantee` (the pipeline's role) publish versions of these products, and nothing else. */
  grantTo(grantee: IRoleGrantee): void {
    if (this.published.length > 0) {
      grantee.addGrant({
        sid: "PublishProductVersions",
        actions: [
          "servicecatalog:CreateProvisioningArtifact",
          "servicecatalog:DeleteProvisioningArtifact",
          "servicecatalog:DescribeProductAsAdmin",
          "servicecatalog:DescribeProvisioningArtifact",
          "servicecatalog:ListProvisioningArtifacts",
          "servicecatalog:UpdateProduct",
        ],
        resources: this.published.map((p) => p.product.arn),
      });
      grantee.addGrant({ sid: "ValidateTemplates", actions: ["cloudformation:ValidateTemplate"], resources: ["*"] });
    }
  }
}
