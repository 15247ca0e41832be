// The HCP tab: log in, choose a database, then list, add, edit and delete
// HCPs, copy their ids, manage authentication tokens, generate keypairs and
// import spreadsheets. Everything talks to the backend through HcpClient;
// private keys exist only inside the wasm module and the file the
// administrator saves.
import init, { HcpClient, version } from "../pkg/hcp_kit.js";
import { $, attempt, clearError, notify, setupInvitation, showError } from "./ui.js";
import { createList } from "./hcp-list.js";
import { setupForm } from "./hcp-form.js";
import { setupTokens } from "./tokens.js";
import { setupKeypair, setupVerify } from "./keypair.js";
import { setupImport } from "./import.js";

/** What every part of the page shares: the session and the list. */
const ctx = {
  client: null,
  /** The logged-in user (`kind` "admin" sees the administrator's actions). */
  user: null,
  list: null,
  /** Every organization of the current database (parents to choose, ids to check). */
  async organizations() {
    const orgs = [];
    for await (const org of ctx.client.hcps({ kind: "organization", limit: 500 })) orgs.push(org);
    return orgs;
  },
};

function show(section) {
  for (const id of ["login", "invitation", "hcp-tab", "verify"]) $(id).hidden = !section.includes(id);
  $("session").hidden = !section.includes("hcp-tab");
}

async function chooseDatabase() {
  const select = $("database");
  const databases = await ctx.client.listDatabases();
  select.replaceChildren(
    ...databases.map((d) => new Option(d.own ? `${d.name} (own)` : d.name, d.id)),
  );
  ctx.client.database = databases[0]?.id;
}

async function login(event) {
  event.preventDefault();
  const button = $("login-button");
  button.disabled = true;
  await attempt(async () => {
    const client = await HcpClient.login(location.origin, $("username").value.trim(), $("password").value);
    ctx.client?.free();
    ctx.client = client;
    ctx.user = await client.currentUser();
    document.body.dataset.role = ctx.user.kind;
    $("password").value = "";
    await chooseDatabase();
    show(["hcp-tab", "verify"]);
    await ctx.list.reload();
    $("search").focus();
  });
  button.disabled = false;
}

async function logout() {
  // Ends the session on the server too: its tokens stop working at once.
  await ctx.client?.logout().catch(() => {});
  ctx.client?.free();
  ctx.client = null;
  ctx.user = null;
  ctx.list.clear();
  clearError();
  notify("");
  show(["login"]);
  $("username").focus();
}

/** `#invitation=<token>`: the link of an invitation e-mail, to choose a password. */
function invitation(token) {
  show(["invitation"]);
  setupInvitation(() => token, () => show(["login"]));
}

async function main() {
  try {
    await init();
  } catch (e) {
    showError(new Error(`hcp-kit could not start: ${e}`));
    return;
  }
  $("version").textContent = version();
  $("banner-close").addEventListener("click", clearError);
  ctx.list = createList(ctx);
  setupForm(ctx);
  setupTokens(ctx);
  setupKeypair(ctx);
  setupVerify();
  setupImport(ctx);
  $("login-form").addEventListener("submit", login);
  $("logout").addEventListener("click", logout);
  $("database").addEventListener("change", async () => {
    ctx.client.database = $("database").value;
    await attempt(() => ctx.list.reload());
  });
  $("login-button").disabled = false;
  const hash = new URLSearchParams(location.hash.slice(1));
  if (hash.has("invitation")) invitation(hash.get("invitation"));
  else show(["login"]);
}

main();
