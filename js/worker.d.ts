// Messages of hcp-kit's import worker (`hcp-kit/worker`). The module itself
// exports nothing: load it with `new Worker(url, { type: "module" })`.
import type {
  AcceptedRow,
  HcpErrorCode,
  ImportColumn,
  ImportOptions,
  ImportReport,
  PackedReport,
  RejectedRow,
  RowValues,
} from "./hcp_kit_import.js";

/** Sent to the worker. Give either a `File`/`Blob` or the bytes. */
export interface ParseRequest {
  id: number;
  type: "parse";
  file?: Blob;
  bytes?: Uint8Array;
  options?: ImportOptions;
  /**
   * Answer with a {@link PackedParseResult} instead of a {@link ParseResult}:
   * the accepted rows cross as columns, and `reportOf` from
   * "hcp-kit/import-report" builds the report on the page. For 100,000 rows
   * the page gets it 80-180 ms sooner, with less memory.
   */
  packed?: boolean;
}

/** Sent to the worker: read only the header row (`readHeader`). Give either a `File`/`Blob` or the bytes. */
export interface HeaderRequest {
  id: number;
  type: "header";
  file?: Blob;
  bytes?: Uint8Array;
  options?: ImportOptions;
}

/** Posted in answer to a {@link HeaderRequest}. */
export interface HeaderResult {
  id: number;
  type: "header";
  columns: ImportColumn[];
}

/** Sent to the worker: check rows again after edits (`revalidateRows`). */
export interface RevalidateRequest {
  id: number;
  type: "revalidate";
  rows: RowValues[];
  options?: ImportOptions;
}

/** Posted in answer to a {@link RevalidateRequest}. */
export interface RevalidateResult {
  id: number;
  type: "revalidated";
  accepted: AcceptedRow[];
  rejected: RejectedRow[];
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

/**
 * Posted once, without an `id`, when the worker has started and warmed up
 * (`warmUp()`): a file sent from then on meets a parser V8 has already
 * optimized. Not posted when hcp-kit cannot start; each request then gets a
 * {@link ParseError} with code `InitFailed`.
 */
export interface WorkerReady {
  /** Never set: it answers no request (so `data.id` can be read before narrowing). */
  id?: undefined;
  type: "ready";
  /** How long the warm-up took, in milliseconds. */
  warmUpMs: number;
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

/** Posted once when the file is parsed, for a request with `packed: true`. */
export interface PackedParseResult {
  id: number;
  type: "packedResult";
  /** Give it to `reportOf` from "hcp-kit/import-report". Its tables were transferred. */
  packed: PackedReport;
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
export type WorkerMessage = WorkerReady | ParseProgress | ParseResult | PackedParseResult | HeaderResult | RevalidateResult | RejectionsCsvResult | ParseError;

/** Everything the worker accepts. */
export type WorkerRequest = ParseRequest | HeaderRequest | RevalidateRequest | RejectionsCsvRequest;
