import { createHash } from "node:crypto";

/**
 * A deterministic AWS name of at most `max` characters: `${base}-${suffix}` when it fits,
 * otherwise the base is cut and an 8-character hash of the full name keeps it unique.
 */
export function awsName(base: string, suffix: string, max: number): string {
  const full = suffix ? `${base}-${suffix}` : base;
  if (full.length <= max) return full;
  const hash = createHash("sha256").update(full).digest("hex").slice(0, 8);
  const room = max - hash.length - (suffix ? suffix.length + 2 : 1);
  return [base.slice(0, room).replace(/[-_.]+$/, ""), hash, suffix].filter(Boolean).join("-");
}
