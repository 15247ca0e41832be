// "Generate Keypair" (overflow menu): the key pair is made in this page, its
// public key registered on the HCP, and the private key leaves only in the
// file the administrator saves. Also: verifying a saved file.
import { generateKeyPair, inspectKeyPairFile, loadKeyPair } from "../pkg/hcp_kit.js";
import { $, attempt, clearError, copy, displayName, download, notify, showError } from "./ui.js";

export function setupKeypair(ctx) {
  const dialog = $("keypair-dialog");
  let hcp = null;
  let keyPair = null;

  function forget() {
    keyPair?.free();
    keyPair = null;
  }

  function open(target) {
    forget();
    hcp = target;
    $("keypair-hcp").textContent = displayName(hcp);
    $("keypair-result").hidden = true;
    $("generate").hidden = false;
    $("passphrase").value = "";
    dialog.showModal();
    $("generate").focus();
  }

  $("generate").addEventListener("click", async () => {
    const made = generateKeyPair();
    const saved = await attempt(() => ctx.client.registerPublicKey(hcp.id, made));
    if (saved === undefined) {
      made.free();
      return;
    }
    forget();
    keyPair = made;
    hcp = saved;
    $("public-key").textContent = keyPair.publicKeyHex;
    $("fingerprint").textContent = keyPair.fingerprint;
    $("generate").hidden = true;
    $("keypair-result").hidden = false;
    $("save-json").focus();
    notify(`A public key was registered for ${displayName(hcp)}. Save the keypair now: the private key cannot be shown again.`);
    await ctx.list.refresh();
  });

  $("save-json").addEventListener("click", () => {
    if (!keyPair) return;
    clearError();
    const passphrase = $("passphrase").value;
    try {
      const json = keyPair.toJson(hcp.id, passphrase ? { passphrase } : undefined);
      download(`hcp-${hcp.id}-keypair.json`, json, "application/json");
      $("passphrase").value = "";
    } catch (e) {
      showError(e);
    }
  });

  document.addEventListener("click", (event) => {
    const button = event.target.closest?.("button.copy[data-copy]");
    if (button) copy($(button.dataset.copy).textContent, button);
  });
  // Once the dialog closes, the private key is gone from the page.
  dialog.addEventListener("close", forget);

  ctx.keypair = { open };
  return ctx.keypair;
}

export function setupVerify() {
  $("verify-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    clearError();
    const file = $("keyfile").files[0];
    if (!file) return showError(new Error("Choose a keypair file first."));
    const text = await file.text();
    const out = $("verify-result");
    try {
      const info = inspectKeyPairFile(text);
      const keyPair = loadKeyPair(text, $("verify-passphrase").value || undefined);
      keyPair.free();
      out.textContent = `Valid keypair for HCP ${info.hcpId}, created ${info.createdAt}, fingerprint ${info.fingerprint}.`;
    } catch (e) {
      out.textContent = "";
      showError(e);
    }
  });
}
