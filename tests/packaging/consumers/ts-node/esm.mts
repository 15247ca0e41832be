// A Node-only ESM consumer: lib es2022 + @types/node, no DOM.
import init, { initSync, generateKeyPair, isHcpError, type Jwk } from "hcp-kit";
import initImport, { parseImport, type ImportReport } from "hcp-kit/import";
import initDataOwner, { DataOwner } from "hcp-kit/dataowner";
import type { WorkerMessage } from "hcp-kit/worker";

initSync();
await init();
await initImport();
await initDataOwner({ module_or_path: new Uint8Array(0) }).catch((e: unknown) => {
  if (isHcpError(e) && e.code === "InitFailed") console.log(e.message);
});
const jwk: Jwk = generateKeyPair().publicKeyJwk();
const report: ImportReport = parseImport(new TextEncoder().encode("First Name,Last Name,Email Address\nAda,Lovelace,ada@example.org\n"));
const message: WorkerMessage | null = null;
console.log(jwk.crv, report.stats.accepted, typeof DataOwner, message);
