import { CloudformationStack } from "@cdktf/provider-aws/lib/cloudformation-stack";
import { CodepipelineStage } from "@cdktf/provider-aws/lib/codepipeline";
import { Fn, TerraformOutput, TerraformStack, Token } from "cdktf";
import { Construct } from "constructs";
import { catalogProducts, principalType, ProductConfig, ProtonConfig, ServiceCatalogConfig } from "../config/catalog-schema";
import { awsName } from "../modules/core/naming";
import { ArtifactStore } from "../modules/artifact-store/artifact-store";
import { ConnectionGate } from "../modules/connection/connection-gate";
import { GitlabConnection } from "../modules/connection/gitlab-connection";
import { IRoleGrantee } from "../modules/iam/grantee";
import { PipelineStages, SOURCE_OUTPUT } from "../modules/pipeline/gitlab-pipeline";
import { CONNECTION_PARAMETER, logicalId, productDetails, syncedProductsTemplate } from "../modules/service-catalog/cfn-templates";
import { LaunchRole } from "../modules/service-catalog/launch-role";
import { PipelineProduct } from "../modules/service-catalog/pipeline-product";
import { CatalogPortfolio } from "../modules/service-catalog/portfolio";

export interface ProjectCatalogProps {
  /** Base of AWS names (the project's). */
  readonly name: string;
  /** Logical-id prefix of this project's outputs. */
  readonly outputKey: string;
  readonly accountId: string;
  readonly region: string;
  /** GitLab path (group/project) of the repository. */
  readonly repository: string;
  /** Branch Service Catalog sync follows. */
  readonly branch: string;
  readonly connection: GitlabConnection;
  /** Synced products read the repository through the connection, so they wait for its first handshake. */
  readonly gate: ConnectionGate;
  readonly artifactStore: ArtifactStore;
  readonly serviceCatalog?: ServiceCatalogConfig;
  readonly proton?: ProtonConfig;
}

/**
 * A project's Service Catalog portfolio and products (the templates of a proton section
 * among them: AWS ended Proton, so they move here): the AWS resources, and the pipeline
 * stage that publishes new versions from each commit.
 */
export class ProjectCatalog extends Construct implements PipelineStages {
  readonly stages: CodepipelineStage[] = [];
  private readonly published: PipelineProduct[] = [];

  constructor(
    scope: Construct,
    id: string,
    private readonly props: ProjectCatalogProps,
  ) {
    super(scope, id);
    const sc = props.serviceCatalog;
    const products = catalogProducts(sc, props.proton);
    // The config refuses a proton section without a serviceCatalog section to hold its products.
    if (sc) this.serviceCatalog(sc, products);
    const actions = this.published.map((p) => p.publishAction(SOURCE_OUTPUT));
    if (actions.length > 0) this.stages.push({ name: "Publish", action: actions });
  }

  private serviceCatalog(sc: ServiceCatalogConfig, products: readonly ProductConfig[]): void {
    const { props } = this;
    const portfolio = new CatalogPortfolio(this, "Portfolio", {
      name: sc.portfolio.name,
      description: sc.portfolio.description,
      providerName: sc.portfolio.providerName,
      principals: sc.principals.map((arn) => ({ arn, type: principalType(arn) })),
    });
    new TerraformOutput(this, "portfolio_id", {
      value: portfolio.portfolio.id,
      description: `Service Catalog portfolio of ${props.repository}`,
    }).overrideLogicalId(`${props.outputKey}_portfolio_id`);

    let ids: Record<string, string>;
    // Synced products (and their portfolio links) wait for the handshake; published ones do not read GitLab.
    const count = sc.publishing === "sync" ? this.props.gate.count : undefined;
    if (sc.publishing === "sync") {
      const logical = Object.fromEntries(products.map((p) => [p.name, logicalId("Product", p.name)]));
      const template = syncedProductsTemplate({
        repository: props.repository,
        branch: props.branch,
        products: products.map((p) => ({ ...productDetails(p), logicalId: logical[p.name], artifactPath: p.templatePath })),
      });
      const stack = new CloudformationStack(this, "SyncedProducts", {
        name: awsName(props.name, "service-catalog", 128),
        templateBody: JSON.stringify(template),
        parameters: {
          // CloudFormation accepts only the codestar-connections form of a connection ARN.
          [CONNECTION_PARAMETER]: sc.connectionArn ?? Fn.replace(props.connection.arn, ":codeconnections:", ":codestar-connections:"),
        },
        count,
      });
      // The stack is counted: its outputs are read through a splat, null while it waits.
      const address = `${stack.terraformResourceType}.${TerraformStack.of(this).getLogicalId(stack)}`;
      ids = Object.fromEntries(products.map((p) => [p.name, Token.asString(`\${try(one(${address}[*].outputs)["${logical[p.name]}Id"], null)}`)]));
    } else {
      ids = {};
      for (const p of products) {
        const product = new PipelineProduct(this, `Product-${p.name}`, {
          ...productDetails(p),
          templatePath: p.templatePath,
          repository: props.repository,
          artifactStore: props.artifactStore,
          keyPrefix: `service-catalog/${props.name}`,
        });
        this.published.push(product);
        ids[p.name] = product.product.id;
      }
    }
    for (const p of products) {
      const launchRoleArn =
        p.launchRoleArn ??
        new LaunchRole(this, `LaunchRole-${p.name}`, {
          name: awsName(`${props.name}-${p.name}`, "launch", 64),
          accountId: props.accountId,
          region: props.region,
          permissions: p.launchPermissions,
        }).role.arn;
      portfolio.addProduct(p.name, ids[p.name], launchRoleArn, count);
      new TerraformOutput(this, `product_id_${p.name}`, {
        value: ids[p.name],
        description: `Service Catalog product ${p.name} of ${props.repository}`,
      }).overrideLogicalId(`${props.outputKey}_product_${p.name.replace(/[^A-Za-z0-9_]/g, "_")}_id`);
    }
  }

  /** Publish versions of these products (and nothing else). */
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
