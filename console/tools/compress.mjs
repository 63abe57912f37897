// After `vite build`: a gzip copy beside each asset (name.gz), which the server sends to
// browsers that accept gzip, so the console's first load is its compressed size.
import { readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { constants, gzipSync } from "node:zlib";

const assets = new URL("../../src/spice/entrypoints/console_dist/assets/", import.meta.url).pathname;
let before = 0;
let after = 0;
for (const name of readdirSync(assets)) {
  if (name.endsWith(".gz")) continue;
  const path = join(assets, name);
  if (statSync(path).size < 1024) continue;
  const body = readFileSync(path);
  const packed = gzipSync(body, { level: constants.Z_BEST_COMPRESSION });
  writeFileSync(`${path}.gz`, packed);
  before += body.length;
  after += packed.length;
}
console.log(`compressed assets: ${(before / 1024).toFixed(0)} KiB -> ${(after / 1024).toFixed(0)} KiB gzip`);
