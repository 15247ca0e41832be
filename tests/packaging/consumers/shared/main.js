// What every browser consumer runs: both inits, a keypair, a small import
// (1 accepted, 1 rejected) on the main thread, and the same file through the
// import worker, plain and packed (rebuilt by hcp-kit/import-report). The
// harness reads #main and #worker.
import init, { generateKeyPair } from "hcp-kit";
import initImport, { parseImport } from "hcp-kit/import";
import { reportOf } from "hcp-kit/import-report";

const CSV = "First Name,Last Name,Email Address\nAda,Lovelace,ada@example.org\nBad,Row,not-an-email\n";
const show = (id, value) => {
  document.querySelector(id).textContent = JSON.stringify(value);
};

try {
  await Promise.all([init(), initImport()]);
  const key = generateKeyPair();
  const report = parseImport(new TextEncoder().encode(CSV));
  show("#main", { key: key.publicKeyHex.length, import: `${report.stats.accepted}/${report.stats.rejected}` });
  key.free();
} catch (e) {
  show("#main", { error: `${e?.code ?? e?.name}: ${e?.message}` });
}

const worker = new Worker(new URL("./hcp.worker.js", import.meta.url), { type: "module" });
const counts = (r) => `${r.stats.accepted}/${r.stats.rejected}`;
const got = {};
worker.onmessage = ({ data }) => {
  if (data.type === "result") got.import = counts(data.report);
  if (data.type === "packedResult") {
    const report = reportOf(data.packed);
    got.packed = `${counts(report)} ${report.accepted[0]?.email}`;
  }
  if (got.import && got.packed) show("#worker", got);
  if (data.type === "error") show("#worker", { error: `${data.code}: ${data.message}` });
};
worker.onerror = (e) => show("#worker", { error: `worker: ${e.message}` });
worker.postMessage({ id: 1, type: "parse", bytes: new TextEncoder().encode(CSV) });
worker.postMessage({ id: 2, type: "parse", bytes: new TextEncoder().encode(CSV), packed: true });
