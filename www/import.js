// "Import from .xlsx": the file is read in a Web Worker (hcp-kit's import
// module, loaded only here) with a progress bar and Cancel; the page shows the
// rows to import and the rejected rows with their reasons before anything is
// sent; "Import" sends the accepted rows in idempotent batches and ends with
// every row of the file created or rejected, never lost.
import { $, attempt, clearError, download, el, notify, showError } from "./ui.js";

const WORKER_URL = "/pkg/worker.js";
const PREVIEW_ROWS = 200;

export function setupImport(ctx) {
  const dialog = $("import-dialog");
  let worker = null;
  let job = 0;
  let report = null;
  let rejected = []; // browser + server rejections, as rows of the report

  function startWorker() {
    worker?.terminate();
    worker = new Worker(WORKER_URL, { type: "module" });
    worker.addEventListener("error", () => showError(new Error("The import module could not be loaded.")));
    return worker;
  }

  /** One request to the worker; resolves with its final message. */
  function ask(message, onProgress) {
    const w = worker ?? startWorker();
    const id = ++job;
    return new Promise((resolve, reject) => {
      const listener = ({ data }) => {
        if (data.id !== id) return;
        if (data.type === "progress") return onProgress?.(data);
        w.removeEventListener("message", listener);
        if (data.type === "error") reject(Object.assign(new Error(data.message), { name: data.name, code: data.code }));
        else resolve(data);
      };
      w.addEventListener("message", listener);
      w.postMessage({ ...message, id });
    });
  }

  function reset() {
    report = null;
    rejected = [];
    $("import-form").reset();
    $("parse-status").hidden = true;
    $("import-preview").hidden = true;
    $("import-run").hidden = true;
    $("import-summary").textContent = "";
    $("start-import").disabled = true;
  }

  function open() {
    reset();
    dialog.showModal();
    $("import-file").focus();
  }

  async function parse(file) {
    reset();
    clearError();
    $("parse-file").textContent = file.name;
    $("parse-rows").textContent = "0";
    $("parse-progress").value = 0;
    $("parse-status").hidden = false;
    const myJob = job + 1;
    try {
      const options = { organizationIds: (await ctx.organizations()).map((org) => org.id) };
      const { report: r } = await ask({ type: "parse", file, options }, (p) => {
        $("parse-rows").textContent = String(p.rows);
        if (p.totalBytes) $("parse-progress").value = p.bytes / p.totalBytes;
      });
      if (job !== myJob) return;
      report = r;
      rejected = [...report.rejected];
      showPreview();
    } catch (e) {
      if (job === myJob) showError(e);
    } finally {
      $("parse-status").hidden = true;
    }
  }

  function cancelParse() {
    // A parse in wasm cannot be interrupted from outside: end the worker.
    worker?.terminate();
    worker = null;
    job += 1;
    $("parse-status").hidden = true;
    notify("Reading the file was cancelled.");
  }

  const cells = (values) => values.map((v) => el("td", {}, v ?? ""));

  function showRejected() {
    $("rejected-count").textContent = String(rejected.length);
    $("rejected-table").tBodies[0].replaceChildren(
      ...rejected.slice(0, PREVIEW_ROWS).map((r) =>
        el(
          "tr",
          { dataset: { row: r.row } },
          el("td", {}, String(r.row)),
          el("td", {}, [r.values.firstName, r.values.lastName, r.values.email].filter(Boolean).join(" · ")),
          el("td", {}, el("ul", {}, ...r.reasons.map((reason) => el("li", {}, reason.message)))),
        ),
      ),
    );
    $("download-rejected").disabled = rejected.length === 0;
  }

  function showPreview() {
    const { stats, accepted, warnings, format, sheet } = report;
    $("import-counts").textContent =
      `${format.toUpperCase()}${sheet ? `, sheet ${sheet}` : ""}: ${stats.rows} rows, ${stats.accepted} to import, ${stats.rejected} rejected.`;
    $("import-warnings").replaceChildren(...warnings.map((w) => el("li", {}, w.message)));
    $("accepted-count").textContent = String(accepted.length);
    $("accepted-table").tBodies[0].replaceChildren(
      ...accepted.slice(0, PREVIEW_ROWS).map((r) =>
        el("tr", {}, ...cells([String(r.row), r.firstName, r.lastName, r.email, r.phone, r.parentId])),
      ),
    );
    showRejected();
    $("import-preview").hidden = false;
    $("start-import").disabled = accepted.length === 0;
  }

  async function run() {
    const rows = report.accepted;
    $("start-import").disabled = true;
    $("import-run").hidden = false;
    $("import-progress").value = 0;
    const summary = await attempt(() =>
      ctx.client.importRows(report, {
        idempotencyKey: crypto.randomUUID(),
        onProgress: (p) => ($("import-progress").value = p.rowsDone / p.rows),
      }),
    );
    $("import-run").hidden = true;
    if (!summary) {
      $("start-import").disabled = false;
      return;
    }
    const byRow = new Map(rows.map((r) => [r.row, r]));
    for (const outcome of summary.rows) {
      if (outcome.status !== "rejectedByServer") continue;
      const r = byRow.get(outcome.row);
      rejected.push({
        row: outcome.row,
        values: { firstName: r?.firstName ?? "", lastName: r?.lastName ?? "", email: r?.email ?? "", countryCode: "", mobilePhone: r?.phone ?? "", parentId: r?.parentId ?? "" },
        reasons: outcome.reasons,
      });
    }
    rejected.sort((a, b) => a.row - b.row);
    showRejected();
    const text = `Import finished: ${summary.created} created, ${summary.rejectedInBrowser} rejected in the browser, ${summary.rejectedByServer} rejected by the server.`;
    $("import-summary").textContent = text;
    notify(text);
    await ctx.list.reload();
  }

  async function downloadRejected() {
    const answer = await attempt(() => ask({ type: "rejectionsCsv", rejected }));
    if (answer) download("rejected-rows.csv", answer.csv, "text/csv;charset=utf-8");
  }

  $("import-open").addEventListener("click", open);
  $("import-file").addEventListener("change", () => {
    const file = $("import-file").files[0];
    if (file) parse(file);
  });
  const zone = $("drop-zone");
  zone.addEventListener("dragover", (e) => {
    e.preventDefault();
    zone.classList.add("over");
  });
  zone.addEventListener("dragleave", () => zone.classList.remove("over"));
  zone.addEventListener("drop", (e) => {
    e.preventDefault();
    zone.classList.remove("over");
    const file = e.dataTransfer?.files?.[0];
    if (file) parse(file);
  });
  $("cancel-parse").addEventListener("click", cancelParse);
  $("start-import").addEventListener("click", run);
  $("download-rejected").addEventListener("click", downloadRejected);
}
