// The import worker in Chromium: a large file parses off the main thread with
// throttled progress events, errors come back typed, and terminate() cancels.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { openApp, ROOT } from "./harness.mjs";

let app;
before(async () => {
  app = await openApp();
});
after(async () => app?.close());

/** Runs in the page: one parse through a fresh worker, collecting messages. */
async function parseInWorker(page, { csvRows, bytesB64, cancelAfterProgress = false }) {
  return page.evaluate(
    async ({ csvRows, bytesB64, cancelAfterProgress }) => {
      let bytes;
      if (csvRows) {
        const lines = ["First Name,Last Name,Email Address,Country Code,Mobile Phone"];
        for (let i = 0; i < csvRows; i++) lines.push(`Ann${i},Lee,ann${i}@example.com,BE,0475 ${String(i).padStart(6, "0")}`);
        bytes = new TextEncoder().encode(lines.join("\n"));
      } else {
        bytes = Uint8Array.from(atob(bytesB64), (c) => c.charCodeAt(0));
      }
      const worker = new Worker("/pkg/worker.js", { type: "module" });
      const messages = [];
      const started = performance.now();
      let mainThreadTicks = 0;
      const ticker = setInterval(() => mainThreadTicks++, 10);
      const outcome = await new Promise((resolve) => {
        worker.onmessage = ({ data }) => {
          messages.push({ ...data, report: undefined, at: performance.now() - started });
          if (data.type === "progress" && cancelAfterProgress) {
            worker.terminate();
            setTimeout(() => resolve({ cancelled: true }), 1500);
          }
          if (data.type === "result") resolve({ report: data.report });
          if (data.type === "error") resolve({ error: data });
        };
        worker.onerror = (e) => resolve({ workerError: String(e.message) });
        worker.postMessage({ id: 7, type: "parse", file: new Blob([bytes]), options: {} });
      });
      clearInterval(ticker);
      worker.terminate();
      const report = outcome.report && { stats: outcome.report.stats, first: outcome.report.accepted[0], format: outcome.report.format };
      return { ...outcome, report, messages, mainThreadTicks, ms: performance.now() - started };
    },
    { csvRows, bytesB64, cancelAfterProgress },
  );
}

test("a 200,000-row file parses in the worker with throttled progress", async () => {
  const r = await parseInWorker(app.page, { csvRows: 200_000 });
  assert.equal(r.error, undefined, JSON.stringify(r.error));
  assert.deepEqual(r.report.stats.accepted, 200_000);
  assert.equal(r.report.first.phone, "+32475000000");
  const progress = r.messages.filter((m) => m.type === "progress");
  assert.ok(progress.length >= 2, `${progress.length} progress events in ${r.ms} ms`);
  assert.ok(progress.every((m) => m.id === 7 && m.totalBytes > 0));
  assert.ok(progress.every((m, i) => i === 0 || m.rows > progress[i - 1].rows));
  // Throttled: at most one event per 50 ms of parsing (rows arrive every 4,096).
  const unthrottled = Math.floor(200_000 / 4096);
  assert.ok(progress.length <= r.ms / 50 + 1, `${progress.length} events in ${r.ms} ms`);
  assert.ok(progress.length < unthrottled, `${progress.length} events, unthrottled would be ${unthrottled}`);
  // The main thread kept running while the worker parsed.
  assert.ok(r.mainThreadTicks >= Math.floor(r.ms / 10 / 4), `${r.mainThreadTicks} ticks in ${r.ms} ms`);
  assert.equal(r.messages.at(-1).type, "result");
});

test("a file that cannot be read comes back as a typed error", async () => {
  const encrypted = readFileSync(join(ROOT, "crates/hcp-core/tests/fixtures/import/encrypted.xlsx")).toString("base64");
  const r = await parseInWorker(app.page, { bytesB64: encrypted });
  assert.deepEqual(
    { type: r.error.type, id: r.error.id, name: r.error.name, code: r.error.code },
    { type: "error", id: 7, name: "HcpError", code: "Encrypted" },
  );
});

test("terminate() cancels a running parse; a new worker then works", async () => {
  const r = await parseInWorker(app.page, { csvRows: 400_000, cancelAfterProgress: true });
  assert.equal(r.cancelled, true);
  assert.ok(!r.messages.some((m) => m.type === "result"), "no result after cancel");
  const again = await parseInWorker(app.page, { csvRows: 10 });
  assert.equal(again.report.stats.accepted, 10);
  assert.deepEqual(app.errors, []);
});

test("a packed parse gives the same report as a plain one, and reportOf leaves the packed report as it was", async () => {
  const canonical = readFileSync(join(ROOT, "crates/hcp-core/tests/fixtures/import/canonical.xlsx")).toString("base64");
  const r = await app.page.evaluate(async (b64) => {
    const { reportOf } = await import("/pkg/import-report.js");
    const worker = new Worker("/pkg/worker.js", { type: "module" });
    const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
    // 30,000 generated rows as well: more than one piece of accepted rows.
    const lines = ["First Name,Last Name,Email Address,Country Code,Mobile Phone"];
    for (let i = 0; i < 30_000; i++) lines.push(`Zoé${i},Lee,zoe${i}@example.com,BE,0475 ${String(i).padStart(6, "0")}`);
    const csv = new TextEncoder().encode(lines.join("\n"));
    const ask = (message) =>
      new Promise((resolve) => {
        worker.onmessage = ({ data }) => data.id === message.id && data.type !== "progress" && resolve(data);
        worker.postMessage(message);
      });
    const out = [];
    for (const [n, file] of [[1, bytes], [3, csv]]) {
      const plain = await ask({ id: n, type: "parse", file: new Blob([file]) });
      const packed = await ask({ id: n + 1, type: "parse", file: new Blob([file]), packed: true });
      const before = JSON.stringify(packed.packed);
      const report = reportOf(packed.packed);
      out.push({
        type: packed.type,
        same: JSON.stringify(report) === JSON.stringify(plain.report),
        accepted: report.accepted.length,
        rejected: report.rejected.length,
        pieces: packed.packed.pieces.length,
        tables: packed.packed.pieces.every((p) => p.table instanceof Uint32Array && p.table.length > 0),
        untouched: JSON.stringify(packed.packed) === before && packed.packed.report.accepted.length === 0,
      });
    }
    worker.terminate();
    return out;
  }, canonical);
  const [xlsx, csv] = r;
  assert.deepEqual({ ...xlsx, accepted: xlsx.accepted > 0, rejected: xlsx.rejected > 0 }, { type: "packedResult", same: true, accepted: true, rejected: true, pieces: 1, tables: true, untouched: true });
  assert.equal(csv.same, true);
  assert.equal(csv.accepted, 30_000);
  assert.ok(csv.pieces > 1, `${csv.pieces} pieces`);
  assert.equal(csv.tables && csv.untouched, true);
  assert.deepEqual(app.errors, []);
});
