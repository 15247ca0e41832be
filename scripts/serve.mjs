// A small static server for www/ (at /) and pkg/ (at /pkg/) on loopback, with
// the Content-Security-Policy the package documents: for the benchmarks and
// the tests that need no backend (hcp-server serves the page for the others,
// with the same policy plus object-src, base-uri and frame-ancestors).
import { createServer } from "node:http";
import { readFile, stat } from "node:fs/promises";
import { extname, join, normalize, resolve as resolvePath, sep } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../", import.meta.url));
const mounts = (pkgDir, extra = []) => [
  ...extra.map(([prefix, dir]) => [prefix, resolvePath(dir)]),
  ["/pkg/", pkgDir ? resolvePath(pkgDir) : join(ROOT, "pkg")],
  ["/", join(ROOT, "www")],
];
const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json",
  ".wasm": "application/wasm",
  ".ts": "text/plain; charset=utf-8",
  ".svg": "image/svg+xml",
};
const CSP =
  "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; worker-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'";

async function resolve(pathname, pkgDir, extra) {
  for (const [prefix, dir] of mounts(pkgDir, extra)) {
    if (!pathname.startsWith(prefix)) continue;
    const rel = normalize(decodeURIComponent(pathname.slice(prefix.length)) || "index.html");
    const file = join(dir, rel);
    if (!file.startsWith(dir + sep) && file !== dir) return null; // no escaping the mount
    try {
      const s = await stat(file);
      return s.isDirectory() ? join(file, "index.html") : file;
    } catch {
      return null;
    }
  }
  return null;
}

/**
 * Starts the server; `port` 0 picks a free one; `pkgDir` serves another build
 * of the package at /pkg/; `mounts` adds `[prefix, dir]` pairs (benchmarks).
 * Resolves to `{ url, close }`.
 */
export function startServer({ host = "127.0.0.1", port = 0, pkgDir, mounts: extra } = {}) {
  const server = createServer(async (req, res) => {
    const { pathname } = new URL(req.url, "http://localhost");
    const file = await resolve(pathname, pkgDir, extra);
    if (!file || (req.method !== "GET" && req.method !== "HEAD")) {
      res.writeHead(file ? 405 : 404, { "content-type": "text/plain" }).end(file ? "method not allowed" : "not found");
      return;
    }
    try {
      const body = await readFile(file);
      res.writeHead(200, {
        "content-type": TYPES[extname(file)] ?? "application/octet-stream",
        "content-security-policy": CSP,
        "cache-control": "no-store",
        "x-content-type-options": "nosniff",
      });
      res.end(req.method === "HEAD" ? undefined : body);
    } catch {
      res.writeHead(404).end("not found");
    }
  });
  return new Promise((ok, fail) => {
    server.once("error", fail);
    server.listen(port, host, () => {
      const { port: actual } = server.address();
      ok({ url: `http://${host}:${actual}/`, close: () => new Promise((done) => server.close(done)) });
    });
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const port = Number(process.env.HCP_PORT ?? 8080);
  const { url } = await startServer({ port });
  console.log(`hcp-kit is running: open ${url}`);
  console.log("Press Ctrl+C to stop.");
}
