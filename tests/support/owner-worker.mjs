// A module Worker that opens a DataOwner session (hcp-kit/dataowner) with a
// token and a keypair file the page sends, and answers with what it decrypted.
import init, { DataOwner } from "/pkg/hcp_kit_dataowner.js";

self.onmessage = async ({ data }) => {
  try {
    await init();
    const me = await DataOwner.open({ baseUrl: self.location.origin, token: data.token }, data.keyFile, data.passphrase);
    const { rows } = await me.list("patient");
    const names = rows.map((p) => p.firstName).sort();
    const id = me.id;
    me.free();
    self.postMessage({ ok: true, names, id });
  } catch (e) {
    self.postMessage({ ok: false, code: e.code, message: String(e.message ?? e) });
  }
};
