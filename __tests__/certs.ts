import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
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

/** A CA and a leaf certificate it signed for `dnsName` (PEM), as a private CA issues them. */
export function makeCaSignedLeaf(dnsName: string): { ca: string; leaf: string; leafKey: string } {
  const dir = mkdtempSync(join(tmpdir(), "cert-"));
  const f = (n: string) => join(dir, n);
  const ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];
  try {
    execFileSync(
      "openssl",
      [
        "req",
        "-x509",
        ...ec,
        "-keyout",
        f("ca.key"),
        "-out",
        f("ca.pem"),
        "-days",
        "365",
        "-subj",
        "/CN=Test Private CA",
        "-addext",
        "basicConstraints=critical,CA:TRUE",
      ],
      { stdio: "pipe" },
    );
    execFileSync("openssl", ["req", "-new", ...ec, "-keyout", f("leaf.key"), "-out", f("leaf.csr"), "-subj", `/CN=${dnsName}`], { stdio: "pipe" });
    writeFileSync(f("ext"), `subjectAltName=DNS:${dnsName}\nbasicConstraints=critical,CA:FALSE\n`);
    execFileSync(
      "openssl",
      [
        "x509",
        "-req",
        "-in",
        f("leaf.csr"),
        "-CA",
        f("ca.pem"),
        "-CAkey",
        f("ca.key"),
        "-CAcreateserial",
        "-out",
        f("leaf.pem"),
        "-days",
        "200",
        "-extfile",
        f("ext"),
      ],
      { stdio: "pipe" },
    );
    return { ca: readFileSync(f("ca.pem"), "utf8"), leaf: readFileSync(f("leaf.pem"), "utf8"), leafKey: readFileSync(f("leaf.key"), "utf8") };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
