// A browser consumer with no esnext lib (no Symbol.dispose of its own).
import init, { generateKeyPair } from "hcp-kit";
import initImport, { parseImport } from "hcp-kit/import";
import initDataOwner from "hcp-kit/dataowner";
import type { WorkerMessage } from "hcp-kit/worker";

await Promise.all([init(), initImport(), initDataOwner({ module_or_path: "/hcp_kit_dataowner_bg.wasm" })]);
const key = generateKeyPair();
const jwk: JsonWebKey = key.publicKeyJwk();
key.free();
const worker = new Worker(new URL("hcp-kit/worker", import.meta.url), { type: "module" });
worker.onmessage = (event: MessageEvent<WorkerMessage>) => console.log(event.data.type);
console.log(jwk.kty, parseImport(new Uint8Array(0)).stats.rows);
