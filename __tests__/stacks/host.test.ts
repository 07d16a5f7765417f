import { CodeconnectionsHost } from "@cdktf/provider-aws/lib/codeconnections-host";
import { GitlabProvider } from "@cdktf/provider-gitlab/lib/provider";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { only, rawConfig, synth } from "../helpers";

const URL = "https://gitlab.internal.acme.example";
const vpc = { vpcId: "vpc-0a1b2c3d4e5f60718", subnetIds: ["subnet-0a1b2c3d4e5f60719", "subnet-0a1b2c3d4e5f6071a"], instanceCidrs: ["10.20.5.10/32"] };

function selfManaged(gitlab: Record<string, unknown> = {}) {
  return synth(rawConfig({ gitlab: { kind: "self-managed", url: URL, vpc, ...gitlab } }));
}

describe("GitlabHost (self-managed GitLab in a VPC)", () => {
  // The example's CA (public part, made here with openssl): valid since 2026-01-01, so the fixed test clock accepts it.
  const ca = readFileSync(join(__dirname, "..", "..", "examples", "certs", "acme-internal-ca.pem"), "utf8");
  const { shared, text } = selfManaged({ vpc: { ...vpc, tlsCertificate: ca } });
  const sg = only(shared.json, "aws_security_group");
  const host = only(shared.json, "aws_codeconnections_host");

  test("the host points at the instance, inside the VPC, with the certificate, and is guarded", () => {
    expect(shared.text).toHaveResourceWithProperties(CodeconnectionsHost, {
      name: "acme-delivery-gitlab",
      provider_endpoint: URL,
      provider_type: "GitLabSelfManaged",
      vpc_configuration: [
        {
          vpc_id: "vpc-0a1b2c3d4e5f60718",
          subnet_ids: ["subnet-0a1b2c3d4e5f60719", "subnet-0a1b2c3d4e5f6071a"],
          security_group_ids: [`\${aws_security_group.${sg.name}.id}`],
          tls_certificate: ca,
        },
      ],
      lifecycle: { prevent_destroy: true },
    });
  });

  test("the created security group allows only HTTPS egress to the instance, and no ingress", () => {
    expect(sg.body).toEqual({
      name: "acme-delivery-gitlab-host",
      description: "CodeConnections host acme-delivery-gitlab: HTTPS to the GitLab instance only",
      vpc_id: "vpc-0a1b2c3d4e5f60718",
      egress: [],
      ingress: [],
    });
    expect(only(shared.json, "aws_vpc_security_group_egress_rule").body).toEqual({
      security_group_id: `\${aws_security_group.${sg.name}.id}`,
      description: "GitLab instance 10.20.5.10/32 on 443",
      ip_protocol: "tcp",
      from_port: 443,
      to_port: 443,
      cidr_ipv4: "10.20.5.10/32",
    });
  });

  test("the connection goes through the host (host_arn, no provider type)", () => {
    const connection = only(shared.json, "aws_codeconnections_connection").body;
    expect(connection.host_arn).toBe(`\${aws_codeconnections_host.${host.name}.arn}`);
    expect(connection.provider_type).toBeUndefined();
  });

  test("outputs say how to finish the host: an api-scope token of an administrator, in the console", () => {
    expect(shared.json.output.host_arn.value).toBe(`\${aws_codeconnections_host.${host.name}.arn}`);
    expect(shared.json.output.host_setup.value).toContain("'Set up host', and enter a GitLab personal access token with the api scope of an administrator");
  });

  test("the GitLab provider talks to the instance; the gate's message starts with the host", () => {
    expect(text).toHaveProviderWithProperties(GitlabProvider, { base_url: `${URL}/api/v4/` });
    const { json } = selfManaged();
    expect(json.check.Connection_handshake.assert[0].error_message).toContain("First set up the host of the GitLab instance");
  });

  test("given security groups are used as they are; none is created", () => {
    const { shared: s } = selfManaged({ vpc: { vpcId: vpc.vpcId, subnetIds: vpc.subnetIds, securityGroupIds: ["sg-0123456789abcdef0"] } });
    expect(s.json.resource.aws_security_group).toBeUndefined();
    expect(only(s.json, "aws_codeconnections_host").body.vpc_configuration[0].security_group_ids).toEqual(["sg-0123456789abcdef0"]);
  });

  test("a port in the URL is the port the security group opens", () => {
    const { shared: s } = synth(rawConfig({ gitlab: { kind: "self-managed", url: "https://gitlab.internal.acme.example:8443", vpc } }));
    expect(only(s.json, "aws_vpc_security_group_egress_rule").body).toMatchObject({ from_port: 8443, to_port: 8443 });
  });

  test("a public self-managed instance (no VPC) gets a host without vpc_configuration; Dedicated is the same", () => {
    for (const kind of ["self-managed", "dedicated"]) {
      const { shared: s } = synth(rawConfig({ gitlab: { kind, url: "https://gitlab.acme.example" } }));
      expect(only(s.json, "aws_codeconnections_host").body).toEqual({
        name: "acme-delivery-gitlab",
        provider_endpoint: "https://gitlab.acme.example",
        provider_type: "GitLabSelfManaged",
        lifecycle: { prevent_destroy: true },
      });
    }
  });
});
