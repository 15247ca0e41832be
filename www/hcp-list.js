// The HCP list: a page at a time (search, previous/next), one row per HCP
// with its overflow menu (Edit, Delete, Generate Keypair), and an expandable
// detail row with the ids to copy and the authentication tokens.
import { tokensOf } from "../pkg/hcp_kit.js";
import { $, attempt, copy, displayName, el, isOrganization, notify, telecom } from "./ui.js";

/** How the detail row names a user's status. */
const USER_STATUS = { ACTIVE: "active", REGISTERING: "invited", DISABLED: "deactivated" };

const PAGE = 20;

export function createList(ctx) {
  let cursors = [null]; // cursor of each page shown so far
  let page = 0;
  let next = null;
  let searchTimer;

  const tbody = $("hcp-table").tBodies[0];

  async function load() {
    const { rows, cursor } = await ctx.client.listHcps({ search: $("search").value, limit: PAGE, cursor: cursors[page] });
    next = cursor;
    const parents = [...new Set(rows.map((r) => r.parentId).filter(Boolean))];
    const names = new Map((parents.length ? await ctx.client.getHcps(parents) : []).map((o) => [o.id, displayName(o)]));
    tbody.replaceChildren(...rows.flatMap((hcp) => renderRow(hcp, names)));
    $("empty").hidden = rows.length > 0;
    $("prev-page").disabled = page === 0;
    $("next-page").disabled = !next;
    $("page-info").textContent = rows.length ? `Page ${page + 1}` : "";
    await Promise.all(rows.map((hcp) => refreshUser(hcp)));
  }

  function renderRow(hcp, names) {
    const detailId = `detail-${hcp.id}`;
    const org = isOrganization(hcp);
    const toggle = el("button", { type: "button", class: "expand link", "aria-expanded": "false", "aria-controls": detailId, "aria-label": `Details of ${displayName(hcp)}` }, "▸");
    const menu = overflowMenu(hcp);
    const row = el(
      "tr",
      { class: "hcp-row", dataset: { id: hcp.id } },
      el("td", {}, toggle),
      el("td", { class: "name" }, displayName(hcp)),
      el("td", { class: "email" }, telecom(hcp, "email")),
      el("td", { class: "phone" }, telecom(hcp, "mobile")),
      el("td", { class: "type" }, org ? "Organization" : "Healthcare Professional"),
      el("td", { class: "parent" }, hcp.parentId ? (names.get(hcp.parentId) ?? hcp.parentId) : ""),
      el("td", { class: "token-count" }, hcp.userId ? "…" : "—"),
      el("td", { class: "menu-cell" }, menu),
    );
    const detail = el(
      "tr",
      { class: "hcp-detail", id: detailId, hidden: true, dataset: { id: hcp.id } },
      el("td", { colspan: "8" }, details(hcp, org)),
    );
    toggle.addEventListener("click", () => {
      const open = toggle.getAttribute("aria-expanded") !== "true";
      toggle.setAttribute("aria-expanded", String(open));
      toggle.textContent = open ? "▾" : "▸";
      detail.hidden = !open;
    });
    return [row, detail];
  }

  function idLine(label, id, copyLabel) {
    const code = el("code", {}, id);
    return [
      el("dt", {}, label),
      el("dd", {}, code, " ", el("button", { type: "button", class: "copy", "aria-label": copyLabel, onclick: (e) => copy(id, e.currentTarget) }, "Copy")),
    ];
  }

  function details(hcp, org) {
    const list = el("dl", { class: "ids" }, ...idLine(org ? "Organization ID" : "HCP ID", hcp.id, `Copy ${org ? "Organization" : "HCP"} ID`));
    if (hcp.parentId) list.append(...idLine("Organization ID (parent)", hcp.parentId, "Copy Organization ID"));
    const tokens = el("div", { class: "tokens" });
    if (hcp.userId) {
      list.append(el("dt", {}, "User"), el("dd", { class: "user-status" }, "…"));
      tokens.append(
        el("h3", {}, "Active Authentication Tokens"),
        el("ul", { class: "token-list" }),
        el("button", { type: "button", class: "add-token", "aria-label": `New authentication token for ${displayName(hcp)}`, onclick: () => ctx.tokens.open(hcp) }, "+"),
      );
    }
    return el("div", { class: "detail" }, list, tokens);
  }

  function overflowMenu(hcp) {
    const id = `menu-${hcp.id}`;
    const button = el("button", { type: "button", class: "overflow link", "aria-haspopup": "menu", "aria-expanded": "false", "aria-controls": id, "aria-label": `Actions for ${displayName(hcp)}` }, "⋮");
    const item = (label, action) =>
      el("li", { role: "none" }, el("button", { type: "button", role: "menuitem", onclick: () => { close(); action(hcp); } }, label));
    const admin = ctx.user?.kind === "admin";
    const menu = el(
      "ul",
      { id, class: "menu", role: "menu", hidden: true },
      item("Edit", ctx.form.edit),
      ...(admin ? [item("Delete", remove)] : []),
      item("Generate Keypair", ctx.keypair.open),
      ...(admin && hcp.userId
        ? [item("Deactivate user", (h) => setActive(h, false)), item("Reactivate user", (h) => setActive(h, true))]
        : []),
    );
    function close() {
      menu.hidden = true;
      button.setAttribute("aria-expanded", "false");
    }
    button.addEventListener("click", () => {
      const open = menu.hidden;
      document.querySelectorAll(".menu").forEach((m) => (m.hidden = true));
      menu.hidden = !open;
      button.setAttribute("aria-expanded", String(open));
      if (open) menu.querySelector("button").focus();
    });
    menu.addEventListener("keydown", (e) => {
      if (e.key === "Escape") {
        close();
        button.focus();
      }
    });
    return el("div", { class: "menu-wrap" }, button, menu);
  }

  async function remove(hcp) {
    $("confirm-name").textContent = displayName(hcp);
    const dialog = $("confirm-dialog");
    dialog.returnValue = "";
    dialog.showModal();
    await new Promise((r) => dialog.addEventListener("close", r, { once: true }));
    if (dialog.returnValue !== "delete") return;
    await attempt(async () => {
      await ctx.client.deleteHcp(hcp.id, hcp.rev);
      notify(`${displayName(hcp)} was deleted.`);
      await load();
    });
  }

  /** Deactivates or reactivates the user of an HCP (administrators). */
  async function setActive(hcp, active) {
    await attempt(async () => {
      if (active) await ctx.client.reactivateUser(hcp.userId);
      else await ctx.client.deactivateUser(hcp.userId);
      notify(`The user of ${displayName(hcp)} was ${active ? "reactivated" : "deactivated"}.`);
      await refreshUser(hcp);
    });
  }

  /**
   * Fills what one HCP's rows show of its user: its status (and which of
   * Deactivate / Reactivate applies) and its tokens (count in the list,
   * list in the detail).
   */
  async function refreshUser(hcp) {
    if (!hcp.userId) return;
    const row = tbody.querySelector(`tr.hcp-row[data-id="${hcp.id}"]`);
    const detail = tbody.querySelector(`tr.hcp-detail[data-id="${hcp.id}"]`);
    let user;
    try {
      user = await ctx.client.getUser(hcp.userId);
    } catch {
      row?.querySelector(".token-count")?.replaceChildren("?");
      detail?.querySelector(".user-status")?.replaceChildren("unknown");
      return;
    }
    const status = USER_STATUS[user.status] ?? user.status;
    detail?.querySelector(".user-status")?.replaceChildren(status);
    if (row) row.dataset.userStatus = user.status;
    for (const b of row?.querySelectorAll(".menu [role=menuitem]") ?? []) {
      if (b.textContent === "Deactivate user") b.parentElement.hidden = user.status === "DISABLED";
      if (b.textContent === "Reactivate user") b.parentElement.hidden = user.status !== "DISABLED";
    }
    const tokens = tokensOf(user);
    const active = tokens.filter((t) => !t.expired);
    row?.querySelector(".token-count")?.replaceChildren(String(active.length));
    detail?.querySelector(".token-list")?.replaceChildren(
      ...tokens.map((t) =>
        el(
          "li",
          { dataset: { token: t.name } },
          el("span", { class: "token-name" }, t.name),
          ` expires ${new Date(t.expires).toLocaleString()}${t.expired ? " (expired)" : ""} `,
          el("button", { type: "button", class: "delete-token link", "aria-label": `Delete token ${t.name}`, onclick: () => deleteToken(hcp, t.name) }, "Delete"),
        ),
      ),
    );
  }

  async function deleteToken(hcp, name) {
    await attempt(async () => {
      await ctx.client.deleteToken(hcp.userId, name);
      notify(`Token ${name} was deleted.`);
      await refreshUser(hcp);
    });
  }

  $("prev-page").addEventListener("click", () => attempt(() => { page = Math.max(0, page - 1); return load(); }));
  $("next-page").addEventListener("click", () =>
    attempt(() => {
      if (!next) return undefined;
      cursors[page + 1] = next;
      page += 1;
      return load();
    }),
  );
  $("search").addEventListener("input", () => {
    clearTimeout(searchTimer);
    searchTimer = setTimeout(() => attempt(reload), 250);
  });
  document.addEventListener("click", (e) => {
    if (!e.target.closest?.(".menu-wrap")) document.querySelectorAll(".menu").forEach((m) => (m.hidden = true));
  });

  function reload() {
    cursors = [null];
    page = 0;
    return load();
  }

  return {
    reload,
    refresh: load,
    refreshUser,
    clear() {
      tbody.replaceChildren();
    },
  };
}
