//! The TypeScript shapes of `HcpClient`'s arguments and answers.

use wasm_bindgen::prelude::*;

#[wasm_bindgen(typescript_custom_section)]
const CLIENT_TS: &'static str = r#"
/** A telecom of an address (iCure `TelecomDto`: the fields hcp-kit uses). */
export interface Telecom {
  /** `"email"` or `"mobile"`. */
  telecomType?: string;
  telecomNumber?: string;
}

/** An address of an HCP (iCure `AddressDto`: the fields hcp-kit uses). */
export interface Address {
  addressType?: string;
  telecoms: Telecom[];
}

/**
 * A Healthcare Party as the backend stores it (iCure `HealthcarePartyDto`,
 * the fields hcp-kit reads and writes). A person has `firstName` and
 * `lastName`; an organization has `name`.
 */
export interface Hcp {
  id: string;
  /** The revision to send back when saving; a stale one is a `Conflict`. */
  rev: string;
  /** Creation time, ms since the epoch. */
  created?: number;
  modified?: number;
  firstName?: string;
  lastName?: string;
  name?: string;
  /** The organization this person belongs to. */
  parentId?: string;
  /** The user linked to this HCP (people with an email have one). */
  userId?: string;
  /** When it was soft-deleted, ms since the epoch. */
  deletionDate?: number;
  addresses: Address[];
  /** P-256 public keys, SPKI DER hex. */
  publicKeysP256: string[];
  /**
   * The certificate of each public key, by its fingerprint: each key is
   * signed by an earlier one (the first by itself), so a key slipped into
   * `publicKeysP256` is refused by the data owners' module.
   */
  keyCertificates?: Record<string, KeyCertificate>;
}

/** A key's certificate: the fingerprint of the key that signed it and the signature. */
export interface KeyCertificate {
  /** Fingerprint of the signing key (the last 32 hex characters of its SPKI hex). */
  signedBy: string;
  /** ECDSA P-256 signature, 64-byte `r || s`, base64. */
  signature: string;
}

/** A database (iCure group) an administrator may manage. */
export interface Database {
  id: string;
  name: string;
  /** Whether it is the administrator's own database. */
  own: boolean;
}

/** A page of HCPs. */
export interface HcpPage {
  rows: Hcp[];
  /** Pass as `cursor` for the next page; absent on the last page. */
  cursor: string | null;
}

/** How a client authenticates and where its calls go. */
export interface ClientOptions {
  /** An access token from a login, or a user's authentication token. */
  token: string;
  /** With it, the client refreshes the access token before it expires. */
  refreshToken?: string;
  /** Database (group id) for calls that name none; default: the user's own. */
  database?: string;
  /** Time allowed for one request, in ms (default 30,000). */
  timeoutMs?: number;
}

/** Options of {@link HcpClient.login}. */
export interface LoginOptions {
  database?: string;
  timeoutMs?: number;
  signal?: AbortSignal;
}

/** Options every call accepts. */
export interface CallOptions {
  /** This call's database (group id), instead of the client's. */
  database?: string;
  /** Aborting it rejects the call with code `Cancelled`. */
  signal?: AbortSignal;
}

/** Options of {@link HcpClient.listHcps}. */
export interface ListOptions extends CallOptions {
  /** Part of a name, an email or a mobile number (in any form: `+32 475 12 34 56`, `0475123456`), ignoring case and accents. */
  search?: string;
  /** Page size, 1 to 1000 (default 50). */
  limit?: number;
  /** Only people, or only organizations. */
  kind?: "person" | "organization";
  /** The `cursor` of the previous page. */
  cursor?: string | null;
}

/** Options of {@link HcpClient.children}. */
export interface PageOptions extends CallOptions {
  /** Page size, 1 to 1000 (default 50). */
  limit?: number;
  /** The `cursor` of the previous page. */
  cursor?: string | null;
}

/** A user's state: `ACTIVE`, `REGISTERING` (invited, no password chosen yet) or `DISABLED` (deactivated). */
export type UserStatus = "ACTIVE" | "REGISTERING" | "DISABLED";

/** What an account is: an administrator, or the user of one data owner. */
export type UserKind = "admin" | "hcp" | "patient" | "device";

/** A user (iCure `UserDto`, the fields hcp-kit uses, plus `kind`). */
export interface User {
  id: string;
  login: string;
  groupId: string;
  kind: UserKind;
  /** The HCP this user is the login of (`kind` `"hcp"`). */
  healthcarePartyId: string | null;
  /** The patient this user is the login of (`kind` `"patient"`). */
  patientId: string | null;
  /** The device this user is the login of (`kind` `"device"`). */
  deviceId: string | null;
  status: UserStatus;
  /** The HCP whose user created this one (a patient's doctor), if any. */
  managedBy: string | null;
  /** The user's authentication tokens by name (never their values). */
  authenticationTokens: Record<string, { creationTime: number; validity: number; expires: number }>;
}

/** An invitation sent (never its token). */
export interface Invitation {
  id: string;
  email: string;
  /** Expiry, ms since the epoch. */
  expires: number;
  /** `"smtp"` when e-mailed, `"outbox"` when kept for an administrator to forward. */
  delivery: "smtp" | "outbox";
}

/** Options of {@link HcpClient.setPassword}. */
export interface PasswordOptions extends CallOptions {
  /** The current password: required to change one's own. */
  currentPassword?: string;
}

/** A person or an organization to create, as typed in the "Add User" form. */
export type NewHcp =
  | ({ kind: "person" } & Partial<PersonValues> & { firstName: string; lastName: string; email: string })
  | { kind: "organization"; name: string; email?: string };

/** Options of {@link HcpClient.createHcp}. */
export interface CreateOptions extends CallOptions {
  /** E-mail the new person an invitation (a one-time link to choose a password). */
  invite?: boolean;
}

/** An authentication token of a user, as listed (never its value). */
export interface TokenInfo {
  name: string;
  /** Creation time, ms since the epoch. */
  created: number;
  /** Expiry time, ms since the epoch. */
  expires: number;
  expired: boolean;
}

/** What {@link HcpClient.importRows} sends: an {@link ImportReport} will do. */
export interface ImportRowsInput {
  accepted: AcceptedRow[];
  /** The browser's rejections, merged into the summary. */
  rejected?: RejectedRow[];
}

/** Progress of an import, after each answered batch (two are in flight, so they may answer out of order). */
export interface ImportBatchProgress {
  batchesDone: number;
  batches: number;
  rowsDone: number;
  rows: number;
}

/** Options of {@link HcpClient.importRows}. */
export interface ImportRowsOptions extends CallOptions {
  /** One key per import; retrying the import with it creates nothing twice. */
  idempotencyKey: string;
  /** Rows per request (default 1,000, at most 5,000). */
  batchSize?: number;
  onProgress?: (progress: ImportBatchProgress) => void;
}

/** Where one row of the file ended. */
export type FileRowOutcome =
  | { status: "created"; row: number; id: string }
  | { status: "rejectedInBrowser"; row: number; reasons: RejectionReason[] }
  | { status: "rejectedByServer"; row: number; reasons: RejectionReason[] };

/** Every row of the file, once, in row order, with the counts. */
export interface ImportSummary {
  created: number;
  rejectedInBrowser: number;
  rejectedByServer: number;
  rows: FileRowOutcome[];
}
"#;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(typescript_type = "ClientOptions")]
    pub type ClientOptionsJs;
    #[wasm_bindgen(typescript_type = "LoginOptions")]
    pub type LoginOptionsJs;
    #[wasm_bindgen(typescript_type = "CallOptions")]
    pub type CallOptionsJs;
    #[wasm_bindgen(typescript_type = "ListOptions")]
    pub type ListOptionsJs;
    #[wasm_bindgen(typescript_type = "PageOptions")]
    pub type PageOptionsJs;
    #[wasm_bindgen(typescript_type = "PasswordOptions")]
    pub type PasswordOptionsJs;
    #[wasm_bindgen(typescript_type = "NewHcp")]
    pub type NewHcpJs;
    #[wasm_bindgen(typescript_type = "CreateOptions")]
    pub type CreateOptionsJs;
    #[wasm_bindgen(typescript_type = "ImportRowsInput")]
    pub type ImportRowsInputJs;
    #[wasm_bindgen(typescript_type = "ImportRowsOptions")]
    pub type ImportRowsOptionsJs;
}
