// Interoperability both ways with an independent implementation of the
// format (tests/support/protocol.mjs: @hpke/core for HPKE, WebCrypto for
// AES-GCM and ECDSA) running in Chromium: what hcp-kit's wasm wrote, the
// independent code verifies and decrypts; what the independent code wrote
// (exchange data sealed by @hpke/core, signed by WebCrypto; an entity sealed
// by WebCrypto), hcp-kit opens. hcp-kit runs here in Node (the same wasm).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { launchBrowser, ROOT } from "./harness.mjs";
import { startHcpServer, DEMO } from "../support/hcp-server.mjs";
import { serveIndependent } from "../support/independent.mjs";

const kit = await import(join(ROOT, "pkg/node.js"));
const owners = await import(join(ROOT, "pkg/node-dataowner.js"));
await kit.default();
await owners.default();
const { HcpClient, loadKeyPair } = kit;
const { DataOwner } = owners;

let server, browser, page;

before(async () => {
  server = await startHcpServer();
  browser = await launchBrowser();
  page = await (await browser.newContext()).newPage();
  await serveIndependent(page);
  await page.goto(`${server.url}/care.html`);
});
after(async () => {
  await browser?.close();
  await server?.stop();
});

test("what hcp-kit wrote, the independent implementation verifies and opens", async () => {
  const anne = await HcpClient.login(server.url, DEMO.hcpLogin, DEMO.hcpPassword);
  const file = DEMO.hcpKeyFile(server);
  const me = await DataOwner.open(anne, file, DEMO.hcpKeyPassphrase);
  const patient = await me.create("patient", { firstName: "Interop", note: "written by hcp-kit" });
  const jwk = loadKeyPair(file, DEMO.hcpKeyPassphrase).exportPrivateKeyJwk();
  const out = await page.evaluate(
    async ({ token, jwk, anneId, patientId }) => {
      const hpke = await import("/hpke/core/mod.js");
      const p = await import("/independent/protocol.mjs");
      const get = async (path) => (await fetch(path, { headers: { Authorization: `Bearer ${token}` } })).json();
      const mine = await p.importPair(hpke, jwk);
      const keys = await get(`/rest/v2/dataowner/${anneId}`);
      // The key chain: the root certifies itself.
      const root = keys.publicKeysP256[0];
      const cert = keys.keyCertificates[p.fingerprint(root)];
      const certified = await p.ecdsaVerify(root, p.certificateMessage(anneId, root), cert.signature);
      const data = await get(`/rest/v2/exchangedata/byDelegatorDelegate/${anneId}/${anneId}`);
      const exchangeKey = await p.openExchange(hpke, data, keys, mine);
      const entity = await get(`/rest/v2/patient/${patientId}`);
      const kv = entity.securityMetadata.keyVersion;
      const d = entity.securityMetadata.secureDelegations[anneId];
      const raw = await p.open(await p.aesKey(exchangeKey), p.delegationAad("patient", patientId, kv, anneId), d.encryptedKey);
      const content = await p.open(await p.aesKey(raw), p.contentAad("patient", patientId, kv, entity.contentVersion, "self"), entity.encryptedSelf);
      return { certified, content: JSON.parse(p.td.decode(content)) };
    },
    { token: await anne.accessToken(), jwk, anneId: DEMO.hcpId, patientId: patient.id },
  );
  assert.equal(out.certified, true);
  assert.equal(out.content.firstName, "Interop");
  assert.equal(out.content.note, "written by hcp-kit");
  assert.match(out.content.secretId, /^[A-Za-z0-9_-]{43}$/);
});

test("what the independent implementation wrote, hcp-kit verifies and opens", async () => {
  // Jean-Luc, another HCP, makes his key with hcp-kit on his first login.
  const admin = await HcpClient.login(server.url, DEMO.login, DEMO.password);
  const jl = await admin.getHcp("00000000-0000-4000-8000-000000000002");
  await admin.setPassword(jl.userId, "jean-luc's password");
  const client = await HcpClient.login(server.url, "jl.martin@example.fr", "jean-luc's password");
  const { session, keyFile } = await DataOwner.firstLogin(client, "jl passphrase");
  session.free();
  const jwk = loadKeyPair(keyFile, "jl passphrase").exportPrivateKeyJwk();
  const id = await page.evaluate(
    async ({ token, jwk, meId }) => {
      const hpke = await import("/hpke/core/mod.js");
      const p = await import("/independent/protocol.mjs");
      const call = async (method, path, body) => {
        const r = await fetch(path, { method, headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" }, body: body && JSON.stringify(body) });
        if (!r.ok) throw new Error(`${method} ${path}: ${r.status} ${await r.text()}`);
        return r.json();
      };
      const me = await p.importPair(hpke, jwk);
      const keys = await call("GET", `/rest/v2/dataowner/${meId}`);
      const root = p.fingerprint(keys.publicKeysP256[0]);
      const { data, exchangeKey } = await p.createExchange(hpke, {
        id: crypto.randomUUID(), meId, me, delegateId: meId, delegatorRoot: root, delegateRoot: root, recipients: keys.publicKeysP256,
      });
      await call("POST", "/rest/v2/exchangedata", data);
      const patientId = crypto.randomUUID();
      const entityKey = crypto.getRandomValues(new Uint8Array(32));
      const content = { firstName: "Independent", lastName: "Writer", secretId: p.b64url(crypto.getRandomValues(new Uint8Array(32))) };
      const encryptedSelf = await p.seal(await p.aesKey(entityKey), p.contentAad("patient", patientId, 1, 1, "self"), p.te.encode(JSON.stringify(content)));
      const encryptedKey = await p.seal(await p.aesKey(exchangeKey), p.delegationAad("patient", patientId, 1, meId), entityKey);
      await call("POST", "/rest/v2/patient", {
        id: patientId, encryptedSelf, contentVersion: 1, active: true,
        securityMetadata: { keyVersion: 1, secureDelegations: { [meId]: { delegator: meId, exchangeDataId: data.id, encryptedKey, permission: "write" } } },
      });
      return patientId;
    },
    { token: await client.accessToken(), jwk, meId: jl.id },
  );
  const reader = await DataOwner.open(client, keyFile, "jl passphrase");
  const read = await reader.get("patient", id);
  assert.deepEqual([read.firstName, read.lastName, read.active], ["Independent", "Writer", true]);
  // And hcp-kit keeps using the exchange data the independent code made.
  const visit = await reader.create("visit", { patientId: id, description: "after interop", samples: [{ label: "x" }] });
  assert.equal((await reader.children("visit", id)).rows[0].id, visit.id);
});

test("a DataOwner session works in a module Worker", async () => {
  const anne = await HcpClient.login(server.url, DEMO.hcpLogin, DEMO.hcpPassword);
  const answer = await page.evaluate(
    ({ token, keyFile, passphrase }) =>
      new Promise((resolve) => {
        const worker = new Worker("/independent/owner-worker.mjs", { type: "module" });
        worker.onmessage = ({ data }) => {
          worker.terminate();
          resolve(data);
        };
        worker.onerror = (e) => resolve({ ok: false, message: e.message });
        worker.postMessage({ token, keyFile, passphrase });
      }),
    { token: await anne.accessToken(), keyFile: DEMO.hcpKeyFile(server), passphrase: DEMO.hcpKeyPassphrase },
  );
  assert.equal(answer.ok, true, answer.message);
  assert.ok(answer.names.includes("Interop"), JSON.stringify(answer.names));
});

test("a malicious server (answers rewritten on the way) is caught in Chromium", async () => {
  const anne = await HcpClient.login(server.url, DEMO.hcpLogin, DEMO.hcpPassword);
  const keyFile = DEMO.hcpKeyFile(server);
  const me = await DataOwner.open(anne, keyFile, DEMO.hcpKeyPassphrase);
  const alice = await me.create("patient", { firstName: "Alice" });
  const bob = await me.create("patient", { firstName: "Bob" });
  const token = await anne.accessToken();
  const bobRaw = await (await fetch(`${server.url}/rest/v2/patient/${bob.id}`, { headers: { Authorization: `Bearer ${token}` } })).json();
  const aliceOld = await (await fetch(`${server.url}/rest/v2/patient/${alice.id}`, { headers: { Authorization: `Bearer ${token}` } })).json();
  await me.update("patient", { ...alice, firstName: "Alice B." });
  me.free();

  // In the page: a fresh session per attempt (no cache), reading through a rewriting "server".
  const attempt = (what, extra = {}) =>
    page.evaluate(
      async ({ token, keyFile, passphrase, what, ids, extra }) => {
        const mod = await import("/pkg/hcp_kit_dataowner.js");
        await mod.default();
        let s;
        try {
          s = await mod.DataOwner.open({ baseUrl: location.origin, token }, keyFile, passphrase);
          if (what === "share") await s.share("patient", ids.alice, extra.delegate, { permission: "read" });
          else await s.get("patient", ids[what]);
          return { ok: true };
        } catch (e) {
          return { ok: false, code: e.code, name: e.name };
        } finally {
          s?.free();
        }
      },
      { token, keyFile, passphrase: DEMO.hcpKeyPassphrase, what, ids: { alice: alice.id, bob: bob.id }, extra },
    );
  const rewrite = async (pattern, edit) => {
    await page.route(pattern, async (route) => {
      const response = await route.fetch();
      const body = await response.json();
      await route.fulfill({ response, json: edit(body) });
    });
  };
  assert.deepEqual(await attempt("alice"), { ok: true });

  // Swapped encryptedSelf between two entities.
  await rewrite(`**/rest/v2/patient/${alice.id}`, (doc) => ({ ...doc, encryptedSelf: bobRaw.encryptedSelf }));
  assert.deepEqual(await attempt("alice"), { ok: false, code: "Tampered", name: "HcpError" });
  await page.unrouteAll();
  // A replayed old version: the old ciphertext under the current versions.
  await rewrite(`**/rest/v2/patient/${alice.id}`, (doc) => ({ ...doc, encryptedSelf: aliceOld.encryptedSelf }));
  assert.equal((await attempt("alice")).code, "Tampered");
  await page.unrouteAll();
  // A forged exchange-data entry (its signature changed).
  await rewrite("**/rest/v2/exchangedata/**", (data) => ({ ...data, signature: data.signature.replace(/^./, (c) => (c === "A" ? "B" : "A")) }));
  assert.equal((await attempt("bob")).code, "Tampered");
  await page.unrouteAll();
  // ... or re-signed by a key the delegator never certified.
  const evil = kit.generateKeyPair();
  await rewrite("**/rest/v2/exchangedata/**", (data) => ({ ...data, signedBy: evil.fingerprint }));
  assert.equal((await attempt("bob")).code, "Tampered");
  await page.unrouteAll();
  // An attacker key (self-certified) added to a delegate's keys (Jean-Luc,
  // who made his key in the test above): sharing with him refuses.
  const jl = "00000000-0000-4000-8000-000000000002";
  await rewrite(`**/rest/v2/dataowner/${jl}`, (keys) => {
    const message = new TextEncoder().encode(`hcp-kit/v1\0key-certificate\0${jl}\0${evil.publicKeyHex}`);
    const signature = Buffer.from(evil.sign(message)).toString("base64");
    return {
      ...keys,
      publicKeysP256: [...keys.publicKeysP256, evil.publicKeyHex],
      keyCertificates: { ...keys.keyCertificates, [evil.fingerprint]: { signedBy: evil.fingerprint, signature } },
    };
  });
  const refused = await attempt("share", { delegate: jl });
  assert.equal(refused.ok, false);
  assert.ok(["Tampered", "KeyMissing"].includes(refused.code), JSON.stringify(refused));
  await page.unrouteAll();
  evil.free();
  assert.deepEqual(await attempt("bob"), { ok: true }, "an honest answer reads again");
});
