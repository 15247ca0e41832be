// "+" in the Active Authentication Tokens cell: a unique name and an expiry,
// then the token, shown once with a copy button and a warning.
import { $, attempt, copy, displayName, notify } from "./ui.js";

/** `datetime-local` value for a date, in local time. */
function localInput(date) {
  const pad = (n) => String(n).padStart(2, "0");
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

export function setupTokens(ctx) {
  const dialog = $("token-dialog");
  let hcp = null;

  function open(target) {
    hcp = target;
    $("token-form").reset();
    $("token-title").textContent = `New authentication token for ${displayName(hcp)}`;
    $("token-error").textContent = "";
    $("token-inputs").hidden = false;
    $("token-created").hidden = true;
    $("token-value").textContent = "";
    $("token-submit").hidden = false;
    $("token-expiry").value = localInput(new Date(Date.now() + 30 * 24 * 3600 * 1000));
    dialog.showModal();
    $("token-name").focus();
  }

  $("token-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const name = $("token-name").value;
    const expiry = new Date($("token-expiry").value);
    if (!name.trim() || Number.isNaN(expiry.getTime())) {
      $("token-error").textContent = "Enter a unique name and an expiry date and time.";
      return;
    }
    $("token-error").textContent = "";
    const token = await attempt(() => ctx.client.createToken(hcp.userId, name, expiry));
    if (token === undefined) {
      $("token-error").textContent = $("banner-text").textContent;
      return;
    }
    $("token-value").textContent = token;
    $("token-inputs").hidden = true;
    $("token-submit").hidden = true;
    $("token-created").hidden = false;
    $("token-copy").focus();
    notify(`Token ${name} created for ${displayName(hcp)}.`);
    await ctx.list.refreshUser(hcp);
  });
  $("token-copy").addEventListener("click", (e) => copy($("token-value").textContent, e.currentTarget));
  // The value is never kept once the dialog closes.
  dialog.addEventListener("close", () => ($("token-value").textContent = ""));

  ctx.tokens = { open };
  return ctx.tokens;
}
