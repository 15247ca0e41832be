// "Import from .xlsx": the file is read in a Web Worker (hcp-kit's import
// module, loaded only here) with a progress bar and Cancel. A header that does
// not name the fields gets a column-mapping step (remembered per header); a
// CSV read as Windows-1252 gets a preview and a choice of encoding. The page
// shows the rows to import and the rejected rows in a review grid where a
// value is fixed in place (the row is checked again by the worker with the
// import's own rules, duplicates across the file included) or the row is
// dropped; "Import" sends what is accepted at that moment in idempotent
// batches and ends with every row created or rejected, never lost.
import { reportOf } from "../pkg/import-report.js";
import { $, attempt, clearError, download, el, notify, showError } from "./ui.js";

const WORKER_URL = "/pkg/worker.js";
const PREVIEW_ROWS = 200;
const GRID_PAGE = 50;
const FIELDS = [
  ["firstName", "First Name"],
  ["lastName", "Last Name"],
  ["email", "Email Address"],
  ["countryCode", "Country Code"],
  ["mobilePhone", "Mobile Phone"],
  ["parentId", "Parent Organization ID"],
];
const REQUIRED = ["firstName", "lastName", "email"];
const mappingKey = (columns) => `hcp-kit.import-mapping:${JSON.stringify(columns.map((c) => c.header))}`;

export function setupImport(ctx) {
  const dialog = $("import-dialog");
  let worker = null;
  let job = 0; // message ids
  let session = 0; // one per file picked; a cancel ends it
  let report = null;
  let rejected = []; // browser + server rejections, as rows of the report
  let file = null; // the file being imported, read again after a mapping or an encoding choice
  let parseOptions = {};
  let columns = [];
  let values = new Map(); // row number -> the row's values, for every row not dropped
  let gridPage = 0;

  /**
   * Started when the dialog opens, not when the file is picked: the worker
   * warms the parser up while the administrator looks for the file, so the
   * first parse runs optimized code (js/README.md, "warmUp").
   */
  function startWorker() {
    worker?.terminate();
    const w = new Worker(WORKER_URL, { type: "module" });
    dialog.dataset.worker = "starting";
    w.addEventListener("error", () => showError(new Error("The import module could not be loaded.")));
    w.addEventListener("message", ({ data }) => {
      if (data?.type === "ready" && w === worker) dialog.dataset.worker = "ready";
    });
    worker = w;
    return w;
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
    values = new Map();
    gridPage = 0;
    $("import-form").reset();
    $("mapping-step").hidden = true;
    $("encoding-step").hidden = true;
    $("parse-status").hidden = true;
    $("import-preview").hidden = true;
    $("import-run").hidden = true;
    $("import-summary").textContent = "";
    $("start-import").disabled = true;
  }

  function open() {
    reset();
    worker ?? startWorker();
    dialog.showModal();
    $("import-file").focus();
  }

  /**
   * Picks a file. It is parsed with its header matched by name, which is one
   * read for most files; a header that does not speak for itself gets the
   * mapping remembered for it (and a second read) or the mapping step.
   */
  async function parse(picked) {
    reset();
    clearError();
    file = picked;
    const mine = ++session;
    const current = () => session === mine;
    try {
      parseOptions = { organizationIds: (await ctx.organizations()).map((org) => org.id) };
      const first = await parseFile().catch((e) => {
        if (e?.code === "MissingColumns") return null;
        throw e;
      });
      if (!current()) return;
      columns = first?.columns ?? (await ask({ type: "header", file })).columns;
      if (!current()) return;
      const saved = localStorage.getItem(mappingKey(columns));
      if (saved) {
        parseOptions.mapping = JSON.parse(saved);
        const again = await parseFile();
        if (current()) show(again);
      } else if (!first || needsMapping(columns)) {
        showMapping();
      } else {
        show(first);
      }
    } catch (e) {
      if (current()) showError(e);
    }
  }

  /** A column nobody recognised and a field without a column: let the user say. */
  function needsMapping(cols) {
    const mapped = new Set(cols.map((c) => c.field).filter(Boolean));
    const missingRequired = REQUIRED.some((f) => !mapped.has(f));
    return missingRequired || (cols.some((c) => c.field === null) && FIELDS.some(([f]) => !mapped.has(f)));
  }

  function showMapping() {
    $("mapping-fields").replaceChildren(
      ...FIELDS.flatMap(([field, title]) => {
        const guess = columns.find((c) => c.field === field)?.header ?? "";
        const select = el(
          "select",
          { id: `map-${field}`, dataset: { field } },
          el("option", { value: "" }, "(not in the file)"),
          ...columns.map((c) => el("option", { value: c.header, selected: c.header === guess }, c.header)),
        );
        return [el("label", { for: `map-${field}` }, `${title}${REQUIRED.includes(field) ? " *" : ""}`), select];
      }),
    );
    $("mapping-step").hidden = false;
    $("map-firstName").focus();
  }

  async function applyMapping() {
    const mapping = {};
    for (const [field] of FIELDS) mapping[field] = $(`map-${field}`).value || null;
    const missing = FIELDS.filter(([f]) => REQUIRED.includes(f) && !mapping[f]).map(([, title]) => title);
    if (missing.length) return showError(new Error(`Choose a column for ${missing.join(", ")}.`));
    clearError();
    localStorage.setItem(mappingKey(columns), JSON.stringify(mapping));
    parseOptions.mapping = mapping;
    $("mapping-step").hidden = true;
    await attempt(read);
  }

  /** Parses the whole file again with the current options (mapping, encoding), and shows it. */
  async function read() {
    const mine = session;
    const r = await parseFile();
    if (session === mine) show(r);
  }

  /** The report of the file with the current options, with the progress bar meanwhile. */
  async function parseFile() {
    $("parse-file").textContent = file.name;
    $("parse-rows").textContent = "0";
    $("parse-progress").value = 0;
    $("parse-status").hidden = false;
    try {
      // Packed: the rows cross as columns, not as 100,000 objects to clone.
      const { packed } = await ask({ type: "parse", file, options: parseOptions, packed: true }, (p) => {
        $("parse-rows").textContent = String(p.rows);
        if (p.totalBytes) $("parse-progress").value = p.bytes / p.totalBytes;
      });
      return reportOf(packed);
    } finally {
      $("parse-status").hidden = true;
    }
  }

  function show(r) {
    report = r;
    rejected = [...report.rejected];
    values = new Map();
    for (const a of report.accepted) values.set(a.row, valuesOf(a));
    for (const x of report.rejected) values.set(x.row, { ...x.values });
    gridPage = 0;
    showEncoding();
    showPreview();
  }

  /** An accepted row as values the rules accept again (the phone is E.164 already). */
  const valuesOf = (a) => ({
    firstName: a.firstName,
    lastName: a.lastName,
    email: a.email,
    countryCode: "",
    mobilePhone: a.phone ?? "",
    parentId: a.parentId ?? "",
  });

  function showEncoding() {
    const guessed = report.warnings.some((w) => w.code === "Windows1252");
    if (!guessed && !parseOptions.encoding) return;
    const first = [...values.entries()].sort(([a], [b]) => a - b).slice(0, 5);
    $("encoding-preview").tBodies[0].replaceChildren(
      ...first.map(([row, v]) => el("tr", {}, ...cells([String(row), v.firstName, v.lastName, v.email]))),
    );
    $("encoding-choice").value = parseOptions.encoding ?? "";
    $("encoding-step").hidden = false;
  }

  async function applyEncoding() {
    const encoding = $("encoding-choice").value;
    if (encoding) parseOptions.encoding = encoding;
    else delete parseOptions.encoding;
    clearError();
    await attempt(read);
  }

  function cancelParse() {
    // A parse in wasm cannot be interrupted from outside: end the worker, and
    // warm a fresh one up for the next file.
    startWorker();
    session += 1;
    $("parse-status").hidden = true;
    notify("Reading the file was cancelled.");
  }

  const cells = (values) => values.map((v) => el("td", {}, v ?? ""));

  function showRejected() {
    $("rejected-count").textContent = String(rejected.length);
    const pages = Math.max(1, Math.ceil(rejected.length / GRID_PAGE));
    gridPage = Math.min(gridPage, pages - 1);
    const shown = rejected.slice(gridPage * GRID_PAGE, (gridPage + 1) * GRID_PAGE);
    $("rejected-table").tBodies[0].replaceChildren(...shown.map(gridRow));
    $("rejected-page").textContent = `page ${gridPage + 1} of ${pages}`;
    $("rejected-prev").disabled = gridPage === 0;
    $("rejected-next").disabled = gridPage >= pages - 1;
    $("download-rejected").disabled = rejected.length === 0;
  }

  /** A rejected row: its six values editable, the reasons, and Drop. Rows the server refused are shown read-only. */
  function gridRow(r) {
    const editable = values.has(r.row) && !r.byServer;
    const bad = new Set(r.reasons.map((x) => x.field));
    return el(
      "tr",
      { dataset: { row: r.row } },
      el("td", {}, String(r.row)),
      ...FIELDS.map(([field, title]) =>
        el(
          "td",
          {},
          el("input", {
            value: r.values[field] ?? "",
            readonly: !editable,
            dataset: { field },
            "aria-label": `Row ${r.row} ${title}`,
            "aria-invalid": bad.has(field) ? "true" : "false",
          }),
        ),
      ),
      el("td", { class: "reasons" }, el("ul", {}, ...r.reasons.map((reason) => el("li", {}, reason.message)))),
      el("td", {}, editable ? el("button", { type: "button", class: "secondary drop", "aria-label": `Drop row ${r.row}` }, "Drop") : ""),
    );
  }

  /** Checks every row still in the import again, in the worker, and shows the result. */
  async function revalidate() {
    const rows = [...values.entries()].map(([row, v]) => ({ row, values: v }));
    const answer = await attempt(() => ask({ type: "revalidate", rows, options: parseOptions }));
    if (!answer) return;
    report = {
      ...report,
      accepted: answer.accepted,
      rejected: answer.rejected,
      stats: { ...report.stats, rows: rows.length, accepted: answer.accepted.length, rejected: answer.rejected.length },
    };
    rejected = [...answer.rejected];
    showPreview();
  }

  async function commitCell(input) {
    const row = Number(input.closest("tr")?.dataset.row);
    const v = values.get(row);
    if (!v || input.readOnly || v[input.dataset.field] === input.value) return;
    v[input.dataset.field] = input.value;
    const focused = { row, field: input.dataset.field };
    await revalidate();
    // Keep the keyboard where it was when the row is still in the grid.
    document.querySelector(`#rejected-table tr[data-row="${focused.row}"] input[data-field="${focused.field}"]`)?.focus();
  }

  async function dropRow(button) {
    const row = Number(button.closest("tr")?.dataset.row);
    if (!values.delete(row)) return;
    notify(`Row ${row} dropped.`);
    await revalidate();
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
        byServer: true,
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
    const rows = rejected.map(({ row, values: v, reasons }) => ({ row, values: v, reasons }));
    const answer = await attempt(() => ask({ type: "rejectionsCsv", rejected: rows }));
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
  $("mapping-apply").addEventListener("click", applyMapping);
  $("encoding-apply").addEventListener("click", applyEncoding);
  $("rejected-prev").addEventListener("click", () => {
    gridPage -= 1;
    showRejected();
  });
  $("rejected-next").addEventListener("click", () => {
    gridPage += 1;
    showRejected();
  });
  const grid = $("rejected-table");
  grid.addEventListener("change", (e) => {
    if (e.target.matches("input")) commitCell(e.target);
  });
  grid.addEventListener("keydown", (e) => {
    // Enter checks the row (and must not submit the dialog's form).
    if (e.key === "Enter" && e.target.matches("input")) {
      e.preventDefault();
      commitCell(e.target);
    }
  });
  grid.addEventListener("click", (e) => {
    const button = e.target.closest("button.drop");
    if (button) dropRow(button);
  });
}
