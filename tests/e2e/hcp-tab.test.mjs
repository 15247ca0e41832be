// Every step of the HCP guide, done in the real page in Chromium against the
// real hcp-server on loopback (fresh SQLite file, demo database): log in,
// choose a database, add an HCP and an organization, edit, copy IDs, create
// and delete an authentication token (and use it), generate a keypair
// (registered, saved, never sent), import .xlsx and .csv files with rejected
// rows shown, cancel a large parse, delete. Screenshots go to tests/output/.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { launchBrowser, OUTPUT, ROOT } from "./harness.mjs";
import { startHcpServer, DEMO } from "../support/hcp-server.mjs";

const kit = await import(join(ROOT, "pkg/node.js"));
await kit.default();
const FIXTURES = join(ROOT, "crates/hcp-core/tests/fixtures/import");

let server, browser, context, page;
const requests = [];
const errors = [];

before(async () => {
  server = await startHcpServer();
  browser = await launchBrowser();
  context = await browser.newContext({ acceptDownloads: true });
  await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: server.url });
  context.on("request", async (req) => {
    requests.push({ url: req.url(), headers: JSON.stringify(await req.allHeaders()), body: req.postData() ?? "" });
  });
  page = await context.newPage();
  page.on("pageerror", (e) => errors.push(e));
  await page.goto(server.url);
});
after(async () => {
  await browser?.close();
  await server?.stop();
});

const shot = (name) => page.screenshot({ path: join(OUTPUT, `hcp-tab-${name}.png`), fullPage: true });
const row = (name) => page.locator("tr.hcp-row", { has: page.locator("td.name", { hasText: name }) });

/** The API as a script would call it (outside the page). */
async function api(path, { method = "GET", token, body, headers = {} } = {}) {
  const r = await fetch(`${server.url}${path}`, {
    method,
    headers: { ...(token ? { Authorization: `Bearer ${token}` } : {}), ...(body ? { "Content-Type": "application/json" } : {}), ...headers },
    body: body ? JSON.stringify(body) : undefined,
  });
  return { status: r.status, body: await r.json().catch(() => null) };
}
const adminToken = async () => (await api("/rest/v2/auth/login", { method: "POST", body: { username: DEMO.login, password: DEMO.password } })).body.token;

async function menu(name, item) {
  await row(name).getByRole("button", { name: `Actions for ${name}` }).click();
  await row(name).getByRole("menuitem", { name: item }).click();
}

async function expand(name) {
  const toggle = row(name).getByRole("button", { name: `Details of ${name}` });
  if ((await toggle.getAttribute("aria-expanded")) !== "true") await toggle.click();
  const id = await row(name).getAttribute("data-id");
  return page.locator(`tr.hcp-detail[data-id="${id}"]`);
}

test("log in and choose a database", async () => {
  await page.waitForSelector("#login:not([hidden])");
  await shot("login");
  await page.fill("#username", DEMO.login);
  await page.fill("#password", "wrong password");
  await page.click("#login-button");
  await page.waitForSelector("#banner:not([hidden])");
  assert.match(await page.textContent("#banner-text"), /Unauthorized/);

  await page.fill("#password", DEMO.password);
  await page.click("#login-button");
  await page.waitForSelector("#hcp-tab:not([hidden])");
  await row("Anne Dupont").waitFor();
  assert.deepEqual(await page.$$eval("#database option", (o) => o.map((x) => x.value)), [DEMO.database, DEMO.other]);
  assert.equal(await row("Anne Dupont").locator("td.type").textContent(), "Healthcare Professional");
  assert.equal(await row("Anne Dupont").locator("td.parent").textContent(), "Clinique du Parc");
  assert.equal(await row("Clinique du Parc").locator("td.type").textContent(), "Organization");
  await shot("list");

  // The other database is empty; back to the demo clinic.
  await page.selectOption("#database", DEMO.other);
  await page.waitForSelector("#empty:not([hidden])");
  await page.selectOption("#database", DEMO.database);
  await row("Anne Dupont").waitFor();
  // Search.
  await page.fill("#search", "zoë");
  await page.waitForFunction(() => document.querySelectorAll("tr.hcp-row").length === 1);
  await page.fill("#search", "");
  await row("Clinique du Parc").waitFor();
});

test("Add User: a Healthcare Professional with inline validation, then an Organization", async () => {
  await page.click("#add-user");
  await page.fill("#f-firstName", "Marie");
  await page.fill("#f-lastName", "Curie");
  await page.fill("#f-email", "marie curie@example");
  await page.waitForFunction(() => document.querySelector("#e-email").textContent.length > 0);
  assert.equal(await page.getAttribute("#f-email", "aria-invalid"), "true");
  await page.fill("#f-mobilePhone", "0475 11 22 33");
  await page.waitForFunction(() => document.querySelector("#e-mobilePhone").textContent.length > 0);
  await shot("add-user-invalid");
  await page.fill("#f-email", "marie.curie@example.be");
  await page.fill("#f-countryCode", "BE");
  await page.selectOption("#f-parentId", DEMO.orgId);
  await page.check("#f-invite");
  assert.equal(await page.textContent("#e-email"), "");
  assert.equal(await page.textContent("#e-mobilePhone"), "");
  await page.click("#hcp-save");
  await row("Marie Curie").waitFor();
  assert.match(await page.textContent("#notice"), /Marie Curie was created and invited/);
  assert.equal(await row("Marie Curie").locator("td.email").textContent(), "marie.curie@example.be");
  assert.equal(await row("Marie Curie").locator("td.parent").textContent(), "Clinique du Parc");
  const outbox = await api("/rest/v2/admin/outbox", { token: await adminToken() });
  assert.ok(outbox.body.some((m) => m.to === "marie.curie@example.be"), "the invitation e-mail is queued");

  await page.click("#add-user");
  await page.check('input[name="kind"][value="organization"]');
  await page.fill("#f-name", "Hôpital Saint-Luc");
  await page.fill("#f-email", "info@saint-luc.example");
  await shot("add-organization");
  await page.click("#hcp-save");
  await row("Hôpital Saint-Luc").waitFor();
  assert.equal(await row("Hôpital Saint-Luc").locator("td.type").textContent(), "Organization");
});

test("Edit: change and save; the list shows it", async () => {
  await menu("Marie Curie", "Edit");
  await page.waitForSelector("#hcp-dialog[open]");
  assert.equal(await page.inputValue("#f-email"), "marie.curie@example.be");
  await page.fill("#f-firstName", "Maria");
  await shot("edit");
  await page.click("#hcp-save");
  await row("Maria Curie").waitFor();
  assert.equal(await row("Marie Curie").count(), 0);
});

test("copy the HCP ID and the Organization ID from the expanded row", async () => {
  const detail = await expand("Maria Curie");
  const id = await row("Maria Curie").getAttribute("data-id");
  await detail.getByRole("button", { name: "Copy HCP ID" }).click();
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), id);
  await detail.getByRole("button", { name: "Copy Organization ID" }).click();
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), DEMO.orgId);
  const org = await expand("Clinique du Parc");
  await org.getByRole("button", { name: "Copy Organization ID" }).click();
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), DEMO.orgId);
  await shot("expanded-row");
});

test("authentication token: create (shown once), log in with it, delete, refused", async () => {
  const detail = await expand("Maria Curie");
  await detail.getByRole("button", { name: "New authentication token for Maria Curie" }).click();
  await page.fill("#token-name", "mobile-app");
  const expiry = new Date(Date.now() + 7 * 24 * 3600 * 1000);
  const pad = (n) => String(n).padStart(2, "0");
  await page.fill("#token-expiry", `${expiry.getFullYear()}-${pad(expiry.getMonth() + 1)}-${pad(expiry.getDate())}T10:30`);
  await page.click("#token-submit");
  await page.waitForSelector("#token-created:not([hidden])");
  const token = (await page.textContent("#token-value")).trim();
  assert.ok(token.length >= 20, token);
  await page.click("#token-copy");
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), token);
  await shot("token-created");
  await page.click("#token-dialog [data-close]");
  await detail.locator('li[data-token="mobile-app"]').waitFor();
  assert.equal(await row("Maria Curie").locator("td.token-count").textContent(), "1");

  // The same name again: refused before any token is made.
  await detail.getByRole("button", { name: "New authentication token for Maria Curie" }).click();
  await page.fill("#token-name", "mobile-app");
  await page.click("#token-submit");
  await page.waitForFunction(() => /already has a token/.test(document.querySelector("#token-error").textContent));
  await page.click("#token-dialog [data-close]");

  const asUser = await api("/rest/v2/auth/login", { method: "POST", body: { username: "marie.curie@example.be", password: token } });
  assert.equal(asUser.status, 200, "the token logs in");
  await detail.getByRole("button", { name: "Delete token mobile-app" }).click();
  await page.waitForFunction((id) => !document.querySelector(`tr.hcp-detail[data-id="${id}"] li[data-token]`), await row("Maria Curie").getAttribute("data-id"));
  assert.equal(await row("Maria Curie").locator("td.token-count").textContent(), "0");
  const refused = await api("/rest/v2/auth/login", { method: "POST", body: { username: "marie.curie@example.be", password: token } });
  assert.equal(refused.status, 401, "a deleted token is refused at once");
});

test("Deactivate user / Reactivate user: the status shows, sessions end, logins come back", async () => {
  const detail = await expand("Maria Curie");
  // Invited when she was added, and no password chosen yet.
  await detail.locator(".user-status", { hasText: "invited" }).waitFor();
  // Give Maria a password (as her administrator would) and a session of her own.
  const admin = await adminToken();
  const user = (await api(`/rest/v2/hcparty/${await row("Maria Curie").getAttribute("data-id")}`, { token: admin })).body.userId;
  assert.equal((await api(`/rest/v2/user/${user}/password`, { method: "PUT", token: admin, body: { password: "maria's password" } })).status, 200);
  const session = (await api("/rest/v2/auth/login", { method: "POST", body: { username: "marie.curie@example.be", password: "maria's password" } })).body;
  assert.equal((await api("/rest/v2/user/current", { token: session.token })).status, 200);

  await menu("Maria Curie", "Deactivate user");
  await page.waitForFunction(() => /was deactivated/.test(document.querySelector("#notice").textContent));
  await detail.locator(".user-status", { hasText: "deactivated" }).waitFor();
  await shot("user-deactivated");
  assert.equal((await api("/rest/v2/user/current", { token: session.token })).status, 401, "her session ended at once");
  const refresh = await fetch(`${server.url}/rest/v2/auth/refresh`, { method: "POST", headers: { "Refresh-Token": session.refreshToken } });
  assert.equal(refresh.status, 401, "and its refresh token with it");
  const refused = await api("/rest/v2/auth/login", { method: "POST", body: { username: "marie.curie@example.be", password: "maria's password" } });
  assert.equal(refused.status, 401, "a deactivated user cannot log in");
  // Only the action that applies is offered.
  await row("Maria Curie").getByRole("button", { name: "Actions for Maria Curie" }).click();
  assert.equal(await row("Maria Curie").getByRole("menuitem", { name: "Deactivate user" }).isVisible(), false);
  await row("Maria Curie").getByRole("menuitem", { name: "Reactivate user" }).click();
  await detail.locator(".user-status", { hasText: "active" }).waitFor();
  const back = await api("/rest/v2/auth/login", { method: "POST", body: { username: "marie.curie@example.be", password: "maria's password" } });
  assert.equal(back.status, 200, "reactivated, she logs in again");
});

/** Every way the private key could be written down. */
function privateEncodings(keyPair) {
  const pkcs8 = keyPair.exportPrivateKeyPkcs8();
  const der = Buffer.from(pkcs8, "base64");
  const d = keyPair.exportPrivateKeyJwk().d;
  const rawD = Buffer.from(d, "base64url");
  const pemLines = keyPair.exportPrivateKeyPem().split("\n").filter((l) => l && !l.startsWith("-----"));
  return [pkcs8, encodeURIComponent(pkcs8), der.toString("hex"), der.toString("base64url"), d, rawD.toString("hex"), rawD.toString("base64"), ...pemLines];
}

test("Generate Keypair: registered on the HCP, saved as JSON, never sent", async () => {
  const id = await row("Maria Curie").getAttribute("data-id");
  const sentBefore = requests.length;
  await menu("Maria Curie", "Generate Keypair");
  await page.click("#generate");
  await page.waitForSelector("#keypair-result:not([hidden])");
  const shown = (await page.textContent("#public-key")).trim();
  assert.match(shown, /^3059301306072a8648ce3d020106082a8648ce3d030107034200[0-9a-f]{130}$/);
  assert.equal(await page.textContent("#fingerprint"), shown.slice(-32));
  await shot("keypair-generated");
  const registered = await api(`/rest/v2/hcparty/${id}`, { token: await adminToken() });
  assert.deepEqual(registered.body.publicKeysP256, [shown]);

  await page.fill("#passphrase", "correct horse battery");
  const [download] = await Promise.all([page.waitForEvent("download"), page.click("#save-json")]);
  assert.equal(download.suggestedFilename(), `hcp-${id}-keypair.json`);
  const sealed = await readFile(await download.path(), "utf8");
  const file = JSON.parse(sealed);
  assert.equal(file.hcpId, id);
  assert.ok(file.privateKey.encrypted);
  assert.throws(() => kit.loadKeyPair(sealed), (e) => e.code === "PassphraseRequired");
  const loaded = kit.loadKeyPair(sealed, "correct horse battery");
  assert.equal(loaded.publicKeyHex, shown);
  await page.click("#keypair-dialog [data-close]");

  // The verify form reads the file back.
  await page.setInputFiles("#keyfile", { name: "k.json", mimeType: "application/json", buffer: Buffer.from(sealed) });
  await page.fill("#verify-passphrase", "correct horse battery");
  await page.click("#verify-button");
  await page.waitForFunction(() => document.querySelector("#verify-result").textContent.startsWith("Valid"));

  // No request during generation, registration and saving carries the private key.
  const during = requests.slice(sentBefore);
  assert.ok(during.some((r) => r.url.includes("/rest/v2/hcparty") && r.body.includes(shown)), "the public key was sent");
  for (const secret of privateEncodings(loaded)) {
    assert.ok(!sealed.includes(secret), "the sealed file leaks the key");
    for (const r of requests) for (const part of [r.url, r.headers, r.body]) assert.ok(!part.includes(secret), `private key in ${r.url}`);
  }
  loaded.free();
});

async function importFile(path, name) {
  await page.click("#import-open");
  await page.setInputFiles("#import-file", { name, mimeType: "application/octet-stream", buffer: await readFile(path) });
  await page.waitForSelector("#import-preview:not([hidden])");
}

test("import an .xlsx: rejected rows with reasons, download them, import the rest", async () => {
  // The worker starts (and warms the parser up) when the dialog opens, before
  // any file is picked: the first parse then runs optimized code.
  const started = page.waitForEvent("worker", { timeout: 5000 });
  await page.click("#import-open");
  assert.match((await started).url(), /\/pkg\/worker\.js$/);
  await page.waitForSelector('#import-dialog[data-worker="ready"]');
  assert.equal(await page.inputValue("#import-file"), "", "no file was picked yet");
  await page.click("#import-dialog [data-close]");
  await importFile(join(FIXTURES, "canonical.xlsx"), "canonical.xlsx");
  const counts = await page.textContent("#import-counts");
  const [, total, accepted, rejected] = /(\d+) rows, (\d+) to import, (\d+) rejected/.exec(counts).map(Number);
  assert.equal(accepted + rejected, total);
  assert.ok(rejected >= 5, counts);
  const firstRejected = await page.$$eval("#rejected-table tbody tr", (rows) => rows.map((r) => [r.dataset.row, r.querySelector(".reasons").textContent]));
  assert.ok(firstRejected.some(([, reasons]) => /required/i.test(reasons)), JSON.stringify(firstRejected));
  assert.ok(firstRejected.every(([rowNumber]) => Number(rowNumber) >= 2), "spreadsheet row numbers");
  await shot("import-preview");
  const [download] = await Promise.all([page.waitForEvent("download"), page.click("#download-rejected")]);
  const csv = await readFile(await download.path(), "utf8");
  assert.ok(csv.startsWith("\uFEFFRow,First Name,Last Name"), csv.slice(0, 60));
  assert.ok(csv.includes("'=SUM(1+1)"), "formula cells are neutralized");

  await page.click("#start-import");
  await page.waitForFunction(() => /Import finished/.test(document.querySelector("#import-summary").textContent));
  const summary = await page.textContent("#import-summary");
  const [, created, inBrowser, byServer] = /(\d+) created, (\d+) rejected in the browser, (\d+) rejected by the server/.exec(summary).map(Number);
  assert.equal(inBrowser, rejected);
  assert.equal(created + byServer, accepted);
  assert.ok(byServer >= 2, "rows already in the database (Anne Dupont, Jean-Luc Martin) are refused by the server");
  assert.equal(Number(await page.textContent("#rejected-count")), inBrowser + byServer);
  await shot("import-done");
  await page.click("#import-dialog [data-close]");
  await row("Olivier O'Brien").waitFor();
});

test("import a .csv into the other database: rejected rows shown, the rest created, nothing twice", async () => {
  await page.selectOption("#database", DEMO.other);
  await page.waitForSelector("#empty:not([hidden])");
  await importFile(join(FIXTURES, "canonical.csv"), "canonical.csv");
  const counts = await page.textContent("#import-counts");
  const [, , accepted, rejected] = /(\d+) rows, (\d+) to import, (\d+) rejected/.exec(counts).map(Number);
  // This database has no organization: the row naming one is refused in the browser.
  const reasons = await page.$$eval("#rejected-table tbody tr", (rows) => rows.map((r) => r.querySelector(".reasons").textContent).join("\n"));
  assert.match(reasons, /not an organization|Parent Organization/i);
  await page.click("#start-import");
  await page.waitForFunction(() => /Import finished/.test(document.querySelector("#import-summary").textContent));
  const [, created, inBrowser, byServer] = /(\d+) created, (\d+) rejected in the browser, (\d+) rejected by the server/
    .exec(await page.textContent("#import-summary")).map(Number);
  // Logins are global: people already imported into the clinic keep their email there.
  assert.equal(inBrowser, rejected);
  assert.equal(created + byServer, accepted);
  assert.ok(created >= 1, "rows new to the system are created");
  assert.equal(Number(await page.textContent("#rejected-count")), inBrowser + byServer);
  await page.click("#import-dialog [data-close]");
  await page.waitForFunction((n) => document.querySelectorAll("tr.hcp-row").length === n, created);
  const token = await adminToken();
  const listed = await api(`/rest/v2/hcparty/inGroup/${DEMO.other}?limit=1000`, { token });
  assert.equal(listed.body.rows.length, created);
  // Again: every row is now refused by the server, nothing is created twice.
  await importFile(join(FIXTURES, "canonical.csv"), "canonical.csv");
  await page.click("#start-import");
  await page.waitForFunction(() => /Import finished/.test(document.querySelector("#import-summary").textContent));
  assert.match(await page.textContent("#import-summary"), /^Import finished: 0 created/);
  await page.click("#import-dialog [data-close]");
  assert.equal((await api(`/rest/v2/hcparty/inGroup/${DEMO.other}?limit=1000`, { token })).body.rows.length, created);
  await page.selectOption("#database", DEMO.database);
  await row("Maria Curie").waitFor();
});

test("cancel the parse of a large file", async () => {
  const lines = ["First Name,Last Name,Email Address,Country Code,Mobile Phone"];
  for (let i = 0; i < 400_000; i++) lines.push(`Big${i},Row,big${i}@example.com,BE,0475 ${String(i).padStart(6, "0")}`);
  await page.click("#import-open");
  await page.setInputFiles("#import-file", { name: "big.csv", mimeType: "text/csv", buffer: Buffer.from(lines.join("\n")) });
  await page.waitForFunction(() => Number(document.querySelector("#parse-rows").textContent) > 0);
  await shot("import-parsing");
  const fresh = page.waitForEvent("worker", { timeout: 5000 });
  await page.click("#cancel-parse");
  await page.waitForSelector("#parse-status", { state: "hidden" });
  assert.match(await page.textContent("#notice"), /cancelled/);
  // The cancelled worker is gone; a fresh one warms up for the next file.
  await fresh;
  await page.waitForSelector('#import-dialog[data-worker="ready"]');
  await page.waitForTimeout(300);
  assert.equal(await page.isHidden("#import-preview"), true, "no preview after a cancel");
  // A new file parses in a fresh worker.
  await page.setInputFiles("#import-file", { name: "small.csv", mimeType: "text/csv", buffer: Buffer.from(lines.slice(0, 3).join("\n")) });
  await page.waitForSelector("#import-preview:not([hidden])");
  assert.match(await page.textContent("#import-counts"), /2 rows, 2 to import/);
  await page.click("#import-dialog [data-close]");
});

test("keyboard: the overflow menu and the dialogs work without a mouse", async () => {
  const button = row("Maria Curie").getByRole("button", { name: "Actions for Maria Curie" });
  await button.focus();
  await page.keyboard.press("Enter");
  const edit = row("Maria Curie").getByRole("menuitem", { name: "Edit" });
  await edit.waitFor();
  assert.equal(await edit.evaluate((el) => el === document.activeElement), true, "the first item has focus");
  await page.keyboard.press("Escape");
  await edit.waitFor({ state: "hidden" });
  assert.equal(await button.evaluate((el) => el === document.activeElement), true, "focus returns to the button");
  await button.focus();
  await page.keyboard.press("Enter");
  await page.keyboard.press("Enter"); // Edit
  await page.waitForSelector("#hcp-dialog[open]");
  assert.equal(await page.evaluate(() => document.activeElement?.id), "f-firstName");
  await page.keyboard.press("Escape");
  await page.waitForFunction(() => !document.querySelector("#hcp-dialog").open);
});

test("Delete: confirm a permanent deletion", async () => {
  const id = await row("Maria Curie").getAttribute("data-id");
  await menu("Maria Curie", "Delete");
  await page.waitForSelector("#confirm-dialog[open]");
  assert.match(await page.textContent("#confirm-dialog"), /permanent and cannot be undone/);
  await shot("delete-confirm");
  // Cancel keeps it.
  await page.click('#confirm-dialog button[value="cancel"]');
  assert.equal(await row("Maria Curie").count(), 1);
  await menu("Maria Curie", "Delete");
  await page.click("#confirm-delete");
  await page.waitForFunction(() => ![...document.querySelectorAll("td.name")].some((td) => td.textContent === "Maria Curie"));
  assert.equal((await api(`/rest/v2/hcparty/${id}`, { token: await adminToken() })).status, 404);
  assert.deepEqual(errors, []);
});

test("the invitation link lets the invited person choose a password", async () => {
  const token = await adminToken();
  const invited = await api("/rest/v2/hcparty?invite=true", {
    method: "POST",
    token,
    body: { firstName: "Rosalind", lastName: "Franklin", addresses: [{ telecoms: [{ telecomType: "email", telecomNumber: "rosalind@example.org" }] }] },
  });
  assert.equal(invited.status, 200);
  const mail = (await api("/rest/v2/admin/outbox", { token })).body.find((m) => m.to === "rosalind@example.org");
  const link = /(http:\/\/\S+#invitation=\S+)/.exec(mail.body)[1];
  assert.ok(link.startsWith(server.url), link);
  const tab = await context.newPage();
  tab.on("pageerror", (e) => errors.push(e));
  await tab.goto(link);
  await tab.waitForSelector("#invitation:not([hidden])");
  await tab.fill("#new-password", "a new long password");
  await tab.click("#invitation-form button[type=submit]");
  await tab.waitForSelector("#login:not([hidden])");
  assert.match(await tab.textContent("#notice"), /password is set/);
  await tab.close();
  const login = await api("/rest/v2/auth/login", { method: "POST", body: { username: "rosalind@example.org", password: "a new long password" } });
  assert.equal(login.status, 200);
  assert.deepEqual(errors, []);
});
