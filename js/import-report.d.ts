// `hcp-kit/import-report`: turns the packed report that hcp-kit/worker posts
// for a parse with `packed: true` into an ImportReport, on the page. Plain
// JavaScript: it loads no WebAssembly and needs no init.
import type { ImportReport, PackedReport } from "./hcp_kit_import.js";

/**
 * The {@link ImportReport} of a packed one. The packed report is left as it was.
 *
 * @example
 * import { reportOf } from "hcp-kit/import-report";
 * worker.postMessage({ id: 1, type: "parse", file, packed: true });
 * worker.onmessage = ({ data }) => {
 *   if (data.type === "packedResult") show(reportOf(data.packed));
 * };
 */
export function reportOf(packed: PackedReport): ImportReport;
