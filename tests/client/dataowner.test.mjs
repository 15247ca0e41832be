// DataOwner (hcp-kit/dataowner) as an npm consumer uses it, with HcpClient
// (hcp-kit) as its token source, against the real hcp-server on loopback:
// a doctor's first key, a patient it creates and invites, the patient's own
// key on first login, sharing, typed errors, revocation.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { startHcpServer, DEMO } from "../support/hcp-server.mjs";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const kit = await import(join(ROOT, "pkg/node.js"));
const owners = await import(join(ROOT, "pkg/node-dataowner.js"));
await kit.default();
await owners.default();
const { HcpClient, isHcpError } = kit;
const { DataOwner } = owners;

let server;
before(async () => {
  server = await startHcpServer();
});
after(async () => server?.stop());

async function rejects(promise, code) {
  await assert.rejects(promise, (e) => {
    assert.ok(isHcpError(e), `expected an HcpError, got ${e}`);
    assert.equal(e.code, code, e.message);
    return true;
  });
}

/** The invitation link of the newest outbox message to `email`, redeemed with `password`. */
async function acceptInvitation(email, password) {
  const admin = await HcpClient.login(server.url, DEMO.login, DEMO.password);
  const token = await admin.accessToken();
  const outbox = await (await fetch(`${server.url}/rest/v2/admin/outbox`, { headers: { Authorization: `Bearer ${token}` } })).json();
  const mail = outbox.find((m) => m.to === email);
  const invitation = /#invitation=(\S+)/.exec(mail.body)[1];
  const r = await fetch(`${server.url}/rest/v2/auth/invitation`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ token: invitation, password }),
  });
  assert.equal(r.status, 200);
}

test("a doctor and a patient share encrypted data through two modules", async () => {
  const doctorClient = await HcpClient.login(server.url, DEMO.hcpLogin, DEMO.hcpPassword);
  // The demo doctor has her key already (the demo's keypair file).
  const doctor = await DataOwner.open(doctorClient, DEMO.hcpKeyFile(server), DEMO.hcpKeyPassphrase);
  assert.equal(doctor.id, DEMO.hcpId);

  const patient = await doctor.create("patient", { firstName: "Nina", lastName: "Node", dateOfBirth: 19900417, active: true });
  assert.equal(patient.firstName, "Nina");
  assert.equal(patient.permission, "write");
  const user = await doctorClient.createUser({ email: "nina@example.be", patientId: patient.id }, { invite: true });
  assert.deepEqual([user.kind, user.status, user.patientId], ["patient", "REGISTERING", patient.id]);
  await acceptInvitation("nina@example.be", "nina's own password");

  const ninaClient = await HcpClient.login(server.url, "nina@example.be", "nina's own password");
  const { session: nina, keyFile } = await DataOwner.firstLogin(ninaClient, "nina's passphrase");
  assert.equal(nina.id, patient.id);
  assert.match(JSON.parse(keyFile).privateKey.encrypted.cipher, /AES-256-GCM/);
  await rejects(nina.get("patient", patient.id), "NotFound");

  const visit = await doctor.create("visit", {
    patientId: patient.id,
    description: "check-up",
    samples: [{ label: "fatigue", content: { text: "tired since May" } }, { label: "weight", content: { measure: { value: 61.5, unit: "kg" } } }],
  }, { [nina.id]: "read" });
  await doctor.share("patient", patient.id, nina.id, { permission: "read" });
  const { rows } = await nina.children("visit", patient.id);
  assert.equal(rows.length, 1);
  assert.deepEqual(rows[0].samples.map((s) => s.label), ["fatigue", "weight"]);
  assert.equal(rows[0].permission, "read");
  await rejects(nina.update("visit", { ...rows[0], description: "mine now" }), "Forbidden");

  // The same patient opens its session again from its keypair file.
  nina.free();
  const again = await DataOwner.open(ninaClient, keyFile, "nina's passphrase");
  assert.equal((await again.get("visit", visit.id)).description, "check-up");
  await rejects(DataOwner.open(ninaClient, keyFile, "wrong passphrase"), "WrongPassphrase");

  // A notification back, completed by the doctor.
  const asked = await again.create("notification", { taskType: "question", status: "pending", properties: { message: "Is the weight OK?" } }, { [doctor.id]: "write" });
  const pending = await doctor.notifications("pending");
  assert.deepEqual(pending.rows.map((n) => n.properties.message), ["Is the weight OK?"]);
  await doctor.setNotificationStatus(asked.id, "completed");
  assert.equal((await again.notifications("completed")).rows[0].id, asked.id);

  // Revoked: refused at once.
  await doctor.revoke("visit", visit.id, patient.id);
  await rejects(again.get("visit", visit.id), "NotFound");

  // An administrator holds no medical keys.
  const admin = await HcpClient.login(server.url, DEMO.login, DEMO.password);
  await rejects(DataOwner.open(admin, DEMO.hcpKeyFile(server), DEMO.hcpKeyPassphrase), "Forbidden");
  // A key that is not the data owner's.
  await rejects(DataOwner.open(ninaClient, DEMO.hcpKeyFile(server), DEMO.hcpKeyPassphrase), "KeyMissing");
  // A token source can be plain: a base URL and a token (in a Worker, say).
  const plain = await DataOwner.open({ baseUrl: server.url, token: await doctorClient.accessToken() }, DEMO.hcpKeyFile(server), DEMO.hcpKeyPassphrase);
  assert.equal((await plain.list("patient")).rows.some((p) => p.id === patient.id), true);
});

test("a device gets its user, makes its key and records Data Samples for a patient shared with it", async () => {
  const doctorClient = await HcpClient.login(server.url, DEMO.hcpLogin, DEMO.hcpPassword);
  const doctor = await DataOwner.open(doctorClient, DEMO.hcpKeyFile(server), DEMO.hcpKeyPassphrase);
  const device = await doctor.create("device", { type: "glucometer", brand: "Acme", model: "G1", name: "ward 3 meter", serialNumber: "SN-0042" });
  assert.deepEqual([device.type, device.serialNumber], ["glucometer", "SN-0042"]);
  const user = await doctorClient.createUser({ email: "meter@example.be", deviceId: device.id }, { invite: true });
  assert.equal(user.kind, "device");
  await acceptInvitation("meter@example.be", "the meter's password");
  const meterClient = await HcpClient.login(server.url, "meter@example.be", "the meter's password");
  const { session: meter } = await DataOwner.firstLogin(meterClient);
  const patient = await doctor.create("patient", { firstName: "Dev", lastName: "Ice" });
  await doctor.share("patient", patient.id, meter.id, { permission: "read" });
  const reading = await meter.create("visit", { patientId: patient.id, samples: [{ label: "glucose", content: { measure: { value: 5.4, unit: "mmol/L" } } }] }, { [doctor.id]: "write" });
  const { rows } = await doctor.children("visit", patient.id);
  assert.deepEqual(rows.map((v) => v.id), [reading.id]);
  assert.equal(rows[0].samples[0].content.measure.value, 5.4);
  assert.equal(rows[0].author, meter.id);
  // A device records Data Samples, nothing else.
  await rejects(meter.create("patient", { firstName: "No" }), "Forbidden");
});
