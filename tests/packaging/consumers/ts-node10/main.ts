// The old `node10` resolution, which ignores `exports`: subpaths through typesVersions.
import init, { generateKeyPair } from "hcp-kit";
import initImport, { parseImport } from "hcp-kit/import";
import { DataOwner } from "hcp-kit/dataowner";
import type { ParseRequest } from "hcp-kit/worker";

const request: ParseRequest = { id: 1, type: "parse", bytes: new Uint8Array(0) };
void Promise.all([init(), initImport()]).then(() => console.log(generateKeyPair().publicKeyHex, typeof parseImport, typeof DataOwner, request.id));
