// The page's "Generate keypair" flow in Chromium: the public key is shown, the
// JSON file downloads and loads back (plain and passphrase-sealed), the
// verify form accepts it, and no request ever carries the private key.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { openApp, OUTPUT, ROOT } from "./harness.mjs";

const kit = await import(join(ROOT, "pkg/node.js"));
await kit.default();

let app;
const requests = [];
before(async () => {
  app = await openApp({
    onContext: (context) =>
      context.on("request", async (req) => {
        requests.push({ url: req.url(), headers: JSON.stringify(await req.allHeaders()), body: req.postData() ?? "" });
      }),
  });
});
after(async () => app?.close());

const HCP_ID = "3f1c2a7e-5b4d-4c1e-9a8f-0d2b6e7c1a90";

async function generate(page) {
  await page.fill("#hcp-id", HCP_ID);
  await page.click("#generate");
  await page.waitForSelector("#keypair-result:not([hidden])");
  return page.textContent("#public-key");
}

async function save(page, passphrase) {
  await page.fill("#passphrase", passphrase);
  const [download] = await Promise.all([page.waitForEvent("download"), page.click("#save-json")]);
  assert.equal(download.suggestedFilename(), `hcp-${HCP_ID}-keypair.json`);
  return readFile(await download.path(), "utf8");
}

/** Every way the private key could be written down. */
function privateEncodings(keyPair) {
  const pkcs8 = keyPair.exportPrivateKeyPkcs8();
  const der = Buffer.from(pkcs8, "base64");
  const d = keyPair.exportPrivateKeyJwk().d;
  const rawD = Buffer.from(d, "base64url");
  const pemLines = keyPair.exportPrivateKeyPem().split("\n").filter((l) => l && !l.startsWith("-----"));
  return [
    pkcs8,
    encodeURIComponent(pkcs8),
    der.toString("hex"),
    der.toString("base64url"),
    d,
    rawD.toString("hex"),
    rawD.toString("base64"),
    ...pemLines,
  ];
}

test("generate, show, save as JSON and load back", async () => {
  const { page } = app;
  const shown = await generate(page);
  assert.match(shown, /^3059301306072a8648ce3d020106082a8648ce3d030107034200[0-9a-f]{130}$/);
  assert.equal(await page.textContent("#fingerprint"), shown.slice(-32));
  await page.screenshot({ path: join(OUTPUT, "keypair-generated.png"), fullPage: true });

  const plain = await save(page, "");
  const file = JSON.parse(plain);
  assert.equal(file.format, "hcp-kit-keypair");
  assert.equal(file.version, 1);
  assert.equal(file.hcpId, HCP_ID);
  assert.equal(file.publicKey.spkiHex, shown);
  assert.ok(Math.abs(Date.parse(file.createdAt) - Date.now()) < 60_000, file.createdAt);
  const loaded = kit.loadKeyPair(plain);
  assert.equal(loaded.publicKeyHex, shown);

  const sealed = await save(page, "correct horse battery");
  assert.ok(JSON.parse(sealed).privateKey.encrypted);
  for (const secret of privateEncodings(loaded)) assert.ok(!sealed.includes(secret), "sealed file leaks the key");
  assert.throws(() => kit.loadKeyPair(sealed, "wrong"), (e) => e.name === "HcpError" && e.code === "WrongPassphrase");
  assert.equal(kit.loadKeyPair(sealed, "correct horse battery").publicKeyHex, shown);

  // The verify form reads the file back in the page.
  await page.setInputFiles("#keyfile", { name: "k.json", mimeType: "application/json", buffer: Buffer.from(sealed) });
  await page.fill("#verify-passphrase", "correct horse battery");
  await page.click("#verify-button");
  await page.waitForFunction(() => document.querySelector("#verify-result").textContent.startsWith("Valid"));
  assert.match(await page.textContent("#verify-result"), new RegExp(`HCP ${HCP_ID}.*${shown.slice(-32)}`));
  await page.fill("#verify-passphrase", "nope");
  await page.click("#verify-button");
  await page.waitForSelector("#banner:not([hidden])");
  assert.match(await page.textContent("#banner"), /WrongPassphrase/);
  await page.screenshot({ path: join(OUTPUT, "keypair-verify-error.png"), fullPage: true });

  // No request the page made carries any encoding of the private key.
  assert.ok(requests.length >= 4, `recorded ${requests.length} requests`);
  for (const secret of privateEncodings(loaded)) {
    for (const r of requests) {
      for (const part of [r.url, r.headers, r.body]) assert.ok(!part.includes(secret), `private key in ${r.url}`);
    }
  }
  loaded.free();
  assert.deepEqual(app.errors, []);
});

test("an empty HCP ID cannot be submitted", async () => {
  const { page } = app;
  await page.fill("#hcp-id", "");
  await page.click("#generate");
  assert.equal(await page.$eval("#hcp-id", (el) => el.validity.valueMissing), true);
});
