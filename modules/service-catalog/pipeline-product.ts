import { CodepipelineStageAction } from "@cdktf/provider-aws/lib/codepipeline";
import { S3Object } from "@cdktf/provider-aws/lib/s3-object";
import { ServicecatalogProduct } from "@cdktf/provider-aws/lib/servicecatalog-product";
import { Construct } from "constructs";
import { serviceCatalogPublishAction } from "../pipeline/actions";
import { ArtifactStore } from "../artifact-store/artifact-store";
import { placeholderTemplate, ProductDetails } from "./cfn-templates";

export interface PipelineProductProps extends ProductDetails {
  /** Template path inside the source artifact (the repository). */
  readonly templatePath: string;
  /** GitLab path, named in the placeholder and version descriptions. */
  readonly repository: string;
  /** Where the placeholder first version is stored. */
  readonly artifactStore: ArtifactStore;
  /** Key prefix of the placeholder in the artifact bucket. */
  readonly keyPrefix: string;
}

/**
 * A Service Catalog product whose versions the pipeline publishes. Service Catalog needs a
 * first version to create a product; the stack provides a placeholder template (stored in
 * the artifact bucket), and Terraform then leaves the versions to the pipeline.
 */
export class PipelineProduct extends Construct {
  readonly product: ServicecatalogProduct;

  constructor(
    scope: Construct,
    id: string,
    private readonly props: PipelineProductProps,
  ) {
    super(scope, id);
    const key = `${props.keyPrefix}/${props.name}/placeholder.json`;
    const placeholder = new S3Object(this, "Placeholder", {
      bucket: props.artifactStore.bucket.id,
      key,
      content: JSON.stringify(placeholderTemplate(props.name, props.repository), null, 2),
      contentType: "application/json",
    });
    this.product = new ServicecatalogProduct(this, "Resource", {
      name: props.name,
      owner: props.owner,
      type: "CLOUD_FORMATION_TEMPLATE",
      description: props.description,
      distributor: props.distributor,
      supportEmail: props.supportEmail,
      supportUrl: props.supportUrl,
      supportDescription: props.supportDescription,
      provisioningArtifactParameters: {
        name: "placeholder",
        description: `Placeholder until the pipeline of ${props.repository} publishes ${props.templatePath}`,
        templateUrl: `https://${props.artifactStore.bucket.bucketRegionalDomainName}/${key}`,
        type: "CLOUD_FORMATION_TEMPLATE",
      },
      // Versions after the first come from the pipeline, not from Terraform.
      lifecycle: { ignoreChanges: ["provisioning_artifact_parameters"] },
      dependsOn: [placeholder],
    });
  }

  /** The pipeline action that publishes the template at the commit as a new version. */
  publishAction(sourceArtifact: string): CodepipelineStageAction {
    return serviceCatalogPublishAction({
      productName: this.props.name,
      productId: this.product.id,
      templatePath: this.props.templatePath,
      repository: this.props.repository,
      input: sourceArtifact,
    });
  }
}
