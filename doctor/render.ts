/* doctor's output: an aligned table for people (colours on a terminal only), JSON for machines. */
import { Finding, Level } from "./finding";

const COLOUR: Record<Level, string> = { OK: "\x1b[32m", WARN: "\x1b[33m", FAIL: "\x1b[31m" };
const RESET = "\x1b[0m";

export function summary(findings: readonly Finding[]): { ok: number; warn: number; fail: number } {
  const count = (l: Level) => findings.filter((f) => f.level === l).length;
  return { ok: count("OK"), warn: count("WARN"), fail: count("FAIL") };
}

/** One row per finding (level, check, subject, message), its fix and page on indented lines below. */
export function renderTable(findings: readonly Finding[], colour: boolean): string {
  const width = (pick: (f: Finding) => string) => Math.max(0, ...findings.map((f) => pick(f).length));
  const wl = Math.max(
    4,
    width((f) => f.level),
  );
  const wc = width((f) => f.check);
  const ws = width((f) => f.subject);
  const lines = findings.flatMap((f) => {
    const level = f.level.padEnd(wl);
    const row = `${colour ? `${COLOUR[f.level]}${level}${RESET}` : level}  ${f.check.padEnd(wc)}  ${f.subject.padEnd(ws)}  ${f.message}`;
    const indent = " ".repeat(wl + 2 + wc + 2 + ws + 2);
    return [row, ...(f.fix ? [`${indent}fix: ${f.fix}`] : []), ...(f.url && f.level !== "OK" ? [`${indent}at:  ${f.url}`] : [])];
  });
  const s = summary(findings);
  lines.push("", `${s.ok} ok, ${s.warn} warning${s.warn === 1 ? "" : "s"}, ${s.fail} failure${s.fail === 1 ? "" : "s"}`);
  return `${lines.join("\n")}\n`;
}

export function renderJson(findings: readonly Finding[], exitCode: number): string {
  return `${JSON.stringify({ summary: summary(findings), exitCode, findings }, null, 2)}\n`;
}
