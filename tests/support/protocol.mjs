// An independent implementation of hcp-kit's data-owner format, from its
// documentation (docs/data-owners.md), on WebCrypto and @hpke/core: the
// interop tests and the benchmark run it in Chromium against what hcp-kit's
// wasm writes and reads. Browser ES module; `hpke` is @hpke/core's module.

const te = new TextEncoder();
const td = new TextDecoder();

export const HPKE_INFO = te.encode("hcp-kit/v1 exchange-key");

export const b64 = {
  encode: (bytes) => btoa(String.fromCharCode(...new Uint8Array(bytes))),
  decode: (text) => Uint8Array.from(atob(text), (c) => c.charCodeAt(0)),
};
export const b64url = (bytes) => b64.encode(bytes).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
const hex = (bytes) => [...new Uint8Array(bytes)].map((b) => b.toString(16).padStart(2, "0")).join("");
const fromHex = (text) => Uint8Array.from(text.match(/../g), (h) => parseInt(h, 16));
const concat = (...parts) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let i = 0;
  for (const p of parts) {
    out.set(p, i);
    i += p.length;
  }
  return out;
};
const nul = (...fields) => te.encode(fields.join("\0"));

export const wrapAad = (id, delegator, delegate, fingerprint) => nul("hcp-kit/v1", "exchange-key", id, delegator, delegate, fingerprint);
export const delegationAad = (kind, id, keyVersion, delegate) => nul("hcp-kit/v1", "delegation", kind, id, keyVersion, delegate);
export const contentAad = (kind, id, keyVersion, contentVersion, part) =>
  nul("hcp-kit/v1", "content", kind, id, keyVersion, contentVersion, part);
export const certificateMessage = (owner, spkiHex) => nul("hcp-kit/v1", "key-certificate", owner, spkiHex);
export const fingerprint = (spkiHex) => spkiHex.slice(-32);

/** What the delegator signs: every field but the signature, wraps in key order. */
export function signedBytes(d) {
  const head = nul("hcp-kit/v1", "exchange-data", d.id, d.delegator, d.delegate, d.delegatorRoot, d.delegateRoot, d.signedBy);
  const wraps = Object.keys(d.wrappedKeys)
    .sort()
    .map((fp) => nul("", fp, d.wrappedKeys[fp]));
  return concat(head, ...wraps);
}

export const suite = (hpke) =>
  new hpke.CipherSuite({ kem: new hpke.DhkemP256HkdfSha256(), kdf: new hpke.HkdfSha256(), aead: new hpke.Aes256Gcm() });

/** A P-256 key pair for this implementation, from a private JWK. */
export async function importPair(hpke, jwk) {
  const { x, y, d } = jwk;
  const pub = { kty: "EC", crv: "P-256", x, y, ext: true };
  const priv = { ...pub, d };
  const spki = hex(await crypto.subtle.exportKey("spki", await crypto.subtle.importKey("jwk", pub, { name: "ECDSA", namedCurve: "P-256" }, true, ["verify"])));
  return {
    jwk: priv,
    spkiHex: spki,
    fingerprint: fingerprint(spki),
    sign: await crypto.subtle.importKey("jwk", priv, { name: "ECDSA", namedCurve: "P-256" }, false, ["sign"]),
    hpke: await suite(hpke).kem.importKey("jwk", priv, false),
  };
}

export async function verifyKey(spkiHex, extractable = false) {
  return crypto.subtle.importKey("spki", fromHex(spkiHex), { name: "ECDSA", namedCurve: "P-256" }, extractable, ["verify"]);
}

export async function ecdsaVerify(spkiHex, message, signatureB64) {
  return crypto.subtle.verify({ name: "ECDSA", hash: "SHA-256" }, await verifyKey(spkiHex), b64.decode(signatureB64), message);
}

/** Verifies exchange data against the delegator's keys, then opens the wrap for `me`. */
export async function openExchange(hpke, data, delegatorKeys, me) {
  const signer = delegatorKeys.publicKeysP256.find((k) => fingerprint(k) === data.signedBy);
  if (!signer || !(await ecdsaVerify(signer, signedBytes(data), data.signature))) throw new Error("Tampered: signature");
  const sealed = b64.decode(data.wrappedKeys[me.fingerprint]);
  const aad = wrapAad(data.id, data.delegator, data.delegate, me.fingerprint);
  const key = await suite(hpke).open({ recipientKey: me.hpke, enc: sealed.slice(0, 65), info: HPKE_INFO }, sealed.slice(65), aad);
  return new Uint8Array(key);
}

/** New exchange data from `me` (`meId`) to `delegateId`, for the given SPKI keys. */
export async function createExchange(hpke, { id, meId, me, delegateId, delegatorRoot, delegateRoot, recipients }) {
  const exchangeKey = crypto.getRandomValues(new Uint8Array(32));
  const s = suite(hpke);
  const wrappedKeys = {};
  for (const spkiHex of recipients) {
    const raw = new Uint8Array(await crypto.subtle.exportKey("raw", await verifyKey(spkiHex, true)));
    const recipientPublicKey = await s.kem.importKey("raw", raw.buffer, true);
    const fp = fingerprint(spkiHex);
    const { enc, ct } = await s.seal({ recipientPublicKey, info: HPKE_INFO }, exchangeKey, wrapAad(id, meId, delegateId, fp));
    wrappedKeys[fp] = b64.encode(concat(new Uint8Array(enc), new Uint8Array(ct)));
  }
  const data = { id, delegator: meId, delegate: delegateId, delegatorRoot, delegateRoot, wrappedKeys, signedBy: me.fingerprint, signature: "" };
  const sig = await crypto.subtle.sign({ name: "ECDSA", hash: "SHA-256" }, me.sign, signedBytes(data));
  data.signature = b64.encode(sig);
  return { data, exchangeKey };
}

export async function aesKey(raw) {
  return crypto.subtle.importKey("raw", raw, "AES-GCM", false, ["encrypt", "decrypt"]);
}

export async function seal(key, aad, plaintext) {
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const ct = await crypto.subtle.encrypt({ name: "AES-GCM", iv, additionalData: aad }, key, plaintext);
  return b64.encode(concat(iv, new Uint8Array(ct)));
}

export async function open(key, aad, sealed) {
  const bytes = b64.decode(sealed);
  const pt = await crypto.subtle.decrypt({ name: "AES-GCM", iv: bytes.slice(0, 12), additionalData: aad }, key, bytes.slice(12));
  return new Uint8Array(pt);
}

/** Decrypts a visit (its description and every Data Sample) with the exchange key of its delegation to `me`. */
export async function decryptVisit(visit, meId, exchange) {
  const kv = visit.securityMetadata.keyVersion;
  const d = visit.securityMetadata.secureDelegations[meId];
  const entityKey = await aesKey(await open(exchange, delegationAad("contact", visit.id, kv, meId), d.encryptedKey));
  const self = JSON.parse(td.decode(await open(entityKey, contentAad("contact", visit.id, kv, visit.contentVersion, "self"), visit.encryptedSelf)));
  self.samples = await Promise.all(
    (visit.services ?? []).map(async (s) =>
      JSON.parse(td.decode(await open(entityKey, contentAad("contact", visit.id, kv, visit.contentVersion, `service:${s.id}`), s.encryptedSelf))),
    ),
  );
  return self;
}

export { te, td, hex, fromHex, concat };
