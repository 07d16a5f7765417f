/*
 * A self-managed instance's TLS certificate, live: does it name the configured host, is it
 * in date, and does the configured certificate (the leaf, or the CA that signed it) match
 * what AWS's host will be shown? The reading is node:tls; the judging is a pure function.
 */
import { X509Certificate } from "node:crypto";
import { connect } from "node:tls";
import { Answer, daysUntil, fail, Finding, ok, warn } from "./finding";
import { EXPIRY_WARNING_DAYS } from "./gitlab";

export interface LiveTls {
  /** The chain the server sent, leaf first, PEM. */
  readonly chain: readonly string[];
  /** Whether the system's CAs trust it (the answer without a configured certificate). */
  readonly authorized: boolean;
  readonly authorizationError?: string;
}

const PEM = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

export function checkTls(instanceUrl: string, configuredPem: string | undefined, live: Answer<LiveTls>, now: Date, stack?: string): Finding[] {
  const { hostname } = new URL(instanceUrl);
  const subject = hostname;
  const extra = { stack };
  if (!live.ok) return [fail("tls", subject, live.error, `check that ${instanceUrl} answers from where doctor runs`, extra)];
  const chain = live.value.chain.map((p) => new X509Certificate(p));
  const leaf = chain[0];
  if (!leaf) return [fail("tls", subject, "the server sent no certificate", "configure TLS on the instance", extra)];
  const findings: Finding[] = [];
  if (!leaf.checkHost(hostname))
    findings.push(
      fail(
        "tls",
        subject,
        `the certificate is for ${leaf.subjectAltName ?? leaf.subject}, not ${hostname}`,
        `give the instance a certificate whose names include ${hostname}, or fix gitlab.url`,
        extra,
      ),
    );
  const days = daysUntil(new Date(leaf.validTo), now);
  if (days < 0)
    findings.push(
      fail("tls", subject, `the certificate expired on ${new Date(leaf.validTo).toISOString().slice(0, 10)}`, "renew the instance's certificate", extra),
    );
  else if (days < EXPIRY_WARNING_DAYS)
    findings.push(warn("tls", subject, `the certificate expires in ${days} days`, "renew the instance's certificate", extra));
  if (configuredPem === undefined) {
    if (!live.value.authorized)
      findings.push(
        fail(
          "tls",
          subject,
          `the certificate is not trusted by public CAs (${live.value.authorizationError ?? "unknown reason"}) and no gitlab.vpc.tlsCertificateFile is configured`,
          "set gitlab.vpc.tlsCertificateFile to the CA that signed it (PEM)",
          extra,
        ),
      );
  } else {
    const configured = (configuredPem.match(PEM) ?? []).map((p) => new X509Certificate(p));
    const matches = configured.some((c) => chain.some((x) => x.fingerprint256 === c.fingerprint256 || (x.checkIssued(c) && x.verify(c.publicKey))));
    if (!matches)
      findings.push(
        fail(
          "tls",
          subject,
          `the configured certificate (${configured.map((c) => c.subject.replace(/\n/g, ", ")).join("; ")}) neither is nor signed the instance's (${leaf.subject.replace(/\n/g, ", ")}, issued by ${leaf.issuer.replace(/\n/g, ", ")})`,
          "export the CA that signed the instance's certificate (openssl s_client -showcerts) into gitlab.vpc.tlsCertificateFile and apply the shared stack",
          extra,
        ),
      );
  }
  if (findings.length === 0)
    findings.push(
      ok(
        "tls",
        subject,
        `certificate for ${hostname}${configuredPem ? " matches the configured one" : " trusted"}, valid until ${new Date(leaf.validTo).toISOString().slice(0, 10)}`,
        extra,
      ),
    );
  return findings;
}

/** The server's chain, read without judging it (rejectUnauthorized: false), within `timeoutMs`. */
export function readTls(instanceUrl: string, timeoutMs: number): Promise<Answer<LiveTls>> {
  const url = new URL(instanceUrl);
  return new Promise((resolve) => {
    const socket = connect({ host: url.hostname, port: Number(url.port || 443), servername: url.hostname, rejectUnauthorized: false });
    const done = (a: Answer<LiveTls>) => {
      socket.destroy();
      resolve(a);
    };
    socket.setTimeout(timeoutMs, () => done({ ok: false, error: `TLS to ${url.host}: no answer in ${timeoutMs} ms` }));
    socket.once("error", (e: NodeJS.ErrnoException) => done({ ok: false, error: `TLS to ${url.host}: ${e.code ?? e.message}` }));
    socket.once("secureConnect", () => {
      const chain: string[] = [];
      const seen = new Set<string>();
      let cert = socket.getPeerCertificate(true);
      while (cert?.raw && !seen.has(cert.fingerprint256)) {
        seen.add(cert.fingerprint256);
        chain.push(new X509Certificate(cert.raw).toString());
        cert = cert.issuerCertificate;
      }
      done({ ok: true, value: { chain, authorized: socket.authorized, authorizationError: socket.authorizationError?.toString() } });
    });
  });
}
