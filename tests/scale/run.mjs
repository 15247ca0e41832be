// Scale-out as an operator runs it (scripts/scale.sh starts the PostgreSQL
// and builds the release server first): two hcp-server processes on one
// PostgreSQL behind HAProxy, then one process on SQLite, all on loopback.
// Checks what must hold across processes (the HCP tab's walk through the
// balancer, one login throttle, a session ended on one process refused by
// the other, kill -9 during an import then every batch retried: each row
// once, the database restarted under load: 503 meanwhile, then recovery
// without a restart) and measures what an operator asks (import rate and
// its ratio to COPY; list, get and search at a fixed rate with oha's
// latency correction, misses and late matches included). Timings are
// printed, never asserted; errors and wrong answers fail the run.
import { spawn, execFile } from "node:child_process";
import { promisify } from "node:util";
import { createServer } from "node:net";
import { mkdtempSync, mkdirSync, writeFileSync, createWriteStream, rmSync, chmodSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import assert from "node:assert/strict";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const TARGET = process.env.CARGO_TARGET_DIR ?? join(ROOT, "target");
const BIN = join(TARGET, "server", "hcp-server");
const PG_ADMIN = process.env.HCP_SCALE_PG ?? assert.fail("HCP_SCALE_PG: a PostgreSQL admin URL (scripts/scale.sh sets it)");
const SECONDS = Number(process.env.HCP_LOAD_SECONDS ?? 30);
const RATE = Number(process.env.HCP_LOAD_RATE ?? 1000);
const ROWS = Number(process.env.HCP_SCALE_ROWS ?? 100_000);
const BATCH = Math.min(5000, Math.ceil(ROWS / 20));
const DEMO = { login: "admin@demo.hcp-kit", password: "demo-admin-password", group: "demo-clinic", other: "demo-research", hcpLogin: "anne.dupont@example.be", hcpPassword: "demo-hcp-password" };
const WORK = mkdtempSync(join(tmpdir(), "hcp-scale-"));
// Where the PostgreSQL server may write (COPY ... TO a file runs as its account).
const PG_DIR = process.env.HCP_PG_DIR ?? assert.fail("HCP_PG_DIR: the throwaway cluster's directory");
chmodSync(WORK, 0o755);

const kit = await import(join(ROOT, "pkg/node.js"));
await kit.default();
const { HcpClient } = kit;

const figures = [];
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const log = (...a) => console.log("[scale]", ...a);

// ---------------------------------------------------------------- processes

async function freePort() {
  return new Promise((resolve) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

const children = new Set();
process.on("exit", () => {
  for (const c of children) c.kill("SIGKILL");
});

/** An hcp-server process; `start()` waits until it prints its URL. */
function hcpServer(name, { database, demo = false, port, metricsPort, publicUrl }) {
  const secret = join(WORK, "jwt-secret");
  return {
    name,
    url: `http://127.0.0.1:${port}`,
    metrics: `http://127.0.0.1:${metricsPort}/metrics`,
    child: null,
    async start({ seed = demo } = {}) {
      const args = [
        "--listen", `127.0.0.1:${port}`, "--metrics-listen", `127.0.0.1:${metricsPort}`,
        "--database-url", database, "--jwt-secret-file", secret, "--trusted-proxy", "127.0.0.1",
        "--log-format", "json", "--access-token-ttl", "3600",
        // Invitation links must point at the balancer, not at one process.
        ...(publicUrl ? ["--public-url", publicUrl] : []),
        "--www", join(ROOT, "www"), "--pkg", join(ROOT, "pkg"),
        ...(seed ? ["--demo", "--demo-key-file", join(WORK, "demo-hcp-keypair.json")] : []),
      ];
      const child = spawn(BIN, args, { env: { ...process.env, RUST_LOG: "warn" }, stdio: ["ignore", "pipe", "inherit"] });
      children.add(child);
      child.once("exit", () => children.delete(child));
      this.child = child;
      const out = createWriteStream(join(WORK, `${name}.log`), { flags: "a" });
      await new Promise((resolve, reject) => {
        child.once("exit", (code, signal) => reject(new Error(`${name} exited (${code ?? signal})`)));
        createInterface({ input: child.stdout }).on("line", (line) => {
          out.write(`${line}\n`);
          if (line.startsWith("hcp-kit is running")) resolve();
        });
      });
      return this;
    },
    kill9() {
      this.child.kill("SIGKILL");
    },
    async stop() {
      if (!this.child || this.child.exitCode !== null || this.child.signalCode) return;
      this.child.kill("SIGTERM");
      await new Promise((r) => this.child.once("exit", r));
    },
  };
}

async function haproxy(port, servers) {
  const cfg = join(WORK, "haproxy.cfg");
  writeFileSync(
    cfg,
    `global
  maxconn 4096
defaults
  mode http
  timeout connect 2s
  timeout client 30s
  timeout server 30s
  timeout http-keep-alive 10s
  option redispatch
  retries 2
  # Only a request no process received is sent again: a POST that reached a
  # process which then died is the client's to retry, under its key.
  retry-on conn-failure
frontend api
  bind 127.0.0.1:${port}
  option forwardfor
  default_backend hcp
backend hcp
  balance roundrobin
  option httpchk GET /ready
  http-check expect status 200
  default-server inter 500ms fall 2 rise 2
${servers.map((s) => `  server ${s.name} ${s.url.replace("http://", "")} check`).join("\n")}
`,
  );
  const child = spawn("haproxy", ["-f", cfg, "-db"], { stdio: ["ignore", "inherit", "inherit"] });
  children.add(child);
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 100; i++) {
    if ((await fetch(`${url}/ready`).catch(() => null))?.status === 200) return { url, child };
    await sleep(100);
  }
  throw new Error("HAProxy did not come up");
}

// Every child process is awaited, never run synchronously: a blocked event
// loop cannot see the balancer close an idle keep-alive connection, and the
// next fetch is then written on that dead socket ("other side closed").
const execFileAsync = promisify(execFile);

async function psql(url, sql) {
  return (await execFileAsync("psql", [url, "-qAtX", "-v", "ON_ERROR_STOP=1", "-c", sql], { encoding: "utf8" })).stdout.trim();
}

/** A child with inherited output; rejects unless it exits 0. */
function run(command, args, options = {}) {
  const child = spawn(command, args, { stdio: ["ignore", "inherit", "inherit"], ...options });
  return new Promise((resolve, reject) =>
    child.once("exit", (code) => (code === 0 ? resolve() : reject(new Error(`${command} ${args.join(" ")} exited ${code}`)))));
}

const pgctl = (command) => run("bash", [join(ROOT, "scripts/postgres.sh"), command]);

// --------------------------------------------------------------- HTTP helpers

async function api(base, path, { method = "GET", token, body, headers = {} } = {}) {
  const r = await fetch(`${base}${path}`, {
    method,
    headers: { ...(token ? { Authorization: `Bearer ${token}` } : {}), ...(body ? { "Content-Type": "application/json" } : {}), ...headers },
    body: body ? JSON.stringify(body) : undefined,
  });
  return { status: r.status, body: await r.json().catch(() => null) };
}
const login = (base, username, password) => api(base, "/rest/v2/auth/login", { method: "POST", body: { username, password } });

/** The value of one series in a process's metrics (0 when absent). */
async function metric(proc, series) {
  const text = await (await fetch(proc.metrics)).text();
  const line = text.split("\n").find((l) => l.startsWith(`${series} `));
  return line ? Number(line.slice(series.length + 1)) : 0;
}

// --------------------------------------------------------------------- data

const FIRST = ["Anne", "Marc", "Zoë", "René", "Émile", "Sofia", "Lucas", "Marie", "Noah", "Inès", "Hugo", "Lea", "Louis", "Emma", "Jules", "Nora", "Adam", "Lina", "Victor", "Alice"];
const LAST = ["Martin", "Dubois", "Peeters", "Janssens", "Maes", "Jacobs", "Mertens", "Willems", "Claes", "Goossens", "Wouters", "De Smet", "Lambert", "Dupont", "Van Damme", "Rossi", "Müller", "Nguyen", "Leroy", "Simon", "Laurent", "Michel", "Lefebvre", "Garcia", "Wauters"];

function people(n, { domain, phoneBase }) {
  return Array.from({ length: n }, (_, i) => ({
    row: i + 2,
    firstName: FIRST[i % FIRST.length],
    lastName: LAST[Math.floor(i / FIRST.length) % LAST.length],
    email: `p${i}.${FIRST[i % FIRST.length].toLowerCase()}@${domain}`,
    phone: i % 3 === 2 ? null : `+324${String(phoneBase + i)}`,
    parentId: null,
  }));
}

async function timedImport(base, rows, key, database) {
  const client = await HcpClient.login(base, DEMO.login, DEMO.password);
  const t0 = performance.now();
  const summary = await client.importRows({ accepted: rows }, { idempotencyKey: key, batchSize: BATCH, database });
  const seconds = (performance.now() - t0) / 1000;
  assert.equal(summary.created, rows.length, `${key}: every row created`);
  return { rate: Math.round(rows.length / seconds), seconds };
}

// --------------------------------------------------------------------- load

function urlFile(name, base, paths) {
  const file = join(WORK, `${name.replace(/[^a-z0-9-]+/gi, "-")}.urls`);
  writeFileSync(file, paths.map((p) => `${base}${p}`).join("\n") + "\n");
  return file;
}

/** oha, open loop at `rate`/s with latency correction; its JSON summary. */
async function oha(file, token, { rate = RATE, seconds = SECONDS, connections = 64 } = {}) {
  const { stdout } = await execFileAsync(
    "oha",
    ["-z", `${seconds}s`, "-w", "-q", String(rate), "--latency-correction", "--no-tui", "-c", String(connections), "-t", "10s",
      "--output-format", "json", "-H", `Authorization: Bearer ${token}`, "--urls-from-file", file],
    { encoding: "utf8", maxBuffer: 64 << 20 },
  );
  return JSON.parse(stdout);
}

function ohaAsync(file, token, opts) {
  const { rate, seconds, connections = 100 } = opts;
  const child = spawn(
    "oha",
    ["-z", `${seconds}s`, "-w", "-q", String(rate), "--latency-correction", "--no-tui", "-c", String(connections), "-t", "10s",
      "--output-format", "json", "-H", `Authorization: Bearer ${token}`, "--urls-from-file", file],
    { stdio: ["ignore", "pipe", "inherit"] },
  );
  children.add(child);
  let text = "";
  child.stdout.on("data", (d) => (text += d));
  return new Promise((resolve, reject) => child.once("exit", (code) => (code === 0 ? resolve(JSON.parse(text)) : reject(new Error(`oha exited ${code}`)))));
}

const ms = (s) => (s * 1000).toFixed(2);

function report(setup, kind, res, target) {
  const p = res.latencyPercentiles;
  const statuses = res.statusCodeDistribution ?? {};
  const errors = Object.values(res.errorDistribution ?? {}).reduce((a, b) => a + b, 0);
  const fives = Object.entries(statuses).filter(([s]) => s.startsWith("5")).reduce((a, [, n]) => a + n, 0);
  const row = {
    setup, kind,
    rate: Math.round(res.summary.requestsPerSec),
    p50: ms(p.p50), p99: ms(p.p99), max: ms(res.summary.slowest),
    statuses: JSON.stringify(statuses), errors: errors + fives,
    target: `p99 < ${target} ms: ${p.p99 * 1000 < target ? "met" : "MISSED"}`,
  };
  figures.push(row);
  log(`${setup} ${kind}: ${row.rate}/s, p50 ${row.p50} ms, p99 ${row.p99} ms, max ${row.max} ms, ${row.statuses}, errors ${row.errors}; ${row.target}`);
  assert.equal(errors, 0, `${setup} ${kind}: transport errors ${JSON.stringify(res.errorDistribution)}`);
  assert.equal(fives, 0, `${setup} ${kind}: server errors ${row.statuses}`);
  return row;
}

/** list, get and search at RATE/s, each for SECONDS, against `base`. */
async function loadRuns(setup, base, sample, token) {
  const ids = sample.ids;
  const rand = (a) => a[Math.floor(Math.random() * a.length)];
  const list = urlFile(`${setup}-list`, base, Array.from({ length: 1000 }, (_, i) =>
    i % 4 === 0 ? "/rest/v2/hcparty?limit=50" : `/rest/v2/hcparty?limit=50&startDocumentId=${rand(ids)}`));
  // One get in ten asks for an id that is not there (404, a miss).
  const get = urlFile(`${setup}-get`, base, Array.from({ length: 1000 }, (_, i) =>
    i % 10 === 0 ? `/rest/v2/hcparty/0190${String(i).padStart(4, "0")}-0000-7000-8000-000000000000` : `/rest/v2/hcparty/${rand(ids)}`));
  const q = (s) => `/rest/v2/hcparty?limit=50&search=${encodeURIComponent(s)}`;
  const n = sample.rows;
  // A row among the last thousand (an id-order scan would reach it last).
  const late = () => n - 1 - Math.floor(Math.random() * 1000);
  const withPhone = (k) => (k % 3 === 2 ? k - 1 : k);
  const national = (k) => {
    const d = String(70_000_000 + withPhone(k));
    return `04${d.slice(0, 2)} ${d.slice(2, 4)} ${d.slice(4, 6)} ${d.slice(6)}`;
  };
  const searches = Array.from({ length: 1000 }, (_, i) => {
    switch (i % 10) {
      case 0: return q(`p${n - 1}.`); // the last row's email
      case 1: return q(`p${late()}.`); // an email among the last rows
      case 2: return q(national(late())); // a late row's mobile as people write it at home
      case 3: return q(`+32 4${70_000_000 + withPhone(Math.floor(Math.random() * n))}`); // any row's, international
      case 4: return q(`zz-nobody-${i}`); // a name that is not there
      case 5: return q("+32 499 99 99 99"); // a phone that is not there
      case 6: return q(`nobody${i}@nowhere.example`); // an email that is not there
      case 7: return q(rand(["mar", "anne", "dupont", "lea"])); // early hits
      case 8: return q(`${rand(LAST)} ${rand(FIRST)}`); // a full name, one row in 500
      default: return q(rand(["zoe", "muller", "emile rossi", "van damme"]));
    }
  });
  const search = urlFile(`${setup}-search`, base, searches);
  report(setup, "list", await oha(list, token), 20);
  report(setup, "get", await oha(get, token), 20);
  report(setup, "search", await oha(search, token), 30);
  // Where search holds on this machine, for the operator's sizing.
  const low = Math.round(RATE / 5);
  report(setup, `search at ${low}/s`, await oha(search, token, { rate: low, seconds: Math.max(5, SECONDS / 2) }), 30);
}

// ------------------------------------------------------------------ scenario

const pgDb = `${PG_ADMIN.replace(/\/[^/]*$/, "")}/hcp_scale`;
await psql(PG_ADMIN, "CREATE DATABASE hcp_scale");
const ports = await Promise.all(Array.from({ length: 7 }, freePort));
writeFileSync(join(WORK, "jwt-secret"), Buffer.from(Array.from({ length: 48 }, () => Math.floor(Math.random() * 256))));
const publicUrl = `http://127.0.0.1:${ports[4]}`;
const a = hcpServer("a", { database: pgDb, demo: true, port: ports[0], metricsPort: ports[1], publicUrl });
const b = hcpServer("b", { database: pgDb, port: ports[2], metricsPort: ports[3], publicUrl });
await a.start();
await b.start();
const lb = await haproxy(ports[4], [a, b]);
log(`two processes on PostgreSQL behind HAProxy at ${lb.url}; logs in ${WORK}`);

try {
  // 1. The HCP tab's walk through the balancer (Chromium, the real page).
  await run("node", ["--test", join(ROOT, "tests/e2e/hcp-tab.test.mjs")], {
    env: { ...process.env, HCP_TEST_SERVER_URL: lb.url, HCP_TEST_KEY_FILE: join(WORK, "demo-hcp-keypair.json") },
  });
  log("the HCP tab's walk passed through the balancer");

  // 2. Wrong passwords spread over both processes are throttled as one.
  const before = await Promise.all([a, b].map((p) => metric(p, 'hcp_http_requests_total{method="POST",route="/rest/v2/auth/login",status="429"}')));
  // From an address of its own (the balancer appends ours), so the
  // per-address count of this client is left for the logins below.
  const burst = await Promise.all(Array.from({ length: 40 }, () =>
    api(lb.url, "/rest/v2/auth/login", { method: "POST", body: { username: "burst@scale.example", password: "wrong password" }, headers: { "X-Forwarded-For": "198.51.100.7" } })));
  const statuses = burst.map((r) => r.status);
  const after = await Promise.all([a, b].map((p) => metric(p, 'hcp_http_requests_total{method="POST",route="/rest/v2/auth/login",status="429"}')));
  assert.equal(statuses.filter((s) => s === 401).length, 10, `one account's allowance across both processes: ${statuses}`);
  assert.equal(statuses.filter((s) => s === 429).length, 30);
  assert.ok(after[0] > before[0] && after[1] > before[1], "both processes refused some of the burst");
  log(`40 wrong passwords through the balancer: 10 checked, 30 refused (429 from a: ${after[0] - before[0]}, from b: ${after[1] - before[1]})`);

  // 3. A session ended through one process is refused by the other.
  const s1 = (await login(a.url, DEMO.hcpLogin, DEMO.hcpPassword)).body;
  assert.equal((await api(b.url, "/rest/v2/user/current", { token: s1.token })).status, 200);
  assert.equal((await api(b.url, "/rest/v2/auth/logout", { method: "POST", token: s1.token })).status, 200);
  assert.equal((await api(a.url, "/rest/v2/user/current", { token: s1.token })).status, 401, "logged out on b, refused on a");
  assert.equal((await api(a.url, "/rest/v2/auth/refresh", { method: "POST", headers: { "Refresh-Token": s1.refreshToken } })).status, 401);
  const s2 = (await login(a.url, DEMO.hcpLogin, DEMO.hcpPassword)).body;
  const me = (await api(a.url, "/rest/v2/user/current", { token: s2.token })).body;
  const admin = (await login(b.url, DEMO.login, DEMO.password)).body.token;
  assert.equal((await api(b.url, `/rest/v2/user/${me.id}/deactivate`, { method: "POST", token: admin })).status, 200);
  assert.equal((await api(a.url, "/rest/v2/user/current", { token: s2.token })).status, 401, "deactivated on b, refused on a");
  assert.equal((await api(a.url, `/rest/v2/user/${me.id}/reactivate`, { method: "POST", token: admin })).status, 200);
  log("logout and deactivation through one process end the session on the other");

  // 4. Import through the balancer, and COPY of the same rows.
  const rows = people(ROWS, { domain: "load.example", phoneBase: 70_000_000 });
  const imported = await timedImport(lb.url, rows, "scale-load", DEMO.group);
  await psql(pgDb, "CREATE TABLE copy_bench (LIKE hcps INCLUDING ALL)");
  await psql(pgDb, `COPY (SELECT * FROM hcps WHERE email LIKE '%@load.example') TO '${PG_DIR}/rows.copy'`);
  const t0 = performance.now();
  await psql(pgDb, `COPY copy_bench FROM '${PG_DIR}/rows.copy'`);
  const copyRate = Math.round(ROWS / ((performance.now() - t0) / 1000));
  await psql(pgDb, "DROP TABLE copy_bench");
  figures.push({ setup: "PostgreSQL, 2 processes", kind: "import", rate: imported.rate, copy: copyRate, ratio: (imported.rate / copyRate).toFixed(2) });
  log(`import of ${ROWS} rows through the balancer: ${imported.rate} rows/s (${imported.seconds.toFixed(2)} s); COPY of the same rows into a table with the same indexes: ${copyRate} rows/s; ratio ${(imported.rate / copyRate).toFixed(2)} (target >= 30000 rows/s: ${imported.rate >= 30000 ? "met" : "MISSED"})`);

  // What autovacuum does within a minute of a bulk load (the visibility
  // map, fresh statistics of every column), done now: the load below
  // measures the database as it stays, not whether autovacuum's pass
  // happened to fall inside the 30 s of one measurement.
  const v0 = performance.now();
  await psql(pgDb, "VACUUM (ANALYZE) hcps, users");
  log(`VACUUM (ANALYZE) after the import: ${Math.round(performance.now() - v0)} ms`);

  // 5. Load on two processes and PostgreSQL.
  const token = (await login(lb.url, DEMO.login, DEMO.password)).body.token;
  const sample = { ids: (await psql(pgDb, `SELECT id FROM hcps WHERE group_id = '${DEMO.group}' ORDER BY random() LIMIT 2000`)).split("\n"), rows: ROWS };
  await loadRuns("PostgreSQL, 2 processes", lb.url, sample, token);

  // 6. kill -9 of one process during an import, then every batch again
  // (once the balancer sees both processes ready after the load).
  for (let i = 0; i < 100 && (await fetch(`${lb.url}/ready`).then((r) => r.status, () => 0)) !== 200; i++) await sleep(100);
  const killRows = people(ROWS, { domain: "kill.example", phoneBase: 80_000_000 });
  const client = await HcpClient.login(lb.url, DEMO.login, DEMO.password);
  let killed = false;
  const first = client
    .importRows({ accepted: killRows }, {
      idempotencyKey: "scale-kill", batchSize: BATCH, database: DEMO.other,
      onProgress: (p) => {
        if (!killed && p.batchesDone >= Math.max(1, Math.floor(p.batches / 4))) {
          killed = true;
          a.kill9();
          log(`kill -9 of process a after batch ${p.batchesDone} of ${p.batches}`);
        }
      },
    })
    .then((s) => ({ ok: true, created: s.created }), (e) => ({ ok: false, error: `${e.code}: ${e.message}` }));
  const firstPass = await first;
  log("restarting process a");
  log(`first pass: ${JSON.stringify(firstPass)}`);
  assert.ok(killed, "the process was killed during the import");
  await a.start({ seed: false });
  log("every batch again, under the same keys");
  const again = await client.importRows({ accepted: killRows }, { idempotencyKey: "scale-kill", batchSize: BATCH, database: DEMO.other });
  assert.equal(again.created, ROWS, "every batch answered, under the same keys");
  const [count, distinct, users] = (await psql(pgDb, "SELECT count(*), count(DISTINCT email), (SELECT count(*) FROM users WHERE login LIKE '%@kill.example') FROM hcps WHERE email LIKE '%@kill.example'")).split("|").map(Number);
  assert.deepEqual([count, distinct, users], [ROWS, ROWS, ROWS], "every row exactly once, with its user");
  log(`after kill -9 and the retry of every batch: ${count} HCPs, ${distinct} distinct, ${users} users (exactly once)`);

  // 7. The database restarts under load: 503 meanwhile, then recovery.
  const getFile = join(WORK, "PostgreSQL-2-processes-get.urls");
  const during = ohaAsync(getFile, token, { rate: 200, seconds: 12 });
  await sleep(3000);
  await pgctl("halt");
  const down = performance.now();
  await sleep(1500);
  const direct = await Promise.all([a, b].map((p) => api(p.url, `/rest/v2/hcparty/${sample.ids[0]}`, { token })));
  const ready = await Promise.all([a, b].map((p) => fetch(`${p.url}/ready`).then((r) => r.status)));
  await sleep(2000);
  await pgctl("resume");
  const up = performance.now();
  let recovered = null;
  for (let i = 0; i < 200 && recovered === null; i++) {
    const st = await Promise.all([a, b].map((p) => api(p.url, `/rest/v2/hcparty/${sample.ids[0]}`, { token }).then((r) => r.status)));
    if (st.every((s) => s === 200)) recovered = performance.now() - up;
    else await sleep(100);
  }
  const res = await during;
  assert.deepEqual(direct.map((r) => r.status), [503, 503], "each process answers 503 while the database is down");
  assert.deepEqual(ready, [503, 503], "and is not ready");
  assert.ok(recovered !== null, "both processes answer again without a restart");
  const dist = res.statusCodeDistribution ?? {};
  const other = Object.keys(dist).filter((s) => !["200", "404", "503"].includes(s));
  assert.deepEqual(other, [], `only 200, 404 and 503 during the restart: ${JSON.stringify(dist)}`);
  figures.push({ setup: "PostgreSQL restart", kind: "get at 200/s", statuses: JSON.stringify(dist), down: `${((up - down) / 1000).toFixed(1)} s`, recovered: `${Math.round(recovered)} ms after start` });
  log(`PostgreSQL down for ${((up - down) / 1000).toFixed(1)} s under 200 gets/s: ${JSON.stringify(dist)}; both processes answered 200 again ${Math.round(recovered)} ms after it was back`);
} finally {
  lb.child.kill("SIGTERM");
  await a.stop();
  await b.stop();
}

// 8. One process on SQLite, the same rows and the same load.
const sqlite = hcpServer("sqlite", { database: join(WORK, "scale.sqlite"), demo: true, port: ports[5], metricsPort: ports[6] });
await sqlite.start();
try {
  const rows = people(ROWS, { domain: "load.example", phoneBase: 70_000_000 });
  const imported = await timedImport(sqlite.url, rows, "scale-load", DEMO.group);
  figures.push({ setup: "SQLite, 1 process", kind: "import", rate: imported.rate });
  log(`import of ${ROWS} rows into SQLite: ${imported.rate} rows/s`);
  const token = (await login(sqlite.url, DEMO.login, DEMO.password)).body.token;
  const ids = [];
  let start = "";
  while (ids.length < 2000) {
    const page = (await api(sqlite.url, `/rest/v2/hcparty?limit=1000&startDocumentId=${start}`, { token })).body;
    ids.push(...page.rows.filter((_, i) => i % 50 === 0).map((r) => r.id));
    if (!page.nextKeyPair) break;
    start = page.nextKeyPair.startKeyDocId;
  }
  await loadRuns("SQLite, 1 process", sqlite.url, { ids, rows: ROWS }, token);
} finally {
  await sqlite.stop();
}

console.log("\nscale-out figures");
console.table(figures);
mkdirSync(join(ROOT, "tests/output"), { recursive: true });
writeFileSync(join(ROOT, "tests/output/scale.json"), JSON.stringify(figures, null, 2));
rmSync(WORK, { recursive: true, force: true });
