// The HCP tab. For now: generate, save and verify an HCP's keypair, entirely
// in this page. The private key exists only inside the wasm module and in the
// file the administrator saves.
import init, { generateKeyPair, loadKeyPair, inspectKeyPairFile, isHcpError, version } from "../pkg/hcp_kit.js";

const $ = (id) => document.getElementById(id);

function showError(error) {
  const banner = $("banner");
  banner.textContent = isHcpError(error) ? `${error.message} (${error.code})` : String(error);
  banner.hidden = false;
}

function clearError() {
  $("banner").hidden = true;
}

function download(filename, text) {
  const url = URL.createObjectURL(new Blob([text], { type: "application/json" }));
  const a = Object.assign(document.createElement("a"), { href: url, download: filename });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 0);
}

let current = null; // { keyPair, hcpId }

function forget() {
  current?.keyPair.free();
  current = null;
}

async function main() {
  try {
    await init();
  } catch (e) {
    showError(new Error(`hcp-kit could not start: ${e}`));
    return;
  }
  $("version").textContent = version();
  $("generate").disabled = false;
  $("verify-button").disabled = false;

  $("keypair-form").addEventListener("submit", (event) => {
    event.preventDefault();
    clearError();
    const hcpId = $("hcp-id").value.trim();
    try {
      forget();
      const keyPair = generateKeyPair();
      current = { keyPair, hcpId };
      $("public-key").textContent = keyPair.publicKeyHex;
      $("fingerprint").textContent = keyPair.fingerprint;
      $("keypair-result").hidden = false;
      $("save-json").focus();
    } catch (e) {
      showError(e);
    }
  });

  $("save-form").addEventListener("submit", (event) => {
    event.preventDefault();
    clearError();
    if (!current) return;
    const passphrase = $("passphrase").value;
    try {
      const json = current.keyPair.toJson(current.hcpId, passphrase ? { passphrase } : undefined);
      download(`hcp-${current.hcpId}-keypair.json`, json);
      $("passphrase").value = "";
    } catch (e) {
      showError(e);
    }
  });

  document.addEventListener("click", async (event) => {
    const target = event.target.closest?.("button.copy");
    if (!target) return;
    const text = $(target.dataset.copy).textContent;
    try {
      await navigator.clipboard.writeText(text);
      target.textContent = "Copied";
      setTimeout(() => (target.textContent = "Copy"), 1500);
    } catch (e) {
      showError(new Error(`Could not copy: ${e}`));
    }
  });

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

main();
