import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stringify } from "yaml";
import { checkCertificate } from "../../config/certificate";
import { parseConfig } from "../../config/load";
import { makeCertificate } from "../certs";
import { problems, rawConfig } from "../helpers";

const HOST = "gitlab.internal.acme.example";
const DAY = 24 * 60 * 60 * 1000;
const vpc = { vpcId: "vpc-0a1b2c3d4e5f60718", subnetIds: ["subnet-0a1b2c3d4e5f60719"], instanceCidrs: ["10.20.5.10/32"] };
const selfManaged = (gitlab: Record<string, unknown>) => rawConfig({ gitlab: { kind: "self-managed", url: `https://${HOST}`, ...gitlab } });

describe("self-managed instance URL and VPC", () => {
  test.each([
    [
      "http://gitlab.example.com",
      /^gitlab\.url: "http:\/\/gitlab\.example\.com" uses http; CodeConnections hosts need https: write "https:\/\/gitlab\.example\.com"$/,
    ],
    [
      "https://gitlab.example.com/gitlab",
      /^gitlab\.url: "https:\/\/gitlab\.example\.com\/gitlab" has a path, query or fragment; the host takes the instance root only: write "https:\/\/gitlab\.example\.com"$/,
    ],
    ["https://gitlab.example.com/", /^gitlab\.url: "https:\/\/gitlab\.example\.com\/" ends with "\/"; write "https:\/\/gitlab\.example\.com"$/],
    ["gitlab.example.com", /^gitlab\.url: "gitlab\.example\.com" is not a URL; write it as "https:\/\/gitlab\.example\.com"$/],
    ["https://user:pw@gitlab.example.com", /^gitlab\.url: .* contains credentials; remove them/],
  ])("refuses %s", (url, expected) => {
    const found = problems(rawConfig({ gitlab: { kind: "self-managed", url } }));
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(expected);
  });

  test("accepts a port", () => {
    expect(problems(rawConfig({ gitlab: { kind: "self-managed", url: "https://gitlab.example.com:8443" } }))).toEqual([]);
  });

  test("needs the URL for self-managed and Dedicated", () => {
    expect(problems(rawConfig({ gitlab: { kind: "dedicated" } }))).toEqual([
      'gitlab.url: is required with kind: dedicated; write the instance URL as "https://gitlab.example.com"',
    ]);
  });

  test("GitLab.com takes no other URL and no VPC", () => {
    expect(problems(rawConfig({ gitlab: { url: "https://gitlab.acme.example" } }))).toEqual([
      'gitlab.url: "https://gitlab.acme.example" is not GitLab.com; set kind: self-managed for your own instance',
    ]);
    expect(problems(rawConfig({ gitlab: { vpc } }))).toEqual(["gitlab.vpc: applies to self-managed instances only; set kind: self-managed, or remove vpc"]);
  });

  test("a VPC without subnets is refused", () => {
    expect(problems(selfManaged({ vpc: { ...vpc, subnetIds: [] } }))).toEqual([
      "gitlab.vpc.subnetIds: needs at least one subnet; list the subnets the host may use (got a list ([])); correct the value",
    ]);
  });

  test("malformed ids and CIDRs name the field and the form", () => {
    expect(problems(selfManaged({ vpc: { ...vpc, vpcId: "vpc-123", instanceCidrs: ["10.0.0.300/32"] } }))).toEqual([
      'gitlab.vpc.vpcId: "vpc-123" is not a vpc id; write it as "vpc-" followed by 8 or 17 hex digits',
      'gitlab.vpc.instanceCidrs[0]: "10.0.0.300/32" is not an IPv4 CIDR; write the instance\'s address as "10.0.5.10/32"',
    ]);
  });

  test("without security groups, the instance addresses are required", () => {
    expect(problems(selfManaged({ vpc: { vpcId: vpc.vpcId, subnetIds: vpc.subnetIds } }))).toEqual([
      "gitlab.vpc.instanceCidrs: is required when securityGroupIds is not given: the security group this tool creates allows egress to these addresses only",
    ]);
  });
});

describe("the host's TLS certificate", () => {
  const dir = mkdtempSync(join(tmpdir(), "delivery-certs-"));
  const withFile = (name: string, pem: string) => {
    writeFileSync(join(dir, name), pem);
    return (raw: Record<string, unknown>) => {
      try {
        // The real clock: these certificates were made a moment ago.
        return { ok: parseConfig(stringify(raw), join(dir, "delivery.yaml"), new Date()), errors: [] as string[] };
      } catch (e) {
        return {
          ok: undefined,
          errors: (e as Error).message
            .split("\n")
            .slice(1)
            .map((l) => l.trim()),
        };
      }
    };
  };
  const config = (file: string) => selfManaged({ vpc: { ...vpc, tlsCertificateFile: file } });

  test("a CA certificate read from a file relative to the config is kept for the host", () => {
    const pem = makeCertificate({ commonName: "Acme Internal CA", ca: true, days: 3650 });
    const r = withFile("ca.pem", pem)(config("ca.pem"));
    expect(r.errors).toEqual([]);
    expect(r.ok!.config.gitlab.vpc!.tlsCertificate).toBe(pem);
    expect(r.ok!.warnings).toEqual([]);
  });

  test("a leaf certificate for the instance host is accepted", () => {
    const pem = makeCertificate({ commonName: HOST, dnsNames: [HOST] });
    expect(checkCertificate(pem, HOST, new Date())).toEqual({ errors: [], warnings: [] });
  });

  test("a certificate for another host (and not a CA) is refused", () => {
    const r = withFile("other.pem", makeCertificate({ commonName: "other.example", dnsNames: ["other.example"] }))(config("other.pem"));
    expect(r.errors).toEqual([
      `gitlab.vpc.tlsCertificateFile: "other.pem": no certificate in it covers the host "${HOST}" or is a CA; give the instance's certificate or its CA`,
    ]);
  });

  test("an expired certificate is refused, and one expiring within 30 days warned about", () => {
    const pem = makeCertificate({ commonName: "Acme Internal CA", ca: true, days: 10 });
    const later = new Date(Date.now() + 20 * DAY);
    const [expired] = checkCertificate(pem, HOST, later).errors;
    expect(expired).toMatch(/^the certificate "CN=Acme Internal CA" expired on \d{4}-\d{2}-\d{2}; renew it$/);
    const soon = checkCertificate(pem, HOST, new Date());
    expect(soon.errors).toEqual([]);
    expect(soon.warnings[0]).toMatch(/^the certificate "CN=Acme Internal CA" expires on \d{4}-\d{2}-\d{2}, in under 30 days; plan its renewal$/);
  });

  test("a file that is not PEM is refused", () => {
    const r = withFile("junk.pem", "this is not a certificate\n")(config("junk.pem"));
    expect(r.errors).toEqual([
      'gitlab.vpc.tlsCertificateFile: "junk.pem": holds no PEM certificate (-----BEGIN CERTIFICATE-----); export the certificate in PEM form',
    ]);
  });

  test("a PEM block that does not parse is refused", () => {
    const bad = "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n";
    expect(checkCertificate(bad, HOST, new Date()).errors).toContain("certificate 1 does not parse; export it again in PEM form");
  });

  test("over AWS's 16,384 characters is refused", () => {
    const pem = makeCertificate({ commonName: "Acme Internal CA", ca: true });
    const big = Array.from({ length: Math.ceil(16_385 / pem.length) }, () => pem).join("");
    expect(checkCertificate(big, HOST, new Date()).errors[0]).toBe(
      `is ${big.length} characters, over the 16384 AWS accepts; keep only the leaf and the CA that signed it`,
    );
  });

  test("a missing file says the path is relative to the config", () => {
    const r = withFile("x.pem", "")(config("missing.pem"));
    expect(r.errors[0]).toMatch(
      /^gitlab\.vpc\.tlsCertificateFile: "missing\.pem" cannot be read \(ENOENT at .*missing\.pem\); the path is relative to the config file$/,
    );
  });
});

describe("one instance, one host per VPC", () => {
  test("two hosts in one VPC are refused with the AWS rule and the fix", () => {
    const vpc2 = { vpcId: "vpc-0a1b2c3d4e5f60718", subnetIds: ["subnet-0a1b2c3d4e5f60719"], instanceCidrs: ["10.0.0.1/32"] };
    expect(
      problems(
        rawConfig({
          gitlab: [
            { kind: "self-managed", url: "https://gitlab-a.acme.example", vpc: vpc2 },
            { kind: "self-managed", url: "https://gitlab-b.acme.example", vpc: vpc2 },
          ],
        }),
      ),
    ).toEqual([
      'gitlab: lists 2 GitLab instances, two of them in the VPC "vpc-0a1b2c3d4e5f60718", but AWS allows one CodeConnections host per VPC; a config serves one instance (one host and connection shared by all its projects): write gitlab as a mapping, and use one config file per instance, each in its own VPC',
    ]);
  });

  test("several instances in one config are refused too, with the same fix", () => {
    expect(problems(rawConfig({ gitlab: [{ kind: "gitlab.com" }, { kind: "self-managed", url: "https://gitlab.acme.example" }] }))[0]).toMatch(
      /^gitlab: lists 2 GitLab instances; a config serves one instance/,
    );
  });
});
