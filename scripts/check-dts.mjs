// The public .d.ts must say what things are: no `any` (wasm-bindgen's
// `InitOutput` table of raw exports is gone: scripts/write-entries.mjs
// replaces the init section), and a TSDoc comment on every exported function
// and class member (interface fields may rely on their interface's comment).
import { readFileSync } from "node:fs";

const file = process.argv[2] ?? "pkg/hcp_kit.d.ts";
const text = readFileSync(file, "utf8");
const problems = [];
text.split("\n").forEach((line, i) => {
  if (/\bany\b/.test(line.replace(/\/\/.*|\*.*$/, ""))) problems.push(`${file}:${i + 1}: any: ${line.trim()}`);
});
// Every declaration we own is preceded by a doc comment.
const lines = text.split("\n");
let inClass = false;
lines.forEach((line, i) => {
  if (/^export /.test(line)) inClass = line.startsWith("export class ");
  const decl = line.match(/^(?:export (?:function|class) (\w+)|    (?:readonly )?(\w+)[(:])/);
  if (!decl || (decl[2] && !inClass)) return;
  const name = decl[1] ?? decl[2];
  if (name === "free" || line.includes("Symbol.dispose")) return;
  if (!lines[i - 1]?.trim().endsWith("*/")) problems.push(`${file}:${i + 1}: no TSDoc on ${name}`);
});
if (problems.length) {
  console.error(problems.join("\n"));
  process.exit(1);
}
console.log(`${file}: typed and documented`);
