// hcp-kit keys against WebCrypto in a real Chromium page: every export imports
// into WebCrypto, signatures verify both ways, ECDH secrets agree both ways.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { openApp } from "./harness.mjs";

let app;
before(async () => {
  app = await openApp();
});
after(async () => app?.close());

test("hcp-kit and WebCrypto interoperate on P-256", async () => {
  const r = await app.page.evaluate(async () => {
    const kit = await import("/pkg/hcp_kit.js");
    await kit.default();
    const subtle = crypto.subtle;
    const ecdsa = { name: "ECDSA", namedCurve: "P-256" };
    const ecdh = { name: "ECDH", namedCurve: "P-256" };
    const sha = { name: "ECDSA", hash: "SHA-256" };
    const b64 = (s) => Uint8Array.from(atob(s), (c) => c.charCodeAt(0));
    const hex = (buf) => [...new Uint8Array(buf)].map((b) => b.toString(16).padStart(2, "0")).join("");
    const msg = new TextEncoder().encode("HCP 3f1c2a7e registers a public key");
    const out = {};

    const kp = kit.generateKeyPair();
    // hcp-kit exports -> WebCrypto imports
    const pubSpki = await subtle.importKey("spki", kp.publicKeySpki(), ecdsa, true, ["verify"]);
    const pubJwk = await subtle.importKey("jwk", kp.publicKeyJwk(), ecdsa, true, ["verify"]);
    const privPkcs8 = await subtle.importKey("pkcs8", b64(kp.exportPrivateKeyPkcs8()), ecdsa, true, ["sign"]);
    const privJwk = await subtle.importKey("jwk", kp.exportPrivateKeyJwk(), ecdsa, true, ["sign"]);
    out.spkiRoundTrip = hex(await subtle.exportKey("spki", pubSpki)) === kp.publicKeyHex;
    out.jwkRoundTrip = hex(await subtle.exportKey("spki", pubJwk)) === kp.publicKeyHex;
    out.pkcs8PublicMatches = (await subtle.exportKey("jwk", privPkcs8)).x === kp.publicKeyJwk().x;
    out.privJwkD = (await subtle.exportKey("jwk", privJwk)).d === kp.exportPrivateKeyJwk().d;

    // hcp-kit signs, WebCrypto verifies
    const sig = kp.sign(msg);
    out.webcryptoVerifiesKit = await subtle.verify(sha, pubSpki, sig, msg);
    out.webcryptoRejectsTampered = !(await subtle.verify(sha, pubSpki, sig, new TextEncoder().encode("other")));
    // WebCrypto signs (with the imported hcp-kit key and with its own key), hcp-kit verifies
    const wcSig = new Uint8Array(await subtle.sign(sha, privPkcs8, msg));
    out.kitVerifiesWebcryptoWithKitKey = kit.verify(kp.publicKeyHex, msg, wcSig);
    const wc = await subtle.generateKey(ecdsa, true, ["sign", "verify"]);
    const wcSig2 = new Uint8Array(await subtle.sign(sha, wc.privateKey, msg));
    const wcSpki = new Uint8Array(await subtle.exportKey("spki", wc.publicKey));
    out.kitVerifiesWebcrypto = kit.verify(wcSpki, msg, wcSig2);
    out.kitVerifiesWebcryptoJwk = kit.verify(await subtle.exportKey("jwk", wc.publicKey), msg, wcSig2);
    out.kitRejectsWrongKey = !kit.verify(kp.publicKeyHex, msg, wcSig2);
    // WebCrypto private key -> hcp-kit (pkcs8 bytes and JWK)
    const fromPkcs8 = kit.importPrivateKey(new Uint8Array(await subtle.exportKey("pkcs8", wc.privateKey)));
    out.importedPkcs8Public = fromPkcs8.publicKeyHex === hex(wcSpki);
    const fromJwk = kit.importPrivateKey(await subtle.exportKey("jwk", wc.privateKey));
    out.importedJwkPublic = fromJwk.publicKeyHex === hex(wcSpki);
    out.importedSignsForWebcrypto = await subtle.verify(sha, wc.publicKey, fromPkcs8.sign(msg), msg);

    // ECDH both ways: hcp-kit A with WebCrypto B
    const b = await subtle.generateKey(ecdh, true, ["deriveBits"]);
    const bSpki = new Uint8Array(await subtle.exportKey("spki", b.publicKey));
    const kitSide = kp.deriveSharedSecret(bSpki);
    const aPub = await subtle.importKey("spki", kp.publicKeySpki(), ecdh, true, []);
    const wcSide = new Uint8Array(await subtle.deriveBits({ name: "ECDH", public: aPub }, b.privateKey, 256));
    out.ecdhAgrees = kitSide.length === 32 && hex(kitSide) === hex(wcSide);
    // and with the hcp-kit private key imported into WebCrypto for ECDH
    const aPrivEcdh = await subtle.importKey("pkcs8", b64(kp.exportPrivateKeyPkcs8()), ecdh, false, ["deriveBits"]);
    const bPub = await subtle.importKey("spki", bSpki, ecdh, true, []);
    const wcSide2 = new Uint8Array(await subtle.deriveBits({ name: "ECDH", public: bPub }, aPrivEcdh, 256));
    out.ecdhAgreesReverse = hex(wcSide2) === hex(kitSide);
    // different peer, different secret
    const c = await subtle.generateKey(ecdh, true, ["deriveBits"]);
    out.ecdhDiffers = hex(kp.deriveSharedSecret(new Uint8Array(await subtle.exportKey("spki", c.publicKey)))) !== hex(kitSide);

    for (const k of [kp, fromPkcs8, fromJwk]) k.free();
    return out;
  });
  for (const [check, ok] of Object.entries(r)) assert.equal(ok, true, check);
  assert.equal(Object.keys(r).length, 16);
  assert.deepEqual(app.errors, []);
});

test("errors thrown into the page are HcpError with a code", async () => {
  const r = await app.page.evaluate(async () => {
    const kit = await import("/pkg/hcp_kit.js");
    await kit.default();
    try {
      kit.loadKeyPair("{\"format\":\"hcp-kit-keypair\",\"version\":7}");
      return null;
    } catch (e) {
      return { isError: e instanceof Error, name: e.name, code: e.code, message: e.message, stack: typeof e.stack };
    }
  });
  assert.deepEqual(r, {
    isError: true,
    name: "HcpError",
    code: "UnsupportedVersion",
    message: "unsupported keypair file version 7 (this hcp-kit reads version 1)",
    stack: "string",
  });
});
