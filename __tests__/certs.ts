import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/**
 * A self-signed certificate made here with openssl (never downloaded). `ca` makes it a CA;
 * `days` sets its lifetime from now.
 */
export function makeCertificate(options: { commonName: string; dnsNames?: string[]; ca?: boolean; days?: number }): string {
  const dir = mkdtempSync(join(tmpdir(), "cert-"));
  try {
    const args = ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];
    args.push("-keyout", join(dir, "key.pem"), "-out", join(dir, "cert.pem"), "-days", String(options.days ?? 365), "-subj", `/CN=${options.commonName}`);
    if (options.ca) args.push("-addext", "basicConstraints=critical,CA:TRUE");
    else args.push("-addext", "basicConstraints=critical,CA:FALSE");
    if (options.dnsNames) args.push("-addext", `subjectAltName=${options.dnsNames.map((d) => `DNS:${d}`).join(",")}`);
    execFileSync("openssl", args, { stdio: "pipe" });
    return readFileSync(join(dir, "cert.pem"), "utf8");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A self-signed certificate and its private key (PEM), for a TLS server in a test. */
export function makeKeyAndCertificate(options: { commonName: string; dnsNames?: string[]; days?: number }): { key: string; cert: string } {
  const dir = mkdtempSync(join(tmpdir(), "cert-"));
  try {
    const args = ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];
    args.push("-keyout", join(dir, "key.pem"), "-out", join(dir, "cert.pem"), "-days", String(options.days ?? 365), "-subj", `/CN=${options.commonName}`);
    args.push("-addext", "basicConstraints=critical,CA:FALSE");
    if (options.dnsNames) args.push("-addext", `subjectAltName=${options.dnsNames.map((d) => `DNS:${d}`).join(",")}`);
    execFileSync("openssl", args, { stdio: "pipe" });
    return { key: readFileSync(join(dir, "key.pem"), "utf8"), cert: readFileSync(join(dir, "cert.pem"), "utf8") };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
