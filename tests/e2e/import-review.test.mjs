// "If there are any rejected HCPs, check the reason and fix the problem" (the
// HCP guide), in the real page in Chromium against the real hcp-server: the
// review grid (fix in place, duplicates across the file, drop, import exactly
// what is accepted), the column mapping (remembered per header), the
// templates, and the encoding preview of a CSV that is not UTF-8.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { launchBrowser, OUTPUT, ROOT } from "./harness.mjs";
import { startHcpServer, DEMO } from "../support/hcp-server.mjs";

const imports = await import(join(ROOT, "pkg/node-import.js"));
await imports.default();

let server, browser, page;
const errors = [];

before(async () => {
  server = await startHcpServer();
  browser = await launchBrowser();
  const context = await browser.newContext({ acceptDownloads: true });
  page = await context.newPage();
  page.on("pageerror", (e) => errors.push(e));
  await page.goto(server.url);
  await page.fill("#username", DEMO.login);
  await page.fill("#password", DEMO.password);
  await page.click("#login-button");
  await page.waitForSelector("#hcp-tab:not([hidden])");
  // The research database starts empty: what an import creates is all there is.
  await page.selectOption("#database", DEMO.other);
  await page.waitForSelector("#empty:not([hidden])");
});
after(async () => {
  await browser?.close();
  await server?.stop();
  assert.deepEqual(errors.map(String), [], "no uncaught error in the page");
});

const shot = (name) => page.screenshot({ path: join(OUTPUT, `import-review-${name}.png`), fullPage: true });

async function pick(name, bytes) {
  await page.click("#import-open");
  await page.setInputFiles("#import-file", { name, mimeType: "text/csv", buffer: Buffer.from(bytes) });
}

const counts = async () => {
  const text = await page.textContent("#import-counts");
  const [, rows, accepted, rejected] = /(\d+) rows, (\d+) to import, (\d+) rejected/.exec(text).map(Number);
  return { rows, accepted, rejected };
};
const rejectedRows = () => page.$$eval("#rejected-table tbody tr", (trs) => trs.map((tr) => Number(tr.dataset.row)));
const cell = (row, field) => page.locator(`#rejected-table tr[data-row="${row}"] input[data-field="${field}"]`);

async function listedEmails() {
  const login = await fetch(`${server.url}/rest/v2/auth/login`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ username: DEMO.login, password: DEMO.password }),
  });
  const { token } = await login.json();
  const r = await fetch(`${server.url}/rest/v2/hcparty/inGroup/${DEMO.other}?limit=1000`, { headers: { Authorization: `Bearer ${token}` } });
  const { rows } = await r.json();
  return rows.flatMap((h) => h.addresses.flatMap((a) => a.telecoms.filter((t) => t.telecomType === "email").map((t) => t.telecomNumber))).sort();
}

test("review grid: fix an invalid email in place, fix a duplicate, drop a row, import exactly the accepted rows", async () => {
  const csv = [
    "First Name,Last Name,Email Address",
    "Ada,Lovelace,ada@example.org",
    "Bob,Stone,bob@example",
    "Carl,Mayer,ada@example.org",
    "Dan,Drop,dan@",
    "Eve,Ok,eve@example.org",
  ].join("\n");
  await pick("review.csv", csv);
  await page.waitForSelector("#import-preview:not([hidden])");
  // Rows 2 and 4 share an email: both are refused; 3 and 5 have bad emails.
  assert.deepEqual(await counts(), { rows: 5, accepted: 1, rejected: 4 });
  assert.deepEqual(await rejectedRows(), [2, 3, 4, 5]);
  assert.equal(await cell(3, "email").getAttribute("aria-invalid"), "true");
  await shot("before");

  // Keyboard: type the fix and press Enter; the row is checked again at once.
  await cell(3, "email").fill("bob@example.org");
  await cell(3, "email").press("Enter");
  await page.waitForFunction(() => !document.querySelector('#rejected-table tr[data-row="3"]'));
  assert.deepEqual(await counts(), { rows: 5, accepted: 2, rejected: 3 });

  // The duplicate: give row 4 its own email; row 2 is no longer a duplicate either.
  await cell(4, "email").fill("carl@example.org");
  await cell(4, "email").press("Tab");
  await page.waitForFunction(() => document.querySelectorAll("#rejected-table tbody tr").length === 1);
  assert.deepEqual(await rejectedRows(), [5]);
  assert.deepEqual(await counts(), { rows: 5, accepted: 4, rejected: 1 });

  // A fix that breaks another rule stays rejected, with the new reason.
  await cell(5, "firstName").fill("");
  await cell(5, "firstName").press("Enter");
  await page.waitForFunction(() => /required/i.test(document.querySelector('#rejected-table tr[data-row="5"] .reasons')?.textContent ?? ""));

  await page.getByRole("button", { name: "Drop row 5" }).click();
  await page.waitForFunction(() => document.querySelectorAll("#rejected-table tbody tr").length === 0);
  assert.deepEqual(await counts(), { rows: 4, accepted: 4, rejected: 0 });
  await shot("fixed");

  await page.click("#start-import");
  await page.waitForFunction(() => /Import finished/.test(document.querySelector("#import-summary").textContent));
  assert.match(await page.textContent("#import-summary"), /^Import finished: 4 created, 0 rejected in the browser, 0 rejected by the server/);
  await page.click("#import-dialog [data-close]");
  assert.deepEqual(await listedEmails(), ["ada@example.org", "bob@example.org", "carl@example.org", "eve@example.org"]);
});

test("column mapping: a French header mapped once, remembered for the next file with the same header", async () => {
  const french = (email) => `Prénom,Nom,Courriel,Pays,GSM\nZoé,Dupré,${email},FR,06 12 34 56 78\n`;
  await pick("francais.csv", french("zoe.dupre@example.fr"));
  await page.waitForSelector("#mapping-step:not([hidden])");
  assert.equal(await page.isHidden("#import-preview"), true, "nothing is parsed before the mapping");
  // Guessed where it can: Pays is for the administrator to say.
  const chosen = async () =>
    Object.fromEntries(await page.$$eval("#mapping-fields select", (ss) => ss.map((s) => [s.dataset.field, s.value])));
  assert.deepEqual(await chosen(), { firstName: "Prénom", lastName: "Nom", email: "Courriel", countryCode: "", mobilePhone: "GSM", parentId: "" });
  await page.selectOption("#map-countryCode", "Pays");
  await shot("mapping");
  await page.click("#mapping-apply");
  await page.waitForSelector("#import-preview:not([hidden])");
  assert.deepEqual(await counts(), { rows: 1, accepted: 1, rejected: 0 });
  assert.equal(await page.textContent("#accepted-table tbody tr td:nth-child(5)"), "+33612345678", "the phone read with the mapped country");
  await page.click("#import-dialog [data-close]");

  // Another file with the same header: no mapping step, the same columns.
  await pick("francais-2.csv", french("zoe.autre@example.fr"));
  await page.waitForSelector("#import-preview:not([hidden])");
  assert.equal(await page.isHidden("#mapping-step"), true);
  assert.deepEqual(await counts(), { rows: 1, accepted: 1, rejected: 0 });
  assert.equal(await page.textContent("#accepted-table tbody tr td:nth-child(5)"), "+33612345678");
  await page.click("#import-dialog [data-close]");
});

test("templates: the .xlsx and the .csv download, and parseImport accepts their example row", async () => {
  await page.click("#import-open");
  for (const [link, name] of [
    ["#template-xlsx", "hcp-import-template.xlsx"],
    ["#template-csv", "hcp-import-template.csv"],
  ]) {
    const [download] = await Promise.all([page.waitForEvent("download"), page.click(link)]);
    assert.equal(download.suggestedFilename(), name);
    const report = imports.parseImport(new Uint8Array(await readFile(await download.path())));
    assert.equal(report.format, name.endsWith(".xlsx") ? "xlsx" : "csv");
    assert.deepEqual(report.columns.map((c) => c.field), ["firstName", "lastName", "email", "countryCode", "mobilePhone", "parentId"]);
    assert.deepEqual(report.columns.filter((c) => c.header.endsWith(" *")).map((c) => c.field), ["firstName", "lastName", "email"], "required marked");
    assert.equal(report.stats.accepted, 1, JSON.stringify(report.rejected));
    assert.equal(report.accepted[0].phone, "+32475123456");
  }
  await page.click("#import-dialog [data-close]");
});

test("encoding: a CSV that is not UTF-8 shows its rows as read; ISO-8859-15 makes the accents right", async () => {
  // "Cœur" in ISO-8859-15 (œ is 0xBD), which Windows-1252 reads as "C½ur".
  const text = "First Name,Last Name,Email Address\nChloé,Cœur,chloe.coeur@example.fr\n";
  const bytes = Uint8Array.from([...text].map((ch) => (ch === "œ" ? 0xbd : ch.charCodeAt(0))));
  await pick("latin9.csv", bytes);
  await page.waitForSelector("#encoding-step:not([hidden])");
  const preview = () => page.$$eval("#encoding-preview tbody tr", (trs) => trs.map((tr) => [...tr.cells].map((c) => c.textContent)));
  assert.deepEqual(await preview(), [["2", "Chloé", "C½ur", "chloe.coeur@example.fr"]]);
  await shot("encoding");
  await page.selectOption("#encoding-choice", "iso-8859-15");
  await page.click("#encoding-apply");
  await page.waitForFunction(() => document.querySelector("#encoding-preview tbody td:nth-child(3)")?.textContent === "Cœur");
  assert.equal(await page.textContent("#accepted-table tbody tr td:nth-child(3)"), "Cœur");
  // UTF-8 cannot read it: a clear error, nothing lost (the rows stay as last read).
  await page.selectOption("#encoding-choice", "utf-8");
  await page.click("#encoding-apply");
  await page.waitForSelector("#banner:not([hidden])");
  assert.match(await page.textContent("#banner-text"), /not UTF-8/);
  assert.equal(await page.textContent("#accepted-table tbody tr td:nth-child(3)"), "Cœur");
  await page.click("#import-dialog [data-close]");
});

test("a file that cannot be read shows why in the banner", async () => {
  await pick("empty.csv", "");
  await page.waitForSelector("#banner:not([hidden])");
  assert.match(await page.textContent("#banner-text"), /\(Empty\)$/);
  assert.equal(await page.isHidden("#import-preview"), true);
  assert.equal(await page.isHidden("#mapping-step"), true);
  await page.click("#import-dialog [data-close]");
});
