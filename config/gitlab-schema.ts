import { z } from "zod";
import { instanceUrlProblem } from "./instance-url";
import { show } from "./show";

/* The GitLab instance: GitLab.com, or a self-managed one (in a VPC AWS reaches through a host). */

const awsId = (prefix: string) =>
  z.string().superRefine((value, ctx) => {
    if (!new RegExp(`^${prefix}-[0-9a-f]{8}(?:[0-9a-f]{9})?$`).test(value)) {
      ctx.addIssue({ code: "custom", message: `${show(value)} is not a ${prefix} id; write it as "${prefix}-" followed by 8 or 17 hex digits` });
    }
  });

const cidr = z.string().superRefine((value, ctx) => {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(value);
  if (!m || m.slice(1, 5).some((o) => Number(o) > 255) || Number(m[5]) > 32) {
    ctx.addIssue({ code: "custom", message: `${show(value)} is not an IPv4 CIDR; write the instance's address as "10.0.5.10/32"` });
  }
});

/** Where a self-managed instance sits in a VPC that AWS reaches through the host. */
const vpc = z
  .strictObject({
    vpcId: awsId("vpc"),
    subnetIds: z.array(awsId("subnet")).min(1, "needs at least one subnet; list the subnets the host may use").max(16),
    securityGroupIds: z
      .array(awsId("sg"))
      .min(1)
      .max(16)
      .optional()
      .describe("Security groups of the host; default: one created with egress to instanceCidrs on the instance's port only"),
    instanceCidrs: z.array(cidr).min(1).max(16).optional().describe("Addresses of the GitLab instance, for the security group this tool creates"),
    tlsCertificateFile: z.string().min(1).optional().describe("PEM file (relative to this config file): the instance's certificate, or the CA that signed it"),
    tlsCertificate: z.string().min(1).optional().describe("The same PEM, inline"),
  })
  .superRefine((v, ctx) => {
    if (!v.securityGroupIds && !v.instanceCidrs) {
      ctx.addIssue({
        code: "custom",
        path: ["instanceCidrs"],
        message: "is required when securityGroupIds is not given: the security group this tool creates allows egress to these addresses only",
      });
    }
    if (v.tlsCertificateFile && v.tlsCertificate) {
      ctx.addIssue({ code: "custom", path: ["tlsCertificate"], message: "is given twice (tlsCertificateFile and tlsCertificate); keep one" });
    }
  });

export const gitlabSchema = z
  .strictObject({
    kind: z
      .enum(["gitlab.com", "self-managed", "dedicated"])
      .default("gitlab.com")
      .describe("dedicated is treated as self-managed at its own URL (no AWS document names GitLab Dedicated)"),
    url: z.string().optional().describe("https://host[:port] of a self-managed or Dedicated instance, without a path"),
    vpc: vpc.optional(),
  })
  .superRefine((g, ctx) => {
    if (g.kind === "gitlab.com") {
      if (g.url !== undefined && g.url.replace(/\/+$/, "") !== "https://gitlab.com") {
        ctx.addIssue({ code: "custom", path: ["url"], message: `${show(g.url)} is not GitLab.com; set kind: self-managed for your own instance` });
      }
      if (g.vpc) ctx.addIssue({ code: "custom", path: ["vpc"], message: "applies to self-managed instances only; set kind: self-managed, or remove vpc" });
      return;
    }
    if (g.url === undefined) {
      ctx.addIssue({ code: "custom", path: ["url"], message: `is required with kind: ${g.kind}; write the instance URL as "https://gitlab.example.com"` });
      return;
    }
    const problem = instanceUrlProblem(g.url);
    if (problem) ctx.addIssue({ code: "custom", path: ["url"], message: `${show(g.url)} ${problem}` });
  });
