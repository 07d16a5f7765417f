import { X509Certificate } from "node:crypto";

/** AWS limit on vpc_configuration.tls_certificate. */
export const MAX_CERTIFICATE_CHARS = 16_384;
const DAY_MS = 24 * 60 * 60 * 1000;

export interface CertificateCheck {
  readonly errors: string[];
  readonly warnings: string[];
}

/**
 * Checks the PEM a host will trust for the instance: every certificate parses and is valid
 * today, one covers the instance host name or is a CA, and the whole fits AWS's limit.
 * Messages start with what is wrong; the caller prefixes the field path.
 */
export function checkCertificate(pem: string, hostname: string, now: Date): CertificateCheck {
  const errors: string[] = [];
  const warnings: string[] = [];
  if (pem.length > MAX_CERTIFICATE_CHARS) {
    errors.push(`is ${pem.length} characters, over the ${MAX_CERTIFICATE_CHARS} AWS accepts; keep only the leaf and the CA that signed it`);
  }
  const blocks = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  if (blocks.length === 0) {
    errors.push("holds no PEM certificate (-----BEGIN CERTIFICATE-----); export the certificate in PEM form");
    return { errors, warnings };
  }
  const certs: X509Certificate[] = [];
  blocks.forEach((block, i) => {
    try {
      certs.push(new X509Certificate(block));
    } catch {
      errors.push(`certificate ${i + 1} does not parse; export it again in PEM form`);
    }
  });
  for (const cert of certs) {
    const subject = cert.subject.replace(/\n/g, ", ");
    const notAfter = new Date(cert.validTo);
    if (notAfter.getTime() <= now.getTime()) {
      errors.push(`the certificate "${subject}" expired on ${notAfter.toISOString().slice(0, 10)}; renew it`);
    } else if (notAfter.getTime() - now.getTime() < 30 * DAY_MS) {
      warnings.push(`the certificate "${subject}" expires on ${notAfter.toISOString().slice(0, 10)}, in under 30 days; plan its renewal`);
    }
    if (new Date(cert.validFrom).getTime() > now.getTime()) {
      errors.push(`the certificate "${subject}" is not valid before ${new Date(cert.validFrom).toISOString().slice(0, 10)}`);
    }
  }
  if (certs.length > 0 && !certs.some((c) => c.ca || c.checkHost(hostname) !== undefined)) {
    errors.push(`no certificate in it covers the host "${hostname}" or is a CA; give the instance's certificate or its CA`);
  }
  return { errors, warnings };
}
