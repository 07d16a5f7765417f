import { Option } from "commander";

/** `-c, --config <file>`: the delivery configuration, chosen as the cdktf app chooses it (DELIVERY_CONFIG, else delivery.yaml). */
export function configOption(): Option {
  return new Option("-c, --config <file>", "the delivery configuration").env("DELIVERY_CONFIG").default("delivery.yaml");
}
