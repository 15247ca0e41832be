// Type-checked (never run) against the generated .d.ts of the import module
// and the worker's message types: how a strict TypeScript consumer reads a file.
import initImport, {
  parseImport,
  rejectionsCsv,
  type AcceptedRow,
  type ImportOptions,
  type ImportProgress,
  type ImportReport,
  type RejectedRow,
} from "../../pkg/hcp_kit_import.js";
import type { ParseRequest, WorkerMessage } from "../../pkg/worker.js";
import { reportOf } from "../../pkg/import-report.js";

export async function readFile(bytes: Uint8Array, organizationIds: string[]): Promise<string> {
  await initImport();
  const options: ImportOptions = { organizationIds, limits: { maxRows: 10_000 } };
  let rows = 0;
  const report: ImportReport = parseImport(bytes, options, (p: ImportProgress) => {
    rows = p.rows;
  });
  const emails: string[] = report.accepted.map((r: AcceptedRow) => r.email);
  const phones: (string | null)[] = report.accepted.map((r) => r.phone);
  const reasons: string[] = report.rejected.flatMap((r: RejectedRow) => r.reasons.map((x) => x.code));
  return `${rows} ${emails.length} ${phones.length} ${reasons.join()} ${rejectionsCsv(report.rejected)}`;
}

export function inWorker(worker: Worker, file: Blob): Promise<ImportReport> {
  const request: ParseRequest = { id: 1, type: "parse", file };
  worker.postMessage(request);
  return new Promise((resolve, reject) => {
    worker.onmessage = ({ data }: MessageEvent<WorkerMessage>) => {
      if (data.id !== undefined && data.id !== request.id) return;
      if (data.type === "ready") console.debug(`hcp-kit warmed up in ${data.warmUpMs.toFixed(0)} ms`);
      if (data.type === "result") resolve(data.report);
      if (data.type === "packedResult") resolve(reportOf(data.packed));
      if (data.type === "error") reject(new Error(`${data.code}: ${data.message}`));
    };
  });
}
