// The consumer matrix: the tarball from `npm pack pkg/`, unpacked into one
// shared install of every tool (pinned in this directory's package.json and
// package-lock.json, installed once and cached), and a fresh scratch copy of
// each consumer under .scratch/. Each builds as its README row says and is
// loaded in Chromium (main thread and worker) or run in Node, proving a
// keypair and a small import (1 accepted, 1 rejected).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { createServer } from "node:http";
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { extname, join, normalize, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { launchBrowser } from "../e2e/harness.mjs";

const HERE = fileURLToPath(new URL("./", import.meta.url));
const ROOT = join(HERE, "../../");
const SCRATCH = join(HERE, ".scratch");
const TEMPLATES = join(HERE, "consumers");
const BIN = join(HERE, "node_modules/.bin");
const EXPECTED = { key: 182, import: "1/1" };
const WASMS = ["hcp_kit_bg.wasm", "hcp_kit_import_bg.wasm"];
const timings = [];
let browser;

const run = (cmd, args, opts = {}) =>
  execFileSync(cmd, args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], ...opts });
const bin = (name, args, cwd, env = {}) => run(join(BIN, name), args, { cwd, env: { ...process.env, ...env } });

/** Times a consumer for the closing table (build + check). */
async function timed(name, fn) {
  const start = performance.now();
  try {
    return await fn();
  } finally {
    timings.push([name, (performance.now() - start) / 1000]);
  }
}

/**
 * A fresh copy of a consumer's template (`null`: a consumer that needs no files of its own),
 * with the shared app files in `src`.
 */
function scratch(name, template = name, { src = "src" } = {}) {
  const dir = join(SCRATCH, name);
  rmSync(dir, { recursive: true, force: true });
  if (template === null) mkdirSync(dir, { recursive: true });
  else cpSync(join(TEMPLATES, template), dir, { recursive: true });
  if (src !== null) {
    mkdirSync(join(dir, src), { recursive: true });
    for (const f of ["main.js", "hcp.worker.js"]) {
      if (!existsSync(join(dir, src, f))) cpSync(join(TEMPLATES, "shared", f), join(dir, src, f));
    }
  }
  return dir;
}

const TYPES = { ".html": "text/html", ".js": "text/javascript", ".mjs": "text/javascript", ".wasm": "application/wasm", ".json": "application/json" };

/** A static server on loopback; `mounts` maps URL prefixes to directories. */
function serve(mounts, { csp } = {}) {
  const server = createServer(async (req, res) => {
    const path = decodeURIComponent(new URL(req.url, "http://x").pathname);
    for (const [prefix, dir] of mounts) {
      if (!path.startsWith(prefix)) continue;
      let file = join(dir, normalize(path.slice(prefix.length)));
      if (!file.startsWith(dir)) break;
      try {
        if (statSync(file).isDirectory()) file = join(file, "index.html");
        const body = await readFile(file);
        const headers = { "content-type": TYPES[extname(file)] ?? "application/octet-stream" };
        if (csp) headers["content-security-policy"] = csp;
        res.writeHead(200, headers).end(body);
        return;
      } catch {
        break;
      }
    }
    res.writeHead(404).end("not found");
  });
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () => resolve({ url: `http://127.0.0.1:${server.address().port}/`, close: () => server.close() })),
  );
}

/** Serves `mounts` for the length of `check(url)`. */
async function whileServed(mounts, check, options) {
  const server = await serve(mounts, options);
  try {
    return await check(server.url);
  } finally {
    server.close();
  }
}

async function freePort() {
  const s = createServer();
  await new Promise((r) => s.listen(0, "127.0.0.1", r));
  const { port } = s.address();
  await new Promise((r) => s.close(r));
  return port;
}

/** Starts a long-running tool (dev server, next start) and waits for its URL to answer. */
async function startProcess(cmd, args, cwd, url, env = {}) {
  const child = spawn(cmd, args, { cwd, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"], detached: true });
  let output = "";
  child.stdout.on("data", (d) => (output += d));
  child.stderr.on("data", (d) => (output += d));
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${cmd} exited: ${output}`);
    try {
      const r = await fetch(url);
      if (r.status < 500) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`${cmd} did not answer at ${url}: ${output}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    output: () => output,
    stop: () => {
      try {
        process.kill(-child.pid, "SIGTERM");
      } catch {
        // already gone
      }
    },
  };
}

/** Loads a page and reads what the app wrote into #main and #worker. */
async function inBrowser(url) {
  const page = await browser.newPage();
  const logs = [];
  page.on("console", (m) => logs.push(`${m.type()}: ${m.text()}`));
  page.on("pageerror", (e) => logs.push(`pageerror: ${e.message}`));
  try {
    await page.goto(url);
    await page.waitForFunction(
      () => document.querySelector("#main")?.textContent && document.querySelector("#worker")?.textContent,
      null,
      { timeout: 60_000 },
    );
    const read = async (id) => JSON.parse(await page.locator(id).textContent());
    return { main: await read("#main"), worker: await read("#worker"), logs };
  } catch (e) {
    throw new Error(`${url}: ${e.message}\n${logs.join("\n")}`);
  } finally {
    await page.close();
  }
}

async function assertWorks(url) {
  const { main, worker, logs } = await inBrowser(url);
  assert.deepEqual(main, EXPECTED, logs.join("\n"));
  assert.deepEqual(worker, { import: EXPECTED.import, packed: `${EXPECTED.import} ada@example.org` }, logs.join("\n"));
}

/** The `.wasm` files a build emitted, anywhere under `dir`. */
function wasmFiles(dir) {
  const out = [];
  const walk = (d) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(d, e.name));
      else if (e.name.endsWith(".wasm")) out.push(join(d, e.name).slice(dir.length + 1));
    }
  };
  walk(dir);
  return out.sort();
}

function copyWasm(dir) {
  for (const w of WASMS) cpSync(join(HERE, "node_modules/hcp-kit", w), join(dir, w));
}

before(async () => {
  const started = performance.now();
  // One install of every tool, redone only when the lock file changes.
  const lock = readFileSync(join(HERE, "package-lock.json"));
  const hash = createHash("sha256").update(lock).digest("hex");
  const marker = join(HERE, "node_modules/.hcp-lock-hash");
  if (!existsSync(marker) || readFileSync(marker, "utf8") !== hash) {
    run("npm", ["ci", "--no-audit", "--no-fund"], { cwd: HERE });
    writeFileSync(marker, hash);
  }
  // The package exactly as npm would publish it.
  rmSync(SCRATCH, { recursive: true, force: true });
  mkdirSync(SCRATCH, { recursive: true });
  const tarball = run("npm", ["pack", join(ROOT, "pkg"), "--pack-destination", SCRATCH, "--silent"]).trim().split("\n").pop();
  const installed = join(HERE, "node_modules/hcp-kit");
  rmSync(installed, { recursive: true, force: true });
  mkdirSync(installed, { recursive: true });
  run("tar", ["-xzf", join(SCRATCH, tarball), "-C", installed, "--strip-components=1"]);
  browser = await launchBrowser();
  timings.push(["install + pack", (performance.now() - started) / 1000]);
});

after(async () => {
  await browser?.close();
  const total = timings.reduce((s, [, t]) => s + t, 0);
  console.log(`consumer matrix: ${timings.map(([n, t]) => `${n} ${t.toFixed(1)} s`).join(", ")}; total ${total.toFixed(1)} s`);
});

test("Node ESM: init() reads the .wasm from disk", () =>
  timed("node esm", () => {
    const dir = scratch("node", "node", { src: null });
    assert.deepEqual(JSON.parse(run("node", ["esm.mjs"], { cwd: dir })), EXPECTED);
  }));

test("Node require() (CommonJS): initSync() with no argument", () =>
  timed("node require", () => {
    const dir = scratch("node-require", "node", { src: null });
    assert.deepEqual(JSON.parse(run("node", ["require.cjs"], { cwd: dir })), EXPECTED);
  }));

test("every export before its module's init throws HcpError NotInitialized naming the init and its import path", () => {
  const out = JSON.parse(run("node", ["uninitialised.mjs"], { cwd: scratch("node-uninitialised", "node", { src: null }) }));
  assert.equal(out.length, 6);
  const [key, client, parse, owner, login, lookalikes] = out;
  assert.equal(lookalikes, "false,false,false,false,false", "isHcpError: a string, a plain Error, null, no code, not an Error");
  assert.match(key, /^true NotInitialized hcp-kit: generateKeyPair\(\) .*import init from "hcp-kit"; await init\(\);/);
  assert.match(client, /^true NotInitialized hcp-kit: new HcpClient\(\) .*"hcp-kit"/);
  assert.match(parse, /^true NotInitialized hcp-kit: parseImport\(\) .*import initImport from "hcp-kit\/import"; await initImport\(\);/);
  assert.match(owner, /^rejected: true NotInitialized hcp-kit: DataOwner\.open\(\) .*import initDataOwner from "hcp-kit\/dataowner"/);
  assert.match(login, /^rejected: true NotInitialized hcp-kit: HcpClient\.login\(\) /);
});

test("the Node entry, its .wasm unreadable (what a bundler's rewrite does): HcpError InitFailed naming the fix", () => {
  // A copy of the package without its .wasm files stands for a bundle whose
  // path to them no longer leads anywhere.
  const dir = join(SCRATCH, "node-no-wasm");
  cpSync(join(HERE, "node_modules/hcp-kit"), join(dir, "node_modules/hcp-kit"), { recursive: true });
  for (const w of WASMS) rmSync(join(dir, "node_modules/hcp-kit", w));
  writeFileSync(
    join(dir, "init.mjs"),
    `import init from "hcp-kit";
     try { await init(); console.log("no error"); } catch (e) { console.log(e.name, e.code, e.message); }`,
  );
  const out = run("node", ["init.mjs"], { cwd: dir });
  assert.match(out, /^HcpError InitFailed hcp-kit: "hcp-kit" could not read hcp_kit_bg\.wasm in Node: .*serverExternalPackages: \["hcp-kit"\].*init\(\{ module_or_path: bytes \}\)/);
});

test("vitest (node environment)", () =>
  timed("vitest", () => {
    const dir = scratch("vitest", "vitest", { src: null });
    const out = bin("vitest", ["run", "--root", dir, "--reporter=dot"], dir);
    assert.match(out, /1 passed/);
  }));

test("TypeScript: Node-only (es2022 + @types/node, node16, .mts and .cts), browser without esnext, node10; skipLibCheck false", () =>
  timed("tsc x3", () => {
    for (const t of ["ts-node", "ts-browser", "ts-node10"]) {
      const dir = scratch(t, t, { src: null });
      try {
        bin("tsc", ["-p", join(dir, "tsconfig.json")], dir);
      } catch (e) {
        assert.fail(`${t}: ${e.stdout}${e.stderr}`);
      }
    }
  }));

test("publint --strict and attw (the asset entry points excluded: .wasm, templates) report nothing", () =>
  timed("publint + attw", () => {
    const publint = bin("publint", ["--strict", join(HERE, "node_modules/hcp-kit")], HERE);
    assert.match(publint, /All good!/);
    const tarball = readdirSync(SCRATCH).find((f) => f.endsWith(".tgz"));
    const attw = bin(
      "attw",
      [
        join(SCRATCH, tarball),
        "--format",
        "ascii",
        "--exclude-entrypoints",
        "./hcp_kit_bg.wasm",
        "./hcp_kit_import_bg.wasm",
        "./hcp_kit_dataowner_bg.wasm",
        "./templates/hcp-import-template.xlsx",
        "./templates/hcp-import-template.csv",
      ],
      HERE,
    );
    assert.match(attw, /No problems found/);
  }));

test("Vite build: main thread and worker, one copy of each .wasm", () =>
  timed("vite build", async () => {
    const dir = scratch("vite-build", "vite");
    bin("vite", ["build", "--logLevel", "warn"], dir);
    const wasm = wasmFiles(join(dir, "dist"));
    for (const w of WASMS) {
      const stem = w.replace(".wasm", "");
      assert.equal(wasm.filter((f) => f.includes(stem)).length, 1, `${w} once in ${wasm}`);
    }
    await whileServed([["/", join(dir, "dist")]], assertWorks);
  }));

test("Vite dev server", () =>
  timed("vite dev", async () => {
    const dir = scratch("vite-dev", "vite");
    const port = await freePort();
    const url = `http://127.0.0.1:${port}/`;
    // --force: Vite keeps its pre-bundled dependencies in the shared
    // node_modules/.vite, keyed by the lock file, so a rebuilt tarball of the
    // same version would meet the last run's glue with the new .wasm.
    const vite = await startProcess(join(BIN, "vite"), ["--host", "127.0.0.1", "--port", String(port), "--strictPort", "--force"], dir, url);
    try {
      await assertWorks(url);
    } finally {
      vite.stop();
    }
  }));

test("webpack 5 (production, no wasm settings)", () =>
  timed("webpack", async () => {
    const dir = scratch("webpack", "webpack");
    bin("webpack", ["--config", "webpack.config.js"], dir);
    cpSync(join(TEMPLATES, "shared/index.html"), join(dir, "dist/index.html"));
    await whileServed([["/", join(dir, "dist")]], assertWorks);
  }));

test("esbuild: without the copy step init() fails with InitFailed naming it; with it, it works", () =>
  timed("esbuild", async () => {
    const dir = scratch("esbuild", null);
    const dist = join(dir, "dist");
    bin("esbuild", ["src/main.js", "src/hcp.worker.js", "--bundle", "--format=esm", "--outdir=dist", "--log-level=warning"], dir);
    cpSync(join(TEMPLATES, "shared/index.html"), join(dist, "index.html"));
    await whileServed([["/", dist]], async (url) => {
      const { main, worker } = await inBrowser(url);
      assert.match(main.error, /^InitFailed: hcp-kit: "hcp-kit(\/import)?" could not load hcp_kit(_import)?_bg\.wasm: .*copy node_modules\/hcp-kit\/hcp_kit(_import)?_bg\.wasm next to your bundle/);
      assert.match(worker.error, /^InitFailed: .*hcp_kit_import_bg\.wasm/);
      copyWasm(dist);
      await assertWorks(url);
    });
  }));

test("Rollup (node-resolve; worker as a second input; .wasm copied)", () =>
  timed("rollup", async () => {
    const dir = scratch("rollup", "rollup");
    bin("rollup", ["-c", "--silent"], dir);
    const dist = join(dir, "dist");
    copyWasm(dist);
    cpSync(join(TEMPLATES, "shared/index.html"), join(dist, "index.html"));
    await whileServed([["/", dist]], assertWorks);
  }));

test("a plain page (import map, no tools), and its CSP: 'wasm-unsafe-eval' needed, a clear error without it", () =>
  timed("plain page + CSP", async () => {
    const dir = scratch("plain", "plain", { src: "." });
    const mounts = [
      ["/node_modules/", join(HERE, "node_modules")],
      ["/", dir],
    ];
    const csp = (script) => `default-src 'self'; script-src 'self' 'sha256-${importMapHash(dir)}' ${script}; worker-src 'self'; connect-src 'self'`;
    await whileServed(mounts, assertWorks, { csp: csp("'wasm-unsafe-eval'") });
    await whileServed(
      mounts,
      async (url) => {
        const { main, worker } = await inBrowser(url);
        assert.match(main.error, /^InitFailed: .*'wasm-unsafe-eval'/);
        assert.match(worker.error, /^InitFailed: .*'wasm-unsafe-eval'/);
      },
      { csp: csp("") },
    );
  }));

/** The CSP hash of the page's inline import map. */
function importMapHash(dir) {
  const html = readFileSync(join(dir, "index.html"), "utf8");
  const map = html.match(/<script type="importmap">([\s\S]*?)<\/script>/)[1];
  return createHash("sha256").update(map).digest("base64");
}

for (const [bundler, flags] of [
  ["Turbopack", []],
  ["webpack", ["--webpack"]],
]) {
  test(`Next.js (${bundler}, serverExternalPackages): client component with the worker, server component, route handler`, () =>
    timed(`next ${bundler}`, async () => {
      const dir = scratch(`next-${bundler.toLowerCase()}`, "next", { src: null });
      const env = { HCP_NEXT_ROOT: HERE, NEXT_TELEMETRY_DISABLED: "1" };
      bin("next", ["build", ...flags], dir, env);
      const port = await freePort();
      const url = `http://127.0.0.1:${port}/`;
      const next = await startProcess(join(BIN, "next"), ["start", "-H", "127.0.0.1", "-p", String(port)], dir, url, env);
      try {
        const page = await fetch(url);
        assert.equal(page.status, 200, "the client component's page renders on the server");
        const server = await (await fetch(`${url}server`)).text();
        assert.ok(server.includes(JSON.stringify(EXPECTED).replaceAll('"', "&quot;")) || server.includes(JSON.stringify(EXPECTED)), server.slice(0, 2000));
        assert.deepEqual(await (await fetch(`${url}api/check`)).json(), EXPECTED);
        await assertWorks(url);
      } finally {
        next.stop();
      }
    }));
}
