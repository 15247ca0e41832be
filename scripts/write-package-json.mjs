// Writes pkg/package.json from the template in PACKAGING.md: wasm-pack's own
// manifest has no `exports` map, and adding one later would be a breaking change.
import { readFileSync, writeFileSync, copyFileSync } from "node:fs";

const root = new URL("../", import.meta.url);
const cargo = readFileSync(new URL("Cargo.toml", root), "utf8");
const field = (name) => {
  const m = cargo.match(new RegExp(`^\\[workspace\\.package\\][^\\[]*?^${name}\\s*=\\s*"([^"]+)"`, "ms"));
  if (!m) throw new Error(`Cargo.toml: [workspace.package] ${name} not found`);
  return m[1];
};

const manifest = {
  name: "hcp-kit",
  version: field("version"),
  description:
    "Healthcare Parties in the browser: P-256 keys that never leave the client, spreadsheet import, typed backend client (Rust + WebAssembly)",
  license: field("license"),
  repository: { type: "git", url: field("repository") },
  keywords: ["healthcare", "hcp", "icure", "wasm", "p256", "xlsx"],
  type: "module",
  main: "./hcp_kit.js",
  module: "./hcp_kit.js",
  types: "./hcp_kit.d.ts",
  exports: {
    ".": { types: "./hcp_kit.d.ts", node: "./node.js", default: "./hcp_kit.js" },
    "./import": { types: "./hcp_kit_import.d.ts", node: "./node-import.js", default: "./hcp_kit_import.js" },
    "./dataowner": { types: "./hcp_kit_dataowner.d.ts", node: "./node-dataowner.js", default: "./hcp_kit_dataowner.js" },
    "./worker": { types: "./worker.d.ts", default: "./worker.js" },
    "./hcp_kit_bg.wasm": "./hcp_kit_bg.wasm",
    "./hcp_kit_import_bg.wasm": "./hcp_kit_import_bg.wasm",
    "./hcp_kit_dataowner_bg.wasm": "./hcp_kit_dataowner_bg.wasm",
    "./package.json": "./package.json",
  },
  files: [
    "hcp_kit.js",
    "hcp_kit.d.ts",
    "hcp_kit_bg.wasm",
    "hcp_kit_bg.wasm.d.ts",
    "node.js",
    "hcp_kit_import.js",
    "hcp_kit_import.d.ts",
    "hcp_kit_import_bg.wasm",
    "hcp_kit_import_bg.wasm.d.ts",
    "node-import.js",
    "hcp_kit_dataowner.js",
    "hcp_kit_dataowner.d.ts",
    "hcp_kit_dataowner_bg.wasm",
    "hcp_kit_dataowner_bg.wasm.d.ts",
    "node-dataowner.js",
    "worker.js",
    "worker.d.ts",
    "snippets/",
    "README.md",
    "LICENSE-MIT",
    "LICENSE-APACHE",
  ],
  // Without worker.js here a bundler drops `import "hcp-kit/worker"`.
  sideEffects: ["./worker.js", "./snippets/*"],
  engines: { node: ">=20.19" },
};

const pkg = new URL("pkg/", root);
writeFileSync(new URL("package.json", pkg), JSON.stringify(manifest, null, 2) + "\n");
for (const f of ["README.md", "LICENSE-MIT", "LICENSE-APACHE"]) copyFileSync(new URL(f, root), new URL(f, pkg));
copyFileSync(new URL("js/node.js", root), new URL("node.js", pkg));
console.log(`pkg/package.json: hcp-kit@${manifest.version}`);
