import { DataAwsCallerIdentity } from "@cdktf/provider-aws/lib/data-aws-caller-identity";
import { DataAwsPartition } from "@cdktf/provider-aws/lib/data-aws-partition";
import { DataAwsRegion } from "@cdktf/provider-aws/lib/data-aws-region";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { TerraformStack, Token } from "cdktf";
import { IConstruct } from "constructs";
import { ConstructError } from "./construct-error";

/**
 * AWS partitions by the names of their regions (the `regionRegex` of each partition in the
 * AWS SDKs' endpoints file), so a region written in the code gives its partition at synth.
 * @see https://github.com/boto/botocore/blob/develop/botocore/data/endpoints.json
 */
const PARTITIONS: ReadonlyArray<readonly [RegExp, string]> = [
  [/^cn-\w+-\d+$/, "aws-cn"],
  [/^us-gov-\w+-\d+$/, "aws-us-gov"],
  [/^us-iso-\w+-\d+$/, "aws-iso"],
  [/^us-isob-\w+-\d+$/, "aws-iso-b"],
  [/^us-isof-\w+-\d+$/, "aws-iso-f"],
  [/^eu-isoe-\w+-\d+$/, "aws-iso-e"],
  [/^eusc-de-\w+-\d+$/, "aws-eusc"],
  [/^(us|eu|ap|sa|ca|me|af|il|mx)-\w+-\d+$/, "aws"],
];

/** The partition of a region name, or undefined for one no partition claims. */
export function partitionOfRegion(region: string): string | undefined {
  return PARTITIONS.find(([pattern]) => pattern.test(region))?.[1];
}

const envs = new WeakMap<TerraformStack, StackEnv>();

/**
 * The account, region and partition a stack deploys to, read once per stack: constructs
 * ask `StackEnv.of(this)` instead of taking them as props. The region (and so the
 * partition) comes from the stack's default AWS provider when it is written there;
 * otherwise, and for the account always, from data sources made once at the stack's top
 * (`Account`, `Region`, `Partition`; an `Account` caller-identity the stack already has is
 * used as it is).
 */
export class StackEnv {
  /** The helper of the stack `scope` is in (made on first use). */
  static of(scope: IConstruct): StackEnv {
    const stack = TerraformStack.of(scope);
    let env = envs.get(stack);
    if (!env) {
      env = new StackEnv(stack);
      envs.set(stack, env);
    }
    return env;
  }

  private accountId?: string;
  private regionName?: string;
  private partitionName?: string;

  private constructor(private readonly stack: TerraformStack) {}

  /** The account id: `data.aws_caller_identity.Account`. */
  get account(): string {
    this.accountId ??= this.dataSource("Account", DataAwsCallerIdentity).accountId;
    return this.accountId;
  }

  /** The region: the default provider's, when written there; else `data.aws_region.Region`. */
  get region(): string {
    this.regionName ??= this.providerRegion() ?? this.dataSource("Region", DataAwsRegion).name;
    return this.regionName;
  }

  /** The partition (`aws`, `aws-cn`, `aws-us-gov`, …): from a written region, else `data.aws_partition.Partition`. */
  get partition(): string {
    if (this.partitionName === undefined) {
      const region = this.providerRegion();
      this.partitionName = (region && partitionOfRegion(region)) ?? this.dataSource("Partition", DataAwsPartition).partition;
    }
    return this.partitionName;
  }

  /**
   * `arn:<partition>:<service>:<region>:<account>:<resource>` of this stack; IAM and S3 ARNs
   * leave out the region (and S3 the account): pass `region: ""` / `account: ""`.
   */
  arn(service: string, resource: string, parts: { readonly region?: string; readonly account?: string } = {}): string {
    return `arn:${this.partition}:${service}:${parts.region ?? this.region}:${parts.account ?? this.account}:${resource}`;
  }

  /** The region written on the stack's default AWS provider (not a variable or other token). */
  private providerRegion(): string | undefined {
    const provider = this.stack.node.children.find((c): c is AwsProvider => c instanceof AwsProvider && c.alias === undefined);
    const region = provider?.region;
    return region !== undefined && !Token.isUnresolved(region) ? region : undefined;
  }

  /** The stack's data source under `id`, made at its top on first use. */
  private dataSource<T extends IConstruct>(id: string, type: new (scope: TerraformStack, id: string) => T): T {
    const existing = this.stack.node.tryFindChild(id);
    if (existing instanceof type) return existing;
    if (existing) throw new ConstructError(existing, `StackEnv needs this id for its ${type.name}; give your construct another id`);
    return new type(this.stack, id);
  }
}
