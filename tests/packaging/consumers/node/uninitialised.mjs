// Every module's exports before its init: an HcpError that names the init.
import { generateKeyPair, HcpClient, isHcpError } from "hcp-kit";
import { parseImport } from "hcp-kit/import";
import { DataOwner } from "hcp-kit/dataowner";
const out = [];
for (const call of [() => generateKeyPair(), () => new HcpClient({ baseUrl: "http://127.0.0.1:1" }), () => parseImport(new Uint8Array(1)), () => DataOwner.open]) {
  try {
    const r = call();
    out.push(typeof r === "function" ? (() => { try { r(); return "no error"; } catch (e) { return `${isHcpError(e)} ${e.code} ${e.message}`; } })() : "no error");
  } catch (e) {
    out.push(`${isHcpError(e)} ${e.code} ${e.message}`);
  }
}
console.log(JSON.stringify(out));
