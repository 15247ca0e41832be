// Small helpers every part of the page shares: elements, the error banner,
// a status notice, dialogs, clipboard, downloads.
import { isHcpError } from "../pkg/hcp_kit.js";

export const $ = (id) => document.getElementById(id);

/** Creates an element with text content and attributes. */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === "dataset") Object.assign(node.dataset, v);
    else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
    else if (v !== undefined && v !== null && v !== false) node.setAttribute(k, v === true ? "" : v);
  }
  node.append(...children.filter((c) => c !== null && c !== undefined));
  return node;
}

export function showError(error) {
  const message = isHcpError(error) ? `${error.message} (${error.code})` : String(error?.message ?? error);
  $("banner-text").textContent = message;
  $("banner").hidden = false;
}

export function clearError() {
  $("banner").hidden = true;
}

export function notify(text) {
  $("notice").textContent = text;
}

/** Runs an async action, showing its failure in the banner; resolves to its result or undefined. */
export async function attempt(action) {
  clearError();
  try {
    return await action();
  } catch (e) {
    showError(e);
    return undefined;
  }
}

export async function copy(text, button) {
  try {
    await navigator.clipboard.writeText(text);
    const label = button.textContent;
    button.textContent = "Copied";
    setTimeout(() => (button.textContent = label), 1500);
  } catch (e) {
    showError(new Error(`Could not copy: ${e}`));
  }
}

export function download(filename, text, type) {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = el("a", { href: url, download: filename });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 0);
}

// Every dialog's [data-close] button closes it.
document.addEventListener("click", (event) => {
  const close = event.target.closest?.("[data-close]");
  if (close) close.closest("dialog")?.close();
});

/** Name of an HCP as the list shows it. */
export function displayName(hcp) {
  return hcp.name ?? [hcp.firstName, hcp.lastName].filter(Boolean).join(" ");
}

export function telecom(hcp, type) {
  for (const a of hcp.addresses ?? []) {
    for (const t of a.telecoms ?? []) if (t.telecomType === type) return t.telecomNumber ?? "";
  }
  return "";
}

// The organization rule is hcp-core's, the one the server stores HCPs by.
export { isOrganization } from "../pkg/hcp_kit.js";

/**
 * The form behind an invitation link (`#invitation=<token>`): sets the
 * password with the token `token()` gives, then calls `done()`.
 */
export function setupInvitation(token, done) {
  $("invitation-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    await attempt(async () => {
      const response = await fetch("/rest/v2/auth/invitation", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ token: token(), password: $("new-password").value }),
      });
      if (!response.ok) throw new Error((await response.json().catch(() => ({}))).message ?? `HTTP ${response.status}`);
      history.replaceState(null, "", location.pathname);
      notify("Your password is set: log in with your email and this password.");
      done();
    });
  });
}
