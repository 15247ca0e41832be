// The seed's four examples on the data owners' page (www/care.html), in
// Chromium, against the real hcp-server (SQLite by default; PostgreSQL when
// HCP_TEST_POSTGRES names a server): a doctor and a patient, each in its own
// browser context, with unique markers in every encrypted field. Afterwards:
// no marker in any request body the browsers sent, in the database (the
// SQLite file and its WAL, or every PostgreSQL table), or in the server's log.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { launchBrowser, OUTPUT } from "./harness.mjs";
import { startHcpServer, DEMO } from "../support/hcp-server.mjs";

const PG = process.env.HCP_TEST_POSTGRES;
const TAG = PG ? "pg" : "sqlite";
const M = (name) => `${name}-Mk${TAG}7q`;
const MARKERS = ["FirstName", "LastName", "Note", "Visit", "Sample", "Value", "HayFever", "Message", "Pregnancy", "PregNote", "LabResults"].map(M);

let server, browser, doctor, patient, pgUrl;
const bodies = [];
const errors = [];

async function pgDatabase() {
  const name = `hcp_care_${Date.now()}`;
  const psql = join(pgBin(), "psql");
  execFileSync(psql, [PG, "-c", `CREATE DATABASE ${name}`], { stdio: "ignore" });
  const base = PG.slice(0, PG.lastIndexOf("/"));
  return `${base}/${name}`;
}

function pgBin() {
  const versions = readdirSync("/usr/lib/postgresql").sort((a, b) => Number(b) - Number(a));
  return `/usr/lib/postgresql/${versions[0]}/bin`;
}

async function newPage(name) {
  const context = await browser.newContext({ acceptDownloads: true });
  context.on("request", (req) => bodies.push({ url: req.url(), body: req.postData() ?? "" }));
  const page = await context.newPage();
  page.on("pageerror", (e) => errors.push(e));
  page.shot = (step) => page.screenshot({ path: join(OUTPUT, `care-${TAG}-${name}-${step}.png`), fullPage: true });
  await page.goto(`${server.url}/care.html`);
  return page;
}

before(async () => {
  if (PG) pgUrl = await pgDatabase();
  server = await startHcpServer({
    logFile: true,
    logLevel: "debug,hyper=info,h2=info",
    databaseUrl: pgUrl,
  });
  browser = await launchBrowser();
  doctor = await newPage("doctor");
  patient = await newPage("patient");
});
after(async () => {
  await browser?.close();
  await server?.stop();
});

async function logIn(page, username, password) {
  await page.waitForSelector("#login:not([hidden])");
  await page.fill("#username", username);
  await page.fill("#password", password);
  await page.click("#login-button");
  await page.waitForSelector("#unlock:not([hidden])");
}

async function adminToken() {
  const r = await fetch(`${server.url}/rest/v2/auth/login`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ username: DEMO.login, password: DEMO.password }),
  });
  return (await r.json()).token;
}

test("1. a doctor invites a patient; the patient chooses a password and makes its key", async () => {
  await logIn(doctor, DEMO.hcpLogin, DEMO.hcpPassword);
  await doctor.setInputFiles("#key-file", server.keyFile);
  await doctor.fill("#key-passphrase", DEMO.hcpKeyPassphrase);
  await doctor.click("#unlock-button");
  await doctor.waitForSelector("#hcp-view:not([hidden])");
  await doctor.click("#new-patient summary");
  await doctor.fill("#p-first", M("FirstName"));
  await doctor.fill("#p-last", M("LastName"));
  await doctor.fill("#p-birth", "1990-04-17");
  await doctor.fill("#p-note", M("Note"));
  await doctor.fill("#p-email", "paula@example.be");
  await doctor.click("#patient-form button[type=submit]");
  await doctor.waitForFunction((name) => document.querySelector("#patient-title").textContent.includes(name), M("FirstName"));
  assert.match(await doctor.textContent("#notice"), /created and invited/);
  await doctor.shot("patient-created");

  const outbox = await (await fetch(`${server.url}/rest/v2/admin/outbox`, { headers: { Authorization: `Bearer ${await adminToken()}` } })).json();
  const link = /(http:\/\/\S+#invitation=\S+)/.exec(outbox.find((m) => m.to === "paula@example.be").body)[1];
  assert.ok(link.startsWith(`${server.url}/care.html#invitation=`), link);
  await patient.goto(link);
  await patient.waitForSelector("#invitation:not([hidden])");
  await patient.fill("#new-password", "paula's password");
  await patient.click("#invitation-form button[type=submit]");
  await logIn(patient, "paula@example.be", "paula's password");
  await patient.waitForSelector("#first-key-form:not([hidden])");
  await patient.fill("#first-passphrase", "paula's passphrase");
  const [download] = await Promise.all([patient.waitForEvent("download"), patient.click("#first-key-button")]);
  const keyFile = JSON.parse(readFileSync(await download.path(), "utf8"));
  assert.equal(keyFile.format, "hcp-kit-keypair");
  assert.ok(keyFile.privateKey.encrypted, "the patient's file is sealed with its passphrase");
  await patient.waitForSelector("#patient-view:not([hidden])");
  assert.equal(await patient.isVisible("#record-empty"), true);
  await patient.shot("first-login");
});

test("2. a visit (Data Sample and Healthcare Element) shared with the patient, who reads both", async () => {
  await doctor.fill("#v-description", M("Visit"));
  await doctor.fill("#v-sample", `fatigue ${M("Sample")}`);
  await doctor.fill("#v-value", M("Value"));
  await doctor.fill("#v-element", `hay fever ${M("HayFever")}`);
  await doctor.click("#visit-form button[type=submit]");
  await doctor.locator("#elements li", { hasText: "hay fever" }).waitFor();
  await doctor.locator("#visits li", { hasText: "fatigue" }).waitFor();
  await doctor.click("#share-with-patient");
  await doctor.waitForFunction(() => /Shared 3 item/.test(document.querySelector("#notice").textContent));
  await doctor.shot("shared");

  await patient.click("#refresh-record");
  await patient.locator("#my-visits li", { hasText: `fatigue ${M("Sample")}` }).waitFor();
  await patient.locator("#my-elements li", { hasText: `hay fever ${M("HayFever")}` }).waitFor();
  await patient.shot("record");
});

test("3. the patient asks for access; the doctor shares and completes; the patient sees both", async () => {
  await patient.fill("#n-message", `Please share my lab results ${M("Message")}`);
  await patient.click("#notify-form button[type=submit]");
  await patient.locator("#sent li", { hasText: "pending" }).waitFor();

  await doctor.click("#refresh-inbox");
  const pending = doctor.locator("#inbox li", { hasText: M("Message") });
  await pending.waitFor();
  assert.match(await pending.textContent(), new RegExp(M("FirstName")));
  await doctor.fill("#v-description", "lab results");
  await doctor.fill("#v-sample", `ferritin ${M("LabResults")}`);
  await doctor.click("#visit-form button[type=submit]");
  await doctor.locator("#visits li", { hasText: "ferritin" }).waitFor();
  await doctor.click("#share-with-patient");
  await doctor.waitForFunction(() => /Shared 1 item/.test(document.querySelector("#notice").textContent));
  await pending.getByRole("button", { name: /Mark completed/ }).click();
  await doctor.locator("#inbox li", { hasText: "No pending Notification" }).waitFor();

  await patient.click("#refresh-record");
  await patient.locator("#my-visits li", { hasText: "ferritin" }).waitFor();
  await patient.locator("#sent li", { hasText: "completed" }).waitFor();
  await patient.shot("completed");
});

test("4. the doctor updates the patient's status: a Healthcare Element \"pregnancy\"", async () => {
  await doctor.fill("#e-description", `pregnancy ${M("Pregnancy")}`);
  await doctor.fill("#e-note", M("PregNote"));
  await doctor.click("#element-form button[type=submit]");
  await doctor.locator("#elements li", { hasText: "pregnancy" }).waitFor();
  await doctor.click("#share-with-patient");
  await patient.click("#refresh-record");
  await patient.locator("#my-elements li", { hasText: "pregnancy" }).waitFor();
  await doctor.shot("pregnancy");
  // The keyboard alone reaches the forms.
  await doctor.focus("#e-description");
  await doctor.keyboard.press("Tab");
  assert.equal(await doctor.evaluate(() => document.activeElement.id), "e-note");
  assert.deepEqual(errors, []);
});

test("no marker in a request body, in the database or in the log", async () => {
  assert.ok(bodies.length > 10, "requests were recorded");
  for (const { url, body } of bodies) {
    for (const m of MARKERS) assert.ok(!body.includes(m) && !url.includes(m), `${m} was sent in clear to ${url}`);
  }
  // Encrypted fields did reach the server: the bodies carried ciphertext.
  assert.ok(bodies.some((b) => b.body.includes("encryptedSelf")));
  let stored;
  if (pgUrl) {
    stored = execFileSync(join(pgBin(), "pg_dump"), ["--data-only", pgUrl], { maxBuffer: 64 * 1024 * 1024 }).toString("utf8");
    assert.ok(stored.includes("encryptedSelf"), "the dump holds the entities");
  } else {
    const db = join(server.dir, "db.sqlite");
    stored = ["", "-wal"].map((s) => (existsSync(db + s) ? readFileSync(db + s).toString("latin1") : "")).join("");
    assert.ok(stored.includes("encryptedSelf"), "the file or its WAL holds the entities");
  }
  for (const m of MARKERS) assert.ok(!stored.includes(m), `${m} is in the database`);
  const log = server.log();
  assert.ok(log.length > 1000, "the server logged (debug level)");
  for (const m of MARKERS) assert.ok(!log.includes(m), `${m} is in the server's log`);
});
