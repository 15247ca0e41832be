// Prints raw, gzip -9 and brotli sizes of the wasm module and fails when the
// gzipped size is over the DESIGN.md budget.
import { readFileSync } from "node:fs";
import { gzipSync, brotliCompressSync, constants } from "node:zlib";

const BUDGET_GZ = 250 * 1024;
const file = process.argv[2] ?? "pkg/hcp_kit_bg.wasm";
const bytes = readFileSync(file);
const gz = gzipSync(bytes, { level: 9 }).length;
const br = brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
const over = gz > BUDGET_GZ ? " OVER BUDGET" : "";
console.log(`${file}: raw ${kb(bytes.length)}, gzip -9 ${kb(gz)}, brotli ${kb(br)} (budget ${kb(BUDGET_GZ)} gzipped)${over}`);
if (gz > BUDGET_GZ) {
  console.error(`FAIL: ${kb(gz)} gzipped is over the ${kb(BUDGET_GZ)} budget`);
  process.exit(1);
}
