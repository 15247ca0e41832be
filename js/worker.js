// hcp-kit's import worker: parses a spreadsheet off the main thread.
//
//   const w = new Worker(new URL("hcp-kit/worker", import.meta.url), { type: "module" });
//   w.postMessage({ id: 1, type: "parse", file, options });
//   w.onmessage = ({ data }) => { /* ready | progress | result | error */ };
//   with packed: true, the answer is "packedResult": reportOf(data.packed)
//   from hcp-kit/import-report builds the report on the page.
//   cancel: w.terminate(), then start a fresh worker for the next file.
import init, { parseImport, parseImportPacked, readHeader, rejectionsCsv, revalidateRows, warmUp } from "./hcp_kit_import.js";

// Progress is posted at most this often, however fast rows go by.
const PROGRESS_EVERY_MS = 50;

// A failed start (CSP without 'wasm-unsafe-eval', missing .wasm) must answer
// every request with an error instead of leaving the page waiting forever.
const ready = init().then(
  () => {
    // Before the file arrives (see warmUp): a failure here is only slower.
    const started = performance.now();
    try {
      warmUp();
    } catch {}
    // Lets a page tell that the worker it started early is ready for the file.
    self.postMessage({ type: "ready", warmUpMs: performance.now() - started });
    return null;
  },
  (e) => e,
);

function errorMessage(id, e) {
  return {
    id,
    type: "error",
    name: e?.name === "HcpError" ? "HcpError" : "Error",
    code: e?.code ?? "Internal",
    message: String(e?.message ?? e),
  };
}

self.addEventListener("message", async (event) => {
  const { id, type, file, bytes, options, rejected, rows, packed } = event.data ?? {};
  if (!["parse", "rejectionsCsv", "header", "revalidate"].includes(type)) return;
  const failure = await ready;
  if (failure) {
    // init() rejects with an HcpError "InitFailed" that names the fix.
    self.postMessage(errorMessage(id, failure?.code ? failure : { code: "InitFailed", message: `hcp-kit could not start: ${failure}` }));
    return;
  }
  if (type === "rejectionsCsv" || type === "revalidate") {
    try {
      if (type === "rejectionsCsv") self.postMessage({ id, type: "csv", csv: rejectionsCsv(rejected ?? []) });
      else self.postMessage({ id, type: "revalidated", ...revalidateRows(rows ?? [], options ?? undefined) });
    } catch (e) {
      self.postMessage(errorMessage(id, e));
    }
    return;
  }
  try {
    const data = bytes instanceof Uint8Array ? bytes : new Uint8Array(await file.arrayBuffer());
    if (type === "header") {
      self.postMessage({ id, type: "header", columns: readHeader(data, options ?? undefined) });
      return;
    }
    let last = -Infinity;
    const progress = (p) => {
      const now = performance.now();
      if (now - last >= PROGRESS_EVERY_MS) {
        last = now;
        self.postMessage({ id, type: "progress", rows: p.rows, bytes: p.bytes, totalBytes: p.totalBytes });
      }
    };
    if (packed === true) {
      // One string and one table per piece instead of a row object each:
      // the page's copy of 100,000 rows took 80-180 ms of structured clone.
      const report = parseImportPacked(data, options ?? undefined, progress);
      self.postMessage({ id, type: "packedResult", packed: report }, report.pieces.map((p) => p.table.buffer));
      return;
    }
    self.postMessage({ id, type: "result", report: parseImport(data, options ?? undefined, progress) });
  } catch (e) {
    self.postMessage(errorMessage(id, e));
  }
});
