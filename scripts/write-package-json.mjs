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

function entry(base, node) {
  return {
    node: {
      import: { types: `./${node}.d.ts`, default: `./${node}.js` },
      require: { types: `./${node}.d.cts`, default: `./${node}.cjs` },
    },
    default: { types: `./${base}.d.ts`, default: `./${base}.js` },
  };
}

const manifest = {
  name: "hcp-kit",
  version: field("version"),
  description:
    "Healthcare Parties in the browser: P-256 keys that never leave the client, spreadsheet import, typed backend client (Rust + WebAssembly)",
  license: field("license"),
  repository: { type: "git", url: field("repository") },
  keywords: ["healthcare", "hcp", "icure", "wasm", "p256", "xlsx"],
  type: "module",
  main: "./node.cjs",
  module: "./hcp_kit.js",
  types: "./hcp_kit.d.ts",
  // Node (and Node-targeting bundles) get an entry that reads the .wasm from
  // disk, as ESM or through `require`; everything else gets the web entry.
  // No top-level `types`: TypeScript picks the declarations of the branch it
  // resolves to (the Node ones make initSync's argument optional).
  exports: {
    ".": entry("hcp_kit", "node"),
    "./import": entry("hcp_kit_import", "node-import"),
    "./dataowner": entry("hcp_kit_dataowner", "node-dataowner"),
    "./worker": {
      node: {
        import: { types: "./worker.d.ts", default: "./worker.js" },
        require: { types: "./worker.d.cts", default: "./worker.cjs" },
      },
      default: { types: "./worker.d.ts", default: "./worker.js" },
    },
    // Plain JavaScript for the page that uses the worker: no .wasm, no init.
    "./import-report": {
      node: {
        import: { types: "./import-report.d.ts", default: "./import-report.js" },
        require: { types: "./import-report.d.cts", default: "./import-report.cjs" },
      },
      default: { types: "./import-report.d.ts", default: "./import-report.js" },
    },
    "./hcp_kit_bg.wasm": "./hcp_kit_bg.wasm",
    "./hcp_kit_import_bg.wasm": "./hcp_kit_import_bg.wasm",
    "./hcp_kit_dataowner_bg.wasm": "./hcp_kit_dataowner_bg.wasm",
    "./templates/hcp-import-template.xlsx": "./templates/hcp-import-template.xlsx",
    "./templates/hcp-import-template.csv": "./templates/hcp-import-template.csv",
    "./package.json": "./package.json",
  },
  // For TypeScript's old `node10` resolution, which ignores `exports`.
  typesVersions: {
    "*": {
      import: ["./hcp_kit_import.d.ts"],
      dataowner: ["./hcp_kit_dataowner.d.ts"],
      worker: ["./worker.d.ts"],
      "import-report": ["./import-report.d.ts"],
    },
  },
  files: [
    ...["hcp_kit", "hcp_kit_import", "hcp_kit_dataowner"].flatMap((b) => [
      `${b}.js`,
      `${b}.d.ts`,
      `${b}_glue.js`,
      `${b}_bg.wasm`,
      `${b}_bg.wasm.d.ts`,
    ]),
    ...["node", "node-import", "node-dataowner"].flatMap((n) => [`${n}.js`, `${n}.d.ts`, `${n}.cjs`, `${n}.d.cts`]),
    "runtime.js",
    "globals.d.ts",
    "worker.js",
    "worker.d.ts",
    "worker.cjs",
    "worker.d.cts",
    "import-report.js",
    "import-report.d.ts",
    "import-report.cjs",
    "import-report.d.cts",
    "snippets/",
    "templates/",
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
// The package has its own README (install, inits, bundlers); the repository's is for the project.
copyFileSync(new URL("js/README.md", root), new URL("README.md", pkg));
for (const f of ["LICENSE-MIT", "LICENSE-APACHE"]) copyFileSync(new URL(f, root), new URL(f, pkg));
console.log(`pkg/package.json: hcp-kit@${manifest.version}`);
