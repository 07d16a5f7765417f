/*
 * A project's serviceCatalog (and proton) sections mapped to the ServiceCatalog construct's
 * props, and the outputs it gets. The proton section's templates are products too: AWS
 * ended Proton, so they move to Service Catalog.
 */
import { TerraformOutput } from "cdktf";
import { catalogProducts, principalType, ServiceCatalogConfig } from "../config/catalog-schema";
import { ServiceCatalog, ServiceCatalogProps } from "../modules/service-catalog/service-catalog";
import type { ProjectDeliveryProps, ProjectNames } from "./project-props";

export function catalogProps(props: ProjectDeliveryProps, names: ProjectNames, sc: ServiceCatalogConfig): ServiceCatalogProps {
  const cfg = props.project;
  return {
    name: names.base,
    repository: cfg.path,
    portfolio: {
      name: sc.portfolio.name,
      description: sc.portfolio.description,
      providerName: sc.portfolio.providerName,
      principals: sc.principals.map((arn) => ({ arn, type: principalType(arn) })),
    },
    products: catalogProducts(sc, cfg.proton),
    publishing:
      sc.publishing === "sync"
        ? { kind: "sync", connection: props.connection, gate: props.gate, branch: names.branch, connectionArn: sc.connectionArn }
        : { kind: "pipeline", artifactStore: props.artifactStore },
  };
}

/** The portfolio's and products' ids, named `<outputKey>_*` (in the catalog's scope, where they always were). */
export function catalogOutputs(catalog: ServiceCatalog, repository: string, outputKey: string): void {
  new TerraformOutput(catalog, "portfolio_id", {
    value: catalog.portfolio.portfolio.id,
    description: `Service Catalog portfolio of ${repository}`,
  }).overrideLogicalId(`${outputKey}_portfolio_id`);
  for (const [name, id] of Object.entries(catalog.productIds)) {
    new TerraformOutput(catalog, `product_id_${name}`, {
      value: id,
      description: `Service Catalog product ${name} of ${repository}`,
    }).overrideLogicalId(`${outputKey}_product_${name.replace(/[^A-Za-z0-9_]/g, "_")}_id`);
  }
}
