/*
 * The CodeConnections connection and, for a self-managed instance, its host: their status in
 * words (what a person must do, and where), and the host's VPC as configured.
 */
import type { Connection, Host } from "@aws-sdk/client-codestar-connections";
import { ExpectedConnection, ExpectedHost } from "./expected";
import { fail, Finding, ok, warn } from "./finding";

const uuid = (arn: string | undefined) => (arn ?? "").split("/").pop() ?? "";

/** The console page of a connection or host (`kind`: connections, hosts). */
export function consoleUrl(region: string, arn: string | undefined, kind: "connections" | "hosts"): string {
  const account = (arn ?? "").split(":")[4] ?? "";
  return `https://${region}.console.aws.amazon.com/codesuite/settings/${account}/${region}/codeconnections/${kind}/${uuid(arn)}`;
}

/** The connections named as configured (ListConnections), judged; more than one is named as drift. */
export function checkConnection(expected: ExpectedConnection, listed: readonly Connection[], region: string, gitlabUrl: string): Finding[] {
  const subject = expected.name;
  const same = listed.filter((c) => c.ConnectionName === expected.name);
  if (same.length === 0) {
    return [
      fail("connection", subject, `no connection named "${subject}" in ${region}`, `apply the shared stack ${expected.stack} (it creates the connection)`, {
        stack: expected.stack,
        url: `https://${region}.console.aws.amazon.com/codesuite/settings/connections?region=${region}`,
      }),
    ];
  }
  const findings: Finding[] = [];
  if (same.length > 1) {
    findings.push(
      warn(
        "drift",
        subject,
        `${same.length} connections are named "${subject}": ${same.map((c) => `${c.ConnectionArn} (${c.ConnectionStatus})`).join(", ")}; the state holds one`,
        "delete the one the shared stack's state does not hold (terraform state show on the connection names its ARN), or import it",
        { stack: expected.stack },
      ),
    );
  }
  const c = same.find((x) => x.ConnectionStatus === "AVAILABLE") ?? same[0];
  const url = consoleUrl(region, c.ConnectionArn, "connections");
  const extra = { stack: expected.stack, url };
  switch (c.ConnectionStatus) {
    case "AVAILABLE":
      findings.push(ok("connection", subject, `AVAILABLE (${c.ConnectionArn})`, extra));
      break;
    case "PENDING":
      findings.push(
        fail(
          "connection",
          subject,
          "PENDING: the handshake with GitLab was never completed, so no pipeline is created and pushes start nothing",
          `open the console page, choose "Update pending connection" and authorize as a GitLab user with the Owner role on the projects (${gitlabUrl}); then apply the stacks again`,
          extra,
        ),
      );
      break;
    case "ERROR":
      findings.push(
        fail(
          "connection",
          subject,
          "ERROR: AWS can no longer use the GitLab authorization (the authorizing user lost access, or the token was revoked)",
          'open the console page, choose "Update pending connection" and authorize again as a GitLab user with the Owner role on the projects',
          extra,
        ),
      );
      break;
    default:
      findings.push(fail("connection", subject, `status ${String(c.ConnectionStatus)}`, "open the console page and see what AWS says", extra));
  }
  return findings;
}

/** What each host status means, and what to do. */
const HOST_STATUS: Record<string, { level: "OK" | "WARN" | "FAIL"; means: string; fix?: string }> = {
  AVAILABLE: { level: "OK", means: "set up" },
  PENDING: {
    level: "FAIL",
    means: "created but not set up: AWS has not yet been given a GitLab token for the instance",
    fix: 'open the console page, choose "Set up host" and enter a personal access token (api scope) of a GitLab administrator',
  },
  VPC_CONFIG_INITIALIZING: {
    level: "WARN",
    means: "AWS is creating the network interfaces in the VPC (this takes a few minutes)",
    fix: "wait a few minutes and run doctor again; then set up the host in the console",
  },
  VPC_CONFIG_FAILED_INITIALIZATION: {
    level: "FAIL",
    means: "AWS could not create the network interfaces in the VPC (subnets, security groups or the VPC's limits)",
    fix: "read the status message, fix the subnets or security groups in gitlab.vpc, then delete the host (terraform apply -replace on it) so it is made again",
  },
  VPC_CONFIG_DELETING: {
    level: "WARN",
    means: "AWS is removing the host's network interfaces",
    fix: "wait until it is gone; apply the shared stack again if the host should exist",
  },
};

export function checkHost(expected: ExpectedHost, hosts: readonly Host[], region: string, stack: string): Finding[] {
  const h = hosts.find((x) => x.Name === expected.name && x.ProviderEndpoint?.replace(/\/+$/, "") === expected.endpoint.replace(/\/+$/, ""));
  const subject = expected.name;
  if (!h) {
    const named = hosts.find((x) => x.Name === expected.name);
    return [
      named
        ? fail(
            "host",
            subject,
            `the host "${subject}" points at ${named.ProviderEndpoint}, not ${expected.endpoint}`,
            "apply the shared stack (the endpoint is force-new)",
            { stack },
          )
        : fail("host", subject, `no host named "${subject}" for ${expected.endpoint} in ${region}`, `apply the shared stack ${stack} (it creates the host)`, {
            stack,
          }),
    ];
  }
  const url = consoleUrl(region, h.HostArn, "hosts");
  const known = HOST_STATUS[h.Status ?? ""];
  const said = h.StatusMessage ? ` (AWS says: ${h.StatusMessage})` : "";
  const findings: Finding[] = [];
  const message = `${h.Status}: ${known?.means ?? "a status this tool does not know"}${said}`;
  if (!known) findings.push(warn("host", subject, message, "open the console page", { stack, url }));
  else if (known.level === "OK") findings.push(ok("host", subject, message, { stack, url }));
  else findings.push({ check: "host", subject, level: known.level, message, fix: known.fix, stack, url });
  findings.push(...checkHostVpc(expected, h, stack));
  return findings;
}

const sameSet = (a: readonly string[], b: readonly string[] | undefined) => [...a].sort().join() === [...(b ?? [])].sort().join();

function checkHostVpc(expected: ExpectedHost, h: Host, stack: string): Finding[] {
  const want = expected.vpc;
  const live = h.VpcConfiguration;
  const subject = `${expected.name} vpc`;
  if (!want)
    return live
      ? [warn("host", subject, `the host is in ${live.VpcId}, but no gitlab.vpc is configured`, "add gitlab.vpc, or re-create the host", { stack })]
      : [];
  if (!live)
    return [
      fail(
        "host",
        subject,
        `the host has no VPC configuration, but gitlab.vpc names ${want.vpcId}`,
        "apply the shared stack (the VPC configuration is force-new)",
        { stack },
      ),
    ];
  const wrong: string[] = [];
  if (live.VpcId !== want.vpcId) wrong.push(`VPC ${live.VpcId} (configured: ${want.vpcId})`);
  if (!sameSet(want.subnetIds, live.SubnetIds)) wrong.push(`subnets ${(live.SubnetIds ?? []).join(", ")} (configured: ${want.subnetIds.join(", ")})`);
  if (want.securityGroupIds.length > 0 && !sameSet(want.securityGroupIds, live.SecurityGroupIds))
    wrong.push(`security groups ${(live.SecurityGroupIds ?? []).join(", ")} (configured: ${want.securityGroupIds.join(", ")})`);
  if (want.tlsCertificate !== undefined && (live.TlsCertificate ?? "").trim() !== want.tlsCertificate.trim())
    wrong.push("a TLS certificate other than the configured one");
  return wrong.length === 0
    ? [
        ok(
          "host",
          subject,
          `${live.VpcId}, subnets ${(live.SubnetIds ?? []).join(", ")}, security groups ${(live.SecurityGroupIds ?? []).join(", ")} as configured`,
          { stack },
        ),
      ]
    : [fail("host", subject, `the host uses ${wrong.join("; ")}`, "apply the shared stack so the host matches gitlab.vpc", { stack })];
}
