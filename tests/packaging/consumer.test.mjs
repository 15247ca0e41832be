// hcp-kit as an npm consumer gets it: `npm pack` of pkg/, installed from the
// tarball into a scratch project, then the package README's examples run
// verbatim in Node (ESM), plus `require()` and `initSync()`.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { startHcpServer } from "../support/hcp-server.mjs";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
let dir;

const run = (cmd, args, opts = {}) => execFileSync(cmd, args, { encoding: "utf8", ...opts });

before(() => {
  dir = mkdtempSync(join(tmpdir(), "hcp-kit-consumer-"));
  const tarball = run("npm", ["pack", join(ROOT, "pkg"), "--pack-destination", dir, "--silent"]).trim().split("\n").pop();
  writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "consumer", private: true, type: "module" }));
  run("npm", ["install", "--no-audit", "--no-fund", "--offline", join(dir, tarball)], { cwd: dir });
});
after(() => dir && rmSync(dir, { recursive: true, force: true }));

// The examples of the README the package ships (js/README.md), read from the installed package.
function readmeExample(heading = "## Use from JavaScript") {
  const readme = readFileSync(join(dir, "node_modules/hcp-kit/README.md"), "utf8");
  const section = readme.split(heading)[1] ?? "";
  const block = section.match(/```js\n([\s\S]*?)```/);
  assert.ok(block, `README has a js example under '${heading}'`);
  return block[1];
}

test("the README example runs against the installed package", () => {
  const example = readmeExample();
  assert.match(example, /from "hcp-kit"/);
  writeFileSync(join(dir, "readme.mjs"), example);
  const out = run("node", ["readme.mjs"], { cwd: dir }).trim();
  assert.match(out, /^3059301306072a8648ce3d020106082a8648ce3d030107034200[0-9a-f]{130}$/);
});

test("the README's import example runs from hcp-kit/import", () => {
  const example = readmeExample("### Import");
  assert.match(example, /from "hcp-kit\/import"/);
  writeFileSync(join(dir, "import.mjs"), example);
  const out = run("node", ["import.mjs"], { cwd: dir }).trim().split("\n");
  assert.deepEqual(out, [
    "2 ada@example.org +32475123456",
    "3 Required+InvalidEmail+InvalidPhone",
    // A byte-order mark first, so Excel opens the file as UTF-8.
    "\uFEFFRow,First Name,Last Name,Email Address,Country Code,Mobile Phone,Parent Organization ID,Reasons",
  ]);
});

test("the README's backend example runs against the demo server", async () => {
  const example = readmeExample("### Talk to the backend");
  assert.match(example, /from "hcp-kit"/);
  const server = await startHcpServer();
  try {
    // The example names the address `scripts/run.sh` prints; the test server has its own.
    writeFileSync(join(dir, "client.mjs"), example.replaceAll("http://127.0.0.1:8080", server.url));
    const { execFile } = await import("node:child_process");
    const out = await new Promise((resolve, reject) =>
      execFile("node", ["client.mjs"], { cwd: dir, encoding: "utf8" }, (e, stdout, stderr) => (e ? reject(new Error(stderr || e.message)) : resolve(stdout))),
    );
    assert.match(out.trim(), /^[0-9a-f-]{36} 1$/);
  } finally {
    await server.stop();
  }
});

test("the README's data-owner example runs from hcp-kit/dataowner against the demo server", async () => {
  const example = readmeExample("### Data owners: end-to-end encrypted medical data");
  assert.match(example, /from "hcp-kit\/dataowner"/);
  const server = await startHcpServer();
  try {
    writeFileSync(
      join(dir, "owners.mjs"),
      example.replaceAll("http://127.0.0.1:8080", server.url).replaceAll("target/demo/demo-hcp-keypair.json", server.keyFile),
    );
    const { execFile } = await import("node:child_process");
    const out = await new Promise((resolve, reject) =>
      execFile("node", ["owners.mjs"], { cwd: dir, encoding: "utf8" }, (e, stdout, stderr) => (e ? reject(new Error(stderr || e.message)) : resolve(stdout))),
    );
    assert.equal(out.trim(), "fatigue write");
  } finally {
    await server.stop();
  }
});

test("hcp-kit/import-report rebuilds a packed report, from import and from require", () => {
  const script = `
    import initImport, { parseImport, parseImportPacked } from "hcp-kit/import";
    import { reportOf } from "hcp-kit/import-report";
    import { createRequire } from "node:module";
    await initImport();
    const csv = new TextEncoder().encode("First Name,Last Name,Email Address\\nAda,Lovelace,ada@example.org\\nBob,,bob@\\n");
    const packed = parseImportPacked(csv);
    const same = JSON.stringify(reportOf(packed)) === JSON.stringify(parseImport(csv));
    const viaRequire = createRequire(import.meta.url)("hcp-kit/import-report").reportOf === reportOf;
    console.log(JSON.stringify({ same, viaRequire, accepted: reportOf(packed).accepted.map((r) => r.email) }));
  `;
  writeFileSync(join(dir, "packed.mjs"), script);
  const out = JSON.parse(run("node", ["packed.mjs"], { cwd: dir }).trim());
  assert.deepEqual(out, { same: true, viaRequire: true, accepted: ["ada@example.org"] });
});

test("the package ships exactly its files, with an exports map", () => {
  const manifest = JSON.parse(readFileSync(join(dir, "node_modules/hcp-kit/package.json"), "utf8"));
  // Node first (ESM and require, each with its declarations), then the web entry.
  assert.deepEqual(Object.keys(manifest.exports["."]), ["node", "default"]);
  assert.deepEqual(Object.keys(manifest.exports["."].node), ["import", "require"]);
  assert.equal(manifest.types, "./hcp_kit.d.ts");
  const files = run("npm", ["pack", join(ROOT, "pkg"), "--dry-run", "--json"], { cwd: dir });
  const all = JSON.parse(files)[0].files.map((f) => f.path).sort();
  // wasm-bindgen's JS snippets live under a hashed directory: the page
  // iterator (inline), and the import's accepted rows and warm-up files
  // (file modules).
  const snippets = all.filter((n) => n.startsWith("snippets/"));
  assert.equal(snippets.length, 3, JSON.stringify(snippets));
  assert.match(snippets[0], /^snippets\/hcp-kit-[0-9a-f]+\/inline0\.js$/);
  assert.match(snippets[1], /^snippets\/hcp-kit-[0-9a-f]+\/js\/import-report\.js$/);
  assert.match(snippets[2], /^snippets\/hcp-kit-[0-9a-f]+\/js\/snippets\/warm-up\.js$/);
  const names = all.filter((n) => !n.startsWith("snippets/"));
  assert.deepEqual(names, [
    "LICENSE-APACHE",
    "LICENSE-MIT",
    "README.md",
    "globals.d.ts",
    "hcp_kit.d.ts",
    "hcp_kit.js",
    "hcp_kit_bg.wasm",
    "hcp_kit_bg.wasm.d.ts",
    "hcp_kit_dataowner.d.ts",
    "hcp_kit_dataowner.js",
    "hcp_kit_dataowner_bg.wasm",
    "hcp_kit_dataowner_bg.wasm.d.ts",
    "hcp_kit_dataowner_glue.js",
    "hcp_kit_glue.js",
    "hcp_kit_import.d.ts",
    "hcp_kit_import.js",
    "hcp_kit_import_bg.wasm",
    "hcp_kit_import_bg.wasm.d.ts",
    "hcp_kit_import_glue.js",
    "import-report.cjs",
    "import-report.d.cts",
    "import-report.d.ts",
    "import-report.js",
    "node-dataowner.cjs",
    "node-dataowner.d.cts",
    "node-dataowner.d.ts",
    "node-dataowner.js",
    "node-import.cjs",
    "node-import.d.cts",
    "node-import.d.ts",
    "node-import.js",
    "node.cjs",
    "node.d.cts",
    "node.d.ts",
    "node.js",
    "package.json",
    "runtime.js",
    "templates/hcp-import-template.csv",
    "templates/hcp-import-template.xlsx",
    "worker.cjs",
    "worker.d.cts",
    "worker.d.ts",
    "worker.js",
  ]);
});

test("require() and initSync() work from CommonJS", () => {
  const script = `
    const kit = require("hcp-kit");
    kit.initSync();
    const kp = kit.generateKeyPair();
    const file = kp.toJson("hcp-1", { passphrase: "pw" });
    const back = kit.loadKeyPair(file, "pw");
    console.log(JSON.stringify({ same: back.publicKeyHex === kp.publicKeyHex, version: kit.version() }));
  `;
  writeFileSync(join(dir, "cjs.cjs"), script);
  const out = JSON.parse(run("node", ["cjs.cjs"], { cwd: dir }));
  assert.deepEqual(out, { same: true, version: JSON.parse(readFileSync(join(ROOT, "pkg/package.json"))).version });
});
