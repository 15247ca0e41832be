// What every browser consumer runs: both inits, a keypair, a small import
// (1 accepted, 1 rejected) on the main thread, and the same file through the
// import worker. The harness reads #main and #worker.
import init, { generateKeyPair } from "hcp-kit";
import initImport, { parseImport } from "hcp-kit/import";

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
worker.onmessage = ({ data }) => {
  if (data.type === "result") show("#worker", { import: `${data.report.stats.accepted}/${data.report.stats.rejected}` });
  if (data.type === "error") show("#worker", { error: `${data.code}: ${data.message}` });
};
worker.onerror = (e) => show("#worker", { error: `worker: ${e.message}` });
worker.postMessage({ id: 1, type: "parse", bytes: new TextEncoder().encode(CSV) });
