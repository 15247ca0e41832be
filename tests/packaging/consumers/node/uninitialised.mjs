// Every module's exports before its init: an HcpError that names the init;
// promise-returning calls reject rather than throw.
import { generateKeyPair, HcpClient, isHcpError } from "hcp-kit";
import { parseImport } from "hcp-kit/import";
import { DataOwner } from "hcp-kit/dataowner";
const describe = (e) => `${isHcpError(e)} ${e.code} ${e.message}`;
const out = [];
for (const call of [() => generateKeyPair(), () => new HcpClient("http://127.0.0.1:1"), () => parseImport(new Uint8Array(1))]) {
  try {
    call();
    out.push("no error");
  } catch (e) {
    out.push(describe(e));
  }
}
for (const call of [() => DataOwner.open({ baseUrl: "http://127.0.0.1:1", token: "t" }, "{}"), () => HcpClient.login("http://127.0.0.1:1", "a", "b")]) {
  let result;
  try {
    result = call();
  } catch (e) {
    out.push(`threw: ${describe(e)}`);
    continue;
  }
  out.push(await result.then(() => "no error", (e) => `rejected: ${describe(e)}`));
}
// isHcpError is plain JavaScript: usable before init, and only for hcp-kit's errors.
const lookalike = Object.assign(new Error("x"), { name: "HcpError" });
out.push([isHcpError("HcpError"), isHcpError(new Error("plain")), isHcpError(null), isHcpError(lookalike), isHcpError({ name: "HcpError", code: "X" })].join());
console.log(JSON.stringify(out));
