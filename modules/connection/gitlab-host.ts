import { CodeconnectionsHost } from "@cdktf/provider-aws/lib/codeconnections-host";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { VpcSecurityGroupEgressRule } from "@cdktf/provider-aws/lib/vpc-security-group-egress-rule";
import { Construct } from "constructs";
import { ConstructError } from "../core/construct-error";

export interface GitlabHostVpc {
  readonly vpcId: string;
  readonly subnetIds: readonly string[];
  /** @default - a security group allowing egress to `instanceCidrs` on the instance port only */
  readonly securityGroupIds?: readonly string[];
  /** Required when `securityGroupIds` is not given. */
  readonly instanceCidrs?: readonly string[];
  /** PEM of the instance certificate or its CA. @default - the instance has a public CA's certificate */
  readonly tlsCertificate?: string;
}

export interface GitlabHostProps {
  /** Host name (at most 64 characters). */
  readonly name: string;
  /** `https://host[:port]` of the instance. */
  readonly endpoint: string;
  /** Port the instance serves on (for the created security group). @default 443 */
  readonly port?: number;
  /** The VPC the instance is reached in, for an instance that is not on the internet. @default - the instance is reachable from the internet */
  readonly vpc?: GitlabHostVpc;
}

/**
 * An AWS CodeConnections host for a self-managed (or Dedicated) GitLab instance, optionally
 * inside a VPC. Like the connection it starts PENDING and needs a person to finish it
 * (a GitLab personal access token with the api scope, entered in the console), so it is
 * guarded by prevent_destroy.
 * @see https://docs.aws.amazon.com/dtconsole/latest/userguide/connections-create-gitlab-managed.html
 */
export class GitlabHost extends Construct {
  readonly resource: CodeconnectionsHost;
  /** Token for the host ARN. */
  readonly arn: string;
  /** The security group this construct created, when it created one. */
  readonly securityGroup?: SecurityGroup;

  constructor(scope: Construct, id: string, props: GitlabHostProps) {
    super(scope, id);
    let securityGroupIds = props.vpc?.securityGroupIds ? [...props.vpc.securityGroupIds] : undefined;
    if (props.vpc && !securityGroupIds) {
      if (!props.vpc.instanceCidrs?.length) throw new ConstructError(this, `a created security group needs instanceCidrs`);
      this.securityGroup = new SecurityGroup(this, "SecurityGroup", {
        name: `${props.name}-host`,
        description: `CodeConnections host ${props.name}: HTTPS to the GitLab instance only`,
        vpcId: props.vpc.vpcId,
        // No inline rules: the egress rules below are the only ones, and AWS's default
        // allow-all egress rule is removed when Terraform manages the group.
        egress: [],
        ingress: [],
      });
      const port = props.port ?? 443;
      [...props.vpc.instanceCidrs].sort().forEach((cidr) => {
        new VpcSecurityGroupEgressRule(this, `Egress-${cidr}`, {
          securityGroupId: this.securityGroup!.id,
          description: `GitLab instance ${cidr} on ${port}`,
          ipProtocol: "tcp",
          fromPort: port,
          toPort: port,
          cidrIpv4: cidr,
        });
      });
      securityGroupIds = [this.securityGroup.id];
    }
    this.resource = new CodeconnectionsHost(this, "Resource", {
      name: props.name,
      providerEndpoint: props.endpoint,
      providerType: "GitLabSelfManaged",
      vpcConfiguration: props.vpc
        ? [
            {
              vpcId: props.vpc.vpcId,
              subnetIds: [...props.vpc.subnetIds],
              securityGroupIds: securityGroupIds!,
              tlsCertificate: props.vpc.tlsCertificate,
            },
          ]
        : undefined,
      lifecycle: { preventDestroy: true },
    });
    this.arn = this.resource.arn;
  }
}
