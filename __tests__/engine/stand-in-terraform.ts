import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const root = join(__dirname, "..", "..");

/**
 * A folder for tf-check with a stand-in terraform (a shell script that answers `version` with
 * "Terraform v9.9.9" and runs `commands` for every other command) and an empty provider mirror
 * of hashicorp/aws 5.100.0: the repository's delivery.yaml, checked without the real engine.
 */
export function standInProject(prefix: string, commands: readonly string[]): { dir: string; mirror: string; terraform: string } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const mirror = join(dir, "mirror");
  mkdirSync(join(mirror, "registry.terraform.io", "hashicorp", "aws", "5.100.0"), { recursive: true });
  copyFileSync(join(root, "delivery.yaml"), join(dir, "delivery.yaml"));
  const terraform = join(dir, "terraform");
  writeFileSync(terraform, ["#!/bin/sh", 'case "$1" in version) echo "Terraform v9.9.9"; exit 0;; esac', ...commands].join("\n"));
  chmodSync(terraform, 0o755);
  return { dir, mirror, terraform };
}
