// The data owners' page: an HCP or a patient logs in, unlocks its key (or
// makes it on its first login), and works with end-to-end encrypted data.
// HcpClient (hcp-kit) logs in and manages users; DataOwner
// (hcp-kit/dataowner) holds the private key and does all the cryptography:
// this page only ever sees plain objects, the server only ciphertext.
import init, { HcpClient } from "../pkg/hcp_kit.js";
import initOwners, { DataOwner } from "../pkg/hcp_kit_dataowner.js";
import { $, attempt, clearError, download, el, notify, setupInvitation, showError } from "./ui.js";

const ctx = {
  /** The logged-in HcpClient. */
  client: null,
  /** The user document of the logged-in user. */
  user: null,
  /** The unlocked DataOwner session. */
  me: null,
  /** The patient open in the HCP's panel. */
  patient: null,
  /** Names of the HCP's patients, by id. */
  names: new Map(),
};

const SECTIONS = ["login", "invitation", "unlock", "hcp-view", "patient-view"];
function show(...visible) {
  for (const id of SECTIONS) $(id).hidden = !visible.includes(id);
  $("session").hidden = !ctx.client;
}

const fullName = (p) => [p.firstName, p.lastName].filter(Boolean).join(" ");
const item = (...children) => el("li", {}, ...children);

async function login(event) {
  event.preventDefault();
  const button = $("login-button");
  button.disabled = true;
  await attempt(async () => {
    const client = await HcpClient.login(location.origin, $("username").value.trim(), $("password").value);
    const user = await client.currentUser();
    if (user.kind === "admin") {
      await client.logout();
      throw new Error("Administrators hold no medical keys: use the HCP tab.");
    }
    ctx.client = client;
    ctx.user = user;
    $("password").value = "";
    $("whoami").textContent = user.login;
    const owner = user.healthcarePartyId ?? user.patientId ?? user.deviceId;
    const token = await client.accessToken();
    const keys = await (await fetch(`/rest/v2/dataowner/${encodeURIComponent(owner)}`, { headers: { Authorization: `Bearer ${token}` } })).json();
    const first = (keys.publicKeysP256 ?? []).length === 0;
    $("unlock-form").hidden = first;
    $("first-key-form").hidden = !first;
    show("unlock");
    (first ? $("first-passphrase") : $("key-file")).focus();
  });
  button.disabled = false;
}

async function unlock(event) {
  event.preventDefault();
  await attempt(async () => {
    const file = $("key-file").files[0];
    if (!file) throw new Error("Choose your keypair file.");
    ctx.me = await DataOwner.open(ctx.client, await file.text(), $("key-passphrase").value || undefined);
    $("key-passphrase").value = "";
    await enter();
  });
}

async function firstKey(event) {
  event.preventDefault();
  await attempt(async () => {
    const { session, keyFile } = await DataOwner.firstLogin(ctx.client, $("first-passphrase").value || undefined);
    $("first-passphrase").value = "";
    ctx.me = session;
    download(`${session.id}-keypair.json`, keyFile, "application/json");
    notify("Your key was made in this browser. Keep the keypair file you just saved: you need it to log in again.");
    await enter();
  });
}

async function enter() {
  if (ctx.user.healthcarePartyId) {
    show("hcp-view");
    await Promise.all([loadPatients(), loadInbox()]);
  } else {
    show("patient-view");
    await loadRecord();
  }
}

// ---- The HCP --------------------------------------------------------------

async function loadPatients() {
  const { rows } = await ctx.me.list("patient", { limit: 200 });
  ctx.names = new Map(rows.map((p) => [p.id, fullName(p)]));
  $("patients").tBodies[0].replaceChildren(
    ...rows.map((p) =>
      el(
        "tr",
        { dataset: { id: p.id } },
        el("td", { class: "name" }, fullName(p)),
        el("td", {}, p.dateOfBirth ? String(p.dateOfBirth) : ""),
        el("td", {}, el("button", { type: "button", class: "link", "aria-label": `Open ${fullName(p)}`, onclick: () => attempt(() => openPatient(p.id)) }, "Open")),
      ),
    ),
  );
  $("no-patients").hidden = rows.length > 0;
}

async function createPatient(event) {
  event.preventDefault();
  await attempt(async () => {
    const birth = $("p-birth").value;
    const patient = await ctx.me.create("patient", {
      firstName: $("p-first").value.trim(),
      lastName: $("p-last").value.trim(),
      dateOfBirth: birth ? Number(birth.replaceAll("-", "")) : undefined,
      note: $("p-note").value.trim() || undefined,
      active: true,
    });
    const email = $("p-email").value.trim();
    if (email) await ctx.client.createUser({ email, patientId: patient.id }, { invite: $("p-invite").checked });
    $("patient-form").reset();
    notify(`${fullName(patient)} was created${email && $("p-invite").checked ? " and invited" : ""}.`);
    await loadPatients();
    await openPatient(patient.id);
  });
}

async function openPatient(id) {
  const patient = await ctx.me.get("patient", id);
  ctx.patient = patient;
  $("patient-panel").hidden = false;
  $("patient-title").textContent = fullName(patient);
  $("patient-meta").textContent = [patient.dateOfBirth && `born ${patient.dateOfBirth}`, patient.note].filter(Boolean).join(" · ");
  const [visits, elements] = await Promise.all([ctx.me.children("visit", id), ctx.me.children("healthElement", id)]);
  ctx.patient.visits = visits.rows;
  ctx.patient.elements = elements.rows;
  $("visits").replaceChildren(...visits.rows.map(visitItem));
  $("elements").replaceChildren(...elements.rows.map(elementItem));
  $("v-description").focus();
}

function sharedNote(entity, patientId) {
  return entity.sharedWith?.[patientId] ? " (shared with the patient)" : "";
}

function visitItem(v) {
  const samples = (v.samples ?? []).map((s) => `${s.label}${s.content?.text ? `: ${s.content.text}` : ""}`).join("; ");
  return item(el("strong", {}, v.description ?? "Visit"), ` ${samples}${sharedNote(v, v.patientId)}`);
}

function elementItem(h) {
  return item(el("strong", {}, h.description ?? ""), ` ${h.status ?? ""}${h.note ? ` · ${h.note}` : ""}${sharedNote(h, h.patientId)}`);
}

async function recordVisit(event) {
  event.preventDefault();
  await attempt(async () => {
    const patientId = ctx.patient.id;
    const value = $("v-value").value.trim();
    const visit = await ctx.me.create("visit", {
      patientId,
      description: $("v-description").value.trim(),
      samples: [{ label: $("v-sample").value.trim(), content: value ? { text: value } : {}, valueDate: today() }],
    });
    const element = $("v-element").value.trim();
    if (element) {
      await ctx.me.create("healthElement", { patientId, description: element, status: "active", openingDate: today(), dataSampleIds: [visit.samples[0].id] });
    }
    $("visit-form").reset();
    notify("The visit was recorded.");
    await openPatient(patientId);
  });
}

async function recordElement(event) {
  event.preventDefault();
  await attempt(async () => {
    const patientId = ctx.patient.id;
    await ctx.me.create("healthElement", { patientId, description: $("e-description").value.trim(), note: $("e-note").value.trim() || undefined, status: "active", openingDate: today() });
    $("element-form").reset();
    notify("The Healthcare Element was recorded.");
    await openPatient(patientId);
  });
}

/** Shares the patient's record, visits and Healthcare Elements with the patient. */
async function shareWithPatient() {
  await attempt(async () => {
    const p = ctx.patient;
    const pending = [];
    if (!p.sharedWith?.[p.id]) pending.push(["patient", p.id]);
    for (const v of p.visits) if (!v.sharedWith?.[p.id]) pending.push(["visit", v.id]);
    for (const h of p.elements) if (!h.sharedWith?.[p.id]) pending.push(["healthElement", h.id]);
    for (const [kind, id] of pending) await ctx.me.share(kind, id, p.id, { permission: "read" });
    notify(pending.length ? `Shared ${pending.length} item(s) with ${fullName(p)}.` : "Everything was already shared.");
    await openPatient(p.id);
  });
}

async function loadInbox() {
  const { rows } = await ctx.me.notifications("pending");
  $("inbox").replaceChildren(
    ...rows.map((n) =>
      item(
        `From ${ctx.names.get(n.author) ?? n.author}: `,
        el("span", { class: "message" }, n.properties?.message ?? ""),
        " ",
        el("button", { type: "button", class: "secondary", "aria-label": `Mark completed: ${n.properties?.message ?? ""}`, onclick: () => complete(n) }, "Mark completed"),
      ),
    ),
  );
  if (!rows.length) $("inbox").replaceChildren(item("No pending Notification."));
}

async function complete(n) {
  await attempt(async () => {
    await ctx.me.setNotificationStatus(n.id, "completed");
    notify("The Notification was marked completed.");
    await loadInbox();
  });
}

// ---- The patient ----------------------------------------------------------

async function loadRecord() {
  const id = ctx.me.id;
  let visits = [];
  let elements = [];
  try {
    await ctx.me.get("patient", id);
    [visits, elements] = (await Promise.all([ctx.me.children("visit", id), ctx.me.children("healthElement", id)])).map((p) => p.rows);
  } catch (e) {
    if (e?.code !== "NotFound" && e?.code !== "NotShared") throw e;
  }
  $("record-empty").hidden = visits.length + elements.length > 0;
  $("my-visits").replaceChildren(...visits.map(visitItem));
  $("my-elements").replaceChildren(...elements.map(elementItem));
  const sent = (await ctx.me.list("notification")).rows.filter((n) => n.author === id);
  $("sent").replaceChildren(...sent.map((n) => item(`${n.properties?.message ?? ""} · `, el("span", { class: "status" }, n.status))));
}

async function sendNotification(event) {
  event.preventDefault();
  await attempt(async () => {
    const doctor = ctx.user.managedBy;
    if (!doctor) throw new Error("No doctor to send it to.");
    await ctx.me.create(
      "notification",
      { taskType: "access-request", status: "pending", properties: { message: $("n-message").value.trim() } },
      { [doctor]: "write" },
    );
    $("notify-form").reset();
    notify("Your Notification was sent.");
    await loadRecord();
  });
}

// ---- Session ---------------------------------------------------------------

function today() {
  const d = new Date();
  return d.getFullYear() * 10000 + (d.getMonth() + 1) * 100 + d.getDate();
}

async function logout() {
  await ctx.client?.logout().catch(() => {});
  ctx.me?.free();
  ctx.client?.free();
  Object.assign(ctx, { client: null, user: null, me: null, patient: null, names: new Map() });
  $("patient-panel").hidden = true;
  clearError();
  notify("");
  show("login");
  $("username").focus();
}

let invitationToken = null;

function invitation(token) {
  invitationToken = token;
  show("invitation");
  $("new-password").focus();
}

async function main() {
  try {
    await Promise.all([init(), initOwners()]);
  } catch (e) {
    showError(new Error(`hcp-kit could not start: ${e}`));
    return;
  }
  $("banner-close").addEventListener("click", clearError);
  $("login-form").addEventListener("submit", login);
  $("unlock-form").addEventListener("submit", unlock);
  $("first-key-form").addEventListener("submit", firstKey);
  $("patient-form").addEventListener("submit", createPatient);
  $("visit-form").addEventListener("submit", recordVisit);
  $("element-form").addEventListener("submit", recordElement);
  $("share-with-patient").addEventListener("click", shareWithPatient);
  $("notify-form").addEventListener("submit", sendNotification);
  $("refresh-inbox").addEventListener("click", () => attempt(loadInbox));
  $("refresh-record").addEventListener("click", () => attempt(loadRecord));
  $("logout").addEventListener("click", logout);
  setupInvitation(() => invitationToken, () => show("login"));
  $("login-button").disabled = false;
  route();
  // An invitation link opened in a tab already on this page changes only the hash.
  window.addEventListener("hashchange", route);
}

function route() {
  const hash = new URLSearchParams(location.hash.slice(1));
  if (hash.has("invitation")) invitation(hash.get("invitation"));
  else if (!ctx.client) show("login");
}

main();
