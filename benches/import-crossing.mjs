// What the import report's crossing into JavaScript costs, from a bench-only
// build of the import module: as shipped (the accepted rows as columns that a
// JS loop turns into objects, the rejected ones as JSON, in pieces of 4,096
// rows) against serde-wasm-bindgen building each object through the bindings, on
// the LibreOffice-written 100,000-row file. (The comparison with SheetJS and
// Papa Parse is benches/import.mjs.) Prints; asserts nothing.
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { startServer } from "../scripts/serve.mjs";
import { launchBrowser, ROOT } from "../tests/e2e/harness.mjs";

const RUNS = Number(process.env.BENCH_IMPORT_RUNS ?? 5);
execFileSync("bash", [join(ROOT, "benches/make-100k.sh")], { encoding: "utf8" });

// The import module plus parseImportObjects (`--features bench`), same settings
// as scripts/build.sh but no wasm-opt: both crossings run from this one module.
const TARGET = process.env.CARGO_TARGET_DIR ?? join(ROOT, "target");
const benchPkg = join(TARGET, "pkg-bench");
execFileSync(
  "wasm-pack",
  ["build", "--target", "web", "--release", "--mode", "no-install", "--out-dir", benchPkg, "--out-name", "hcp_kit_bench", "--no-pack",
    "--", "--no-default-features", "--features", "bench", "--config", "profile.release.opt-level=3"],
  { cwd: ROOT, stdio: ["ignore", "ignore", "inherit"] },
);

const server = await startServer({
  pkgDir: join(ROOT, "pkg"),
  mounts: [
    ["/pkg-bench/", benchPkg],
    // Where make-100k.sh wrote the files.
    ["/bench/", join(TARGET, "bench")],
  ],
});


const PARSERS = {
  // Not timed as a parser: the crossing measurement below uses its two exports.
  "hcp-kit bench build": {
    setup: `window.__kit = await import("/pkg-bench/hcp_kit_bench.js"); await window.__kit.default();`,
  },
};

async function open(name) {
  const browser = await launchBrowser();
  const page = await browser.newPage();
  await page.goto(`${server.url}bench/`);
  await page.evaluate(`(async () => {
    ${PARSERS[name].setup}
    window.__bytes = new Uint8Array(await (await fetch("/bench/hcp-100k.xlsx")).arrayBuffer());
  })()`);
  return { browser, page };
}

/** Both crossings in one page, interleaved, best of RUNS each. */
async function crossing() {
  const { browser, page } = await open("hcp-kit bench build");
  try {
    return await page.evaluate(`(() => {
      const kit = window.__kit, bytes = window.__bytes;
      const time = (f) => { const t = performance.now(); const r = f(); return [performance.now() - t, r]; };
      const best = { json: Infinity, objects: Infinity, parse: Infinity };
      for (let i = 0; i < ${RUNS} + 1; i++) {
        const [j, report] = time(() => kit.parseImport(bytes));
        const [o] = time(() => kit.parseImportObjects(bytes));
        const text = JSON.stringify(report);
        const [p] = time(() => JSON.parse(text));
        if (i === 0) continue; // warm-up
        best.json = Math.min(best.json, j); best.objects = Math.min(best.objects, o); best.parse = Math.min(best.parse, p);
        best.mb = text.length / 1e6;
      }
      return best;
    })()`);
  } finally {
    await browser.close();
  }
}

try {
  const x = await crossing();
  console.log(`import report crossing into JS (bench build, 100,000 rows, best of ${RUNS}): as shipped (columns) ${x.json.toFixed(0)} ms in all; JSON.parse of the whole ${x.mb.toFixed(1)} MB report as JSON alone would take ${x.parse.toFixed(0)} ms;`);
  console.log(`  serde-wasm-bindgen objects ${x.objects.toFixed(0)} ms in all: the shipped crossing is ${(x.objects / x.json).toFixed(2)}x faster overall`);
} finally {
  await server.close();
}
