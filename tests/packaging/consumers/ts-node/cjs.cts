// A CommonJS consumer under node16 (compiled to require()).
import init, { initSync, generateKeyPair } from "hcp-kit";
import initImport, { parseImport } from "hcp-kit/import";
import type { WorkerMessage } from "hcp-kit/worker";

initSync();
void init;
void initImport;
const key: string = generateKeyPair().publicKeyHex;
const message: WorkerMessage | undefined = undefined;
console.log(key, typeof parseImport, message);
