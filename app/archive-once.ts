import cdktfFs = require("cdktf/lib/private/fs");
import { copyFileSync, existsSync } from "node:fs";
import { resolve } from "node:path";
import { CDKTF_VERSION } from "./resolve-fast-path";
import { withReplaced } from "./replaced-during";
import cdktfPackage = require("cdktf/package.json");

/*
 * cdktf zips an ARCHIVE asset by starting a node process for each one (archiveSync in
 * cdktf 0.21.0 lib/private/fs.js: execSync of `node fs.js <src> <dest>`, about 0.15 s). Every
 * project with commit statuses on GitLab has an asset of the same Lambda code, so 200 such
 * projects took 34 s, 95% of it in those processes. While synthesizing, each folder is zipped
 * once by cdktf and the zip is copied to the other assets of that folder: the same bytes at
 * the same paths (the zip cdktf would make differs only by the time of day; its path holds the
 * hash of the folder, which cdktf computes before synthesis from the files, not the zip).
 *
 * The one function replaced is `archiveSync` of cdktf/lib/private/fs, which terraform-asset.js
 * alone calls (reading it from the module at each call); only around a synthesis and only with
 * the cdktf 0.21.0 this was read against.
 */

type ArchiveSync = (src: string, dest: string) => void;

/** Runs `work` (a synthesis) with each asset folder zipped once, its zip copied for its other assets. */
export function withArchiveOnce<T>(work: () => T): T {
  if (cdktfPackage.version !== CDKTF_VERSION || typeof cdktfFs.archiveSync !== "function") return work();
  const fs = cdktfFs as { archiveSync: ArchiveSync };
  const original = fs.archiveSync;
  const zips = new Map<string, string>();
  const once: ArchiveSync = (src, dest) => {
    const key = resolve(src);
    const zip = zips.get(key);
    if (zip !== undefined && existsSync(zip)) return copyFileSync(zip, dest);
    original(src, dest);
    zips.set(key, dest);
  };
  return withReplaced(fs, "archiveSync", once, work);
}
