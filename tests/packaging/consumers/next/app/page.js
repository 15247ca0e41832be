"use client";
// A client component: init and calls in an effect, the worker from a local file.
import { useEffect, useState } from "react";
import init, { generateKeyPair } from "hcp-kit";
import initImport, { parseImport } from "hcp-kit/import";
import { reportOf } from "hcp-kit/import-report";

const CSV = "First Name,Last Name,Email Address\nAda,Lovelace,ada@example.org\nBad,Row,not-an-email\n";

export default function Page() {
  const [main, setMain] = useState("");
  const [worker, setWorker] = useState("");
  useEffect(() => {
    Promise.all([init(), initImport()])
      .then(() => {
        const key = generateKeyPair();
        const report = parseImport(new TextEncoder().encode(CSV));
        setMain(JSON.stringify({ key: key.publicKeyHex.length, import: `${report.stats.accepted}/${report.stats.rejected}` }));
        key.free();
      })
      .catch((e) => setMain(JSON.stringify({ error: `${e?.code}: ${e?.message}` })));
    const w = new Worker(new URL("./hcp.worker.js", import.meta.url), { type: "module" });
    const counts = (r) => `${r.stats.accepted}/${r.stats.rejected}`;
    const got = {};
    w.onmessage = ({ data }) => {
      if (data.type === "result") got.import = counts(data.report);
      if (data.type === "packedResult") {
        const report = reportOf(data.packed);
        got.packed = `${counts(report)} ${report.accepted[0]?.email}`;
      }
      if (got.import && got.packed) setWorker(JSON.stringify(got));
      if (data.type === "error") setWorker(JSON.stringify({ error: `${data.code}: ${data.message}` }));
    };
    w.postMessage({ id: 1, type: "parse", bytes: new TextEncoder().encode(CSV) });
    w.postMessage({ id: 2, type: "parse", bytes: new TextEncoder().encode(CSV), packed: true });
    return () => w.terminate();
  }, []);
  return (
    <>
      <pre id="main">{main}</pre>
      <pre id="worker">{worker}</pre>
    </>
  );
}
