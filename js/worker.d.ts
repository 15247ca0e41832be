// Messages of hcp-kit's import worker (`hcp-kit/worker`). The module itself
// exports nothing: load it with `new Worker(url, { type: "module" })`.
import type { HcpErrorCode, ImportOptions, ImportReport, RejectedRow } from "./hcp_kit_import.js";

/** Sent to the worker. Give either a `File`/`Blob` or the bytes. */
export interface ParseRequest {
  id: number;
  type: "parse";
  file?: Blob;
  bytes?: Uint8Array;
  options?: ImportOptions;
}

/** Sent to the worker: build the rejection report (CSV) of these rows. */
export interface RejectionsCsvRequest {
  id: number;
  type: "rejectionsCsv";
  rejected: RejectedRow[];
}

/** Posted in answer to a {@link RejectionsCsvRequest}. */
export interface RejectionsCsvResult {
  id: number;
  type: "csv";
  csv: string;
}

/** Posted while parsing, at most every 50 ms. */
export interface ParseProgress {
  id: number;
  type: "progress";
  rows: number;
  bytes: number;
  totalBytes: number;
}

/** Posted once when the file is parsed. */
export interface ParseResult {
  id: number;
  type: "result";
  report: ImportReport;
}

/** Posted once when the file cannot be parsed (or hcp-kit cannot start: code `InitFailed`). */
export interface ParseError {
  id: number;
  type: "error";
  name: "HcpError" | "Error";
  code: HcpErrorCode | "Internal";
  message: string;
}

/** Everything the worker posts back. */
export type WorkerMessage = ParseProgress | ParseResult | RejectionsCsvResult | ParseError;
