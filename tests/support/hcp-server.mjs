// The real hcp-server for JavaScript tests: the debug binary cargo builds for
// the Rust tests, on an ephemeral loopback port, seeded with the demo
// database in a fresh SQLite file, serving www/ and the given package.
import { spawn, execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const TARGET = process.env.CARGO_TARGET_DIR ?? join(ROOT, "target");
export const DEMO = {
  login: "admin@demo.hcp-kit",
  password: "demo-admin-password",
  database: "demo-clinic",
  other: "demo-research",
  orgId: "7d0f4a2e-1b3c-4d5e-8f90-a1b2c3d4e5f6",
  hcpLogin: "anne.dupont@example.be",
  hcpPassword: "demo-hcp-password",
  hcpId: "00000000-0000-4000-8000-000000000001",
  hcpKeyPassphrase: "demo-key-passphrase",
  /** The demo HCP's keypair file (JSON text) of a running server. */
  hcpKeyFile: (server) => readFileSync(server.keyFile, "utf8"),
};

function binary() {
  const bin = join(TARGET, "debug", "hcp-server");
  if (!existsSync(bin)) execFileSync("cargo", ["build", "-q", "-p", "hcp-server"], { cwd: ROOT, stdio: "inherit" });
  return bin;
}

/** Starts the server; resolves to `{ url, stop() }`. */
export async function startHcpServer({ pkgDir = join(ROOT, "pkg"), www = join(ROOT, "www"), extraArgs = [], logLevel = "warn", logFile = false, databaseUrl } = {}) {
  // A server someone else runs (scripts/scale.sh: processes behind a load
  // balancer, seeded with the demo database).
  if (process.env.HCP_TEST_SERVER_URL) {
    return { url: process.env.HCP_TEST_SERVER_URL, dir: null, keyFile: process.env.HCP_TEST_KEY_FILE, log: () => "", async stop() {} };
  }
  const dir = mkdtempSync(join(tmpdir(), "hcp-js-test-"));
  const database = databaseUrl ?? join(dir, "db.sqlite");
  const keyFile = join(dir, "demo-hcp-keypair.json");
  const child = spawn(
    binary(),
    ["--demo", "--listen", "127.0.0.1:0", "--database-url", database, "--demo-key-file", keyFile, "--www", www, "--pkg", pkgDir, ...extraArgs],
    { env: { ...process.env, RUST_LOG: logLevel }, stdio: ["ignore", "pipe", logFile ? "pipe" : "inherit"] },
  );
  const log = [];
  child.stderr?.on("data", (chunk) => log.push(chunk));
  const url = await new Promise((resolve, reject) => {
    child.once("exit", (code) => reject(new Error(`hcp-server exited with ${code}`)));
    createInterface({ input: child.stdout }).on("line", (line) => {
      // The server logs to stdout (tracing's default) and prints its URLs there.
      if (logFile) log.push(Buffer.from(`${line}\n`));
      const m = /^hcp-kit is running: open (http:\/\/\S+?)\/?$/.exec(line);
      if (m) resolve(m[1]);
    });
  });
  return {
    url,
    dir,
    keyFile,
    /** What the server logged (when started with `logFile: true`). */
    log: () => Buffer.concat(log).toString("utf8"),
    async stop() {
      child.kill("SIGTERM");
      await new Promise((r) => (child.exitCode !== null ? r() : child.once("exit", r)));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
