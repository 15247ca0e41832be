//! The row types every part of the API shares (import, the Add User form,
//! the client's import), and `validatePerson`, the form's inline check: the
//! very rules the import and the server apply.

use wasm_bindgen::prelude::*;

#[cfg(feature = "client")]
use {
    crate::args::Args,
    crate::convert::to_js,
    hcp_core::rules::{RuleContext, validate_person},
};

#[wasm_bindgen(typescript_custom_section)]
const ROWS_TS: &'static str = r#"
/** A field of a person HCP. */
export type HcpField = "firstName" | "lastName" | "email" | "countryCode" | "mobilePhone" | "parentId";

/** Why a value was rejected. */
export type RejectionCode =
  | "Required" | "TooLong" | "ControlCharacter" | "InvalidEmail" | "InvalidCountryCode"
  | "MissingCountryCode" | "InvalidPhone" | "InvalidId" | "UnknownOrganization"
  | "DuplicateInFile" | "AlreadyExists";

/** A row that passed every rule, normalized (email domain lowercased, phone in E.164). */
export interface AcceptedRow {
  /** The spreadsheet's own 1-based row number (header counted). */
  row: number;
  firstName: string;
  lastName: string;
  email: string;
  /** E.164, e.g. "+32475123456". */
  phone: string | null;
  parentId: string | null;
}

/** A row's values exactly as typed ("" when absent). */
export interface PersonValues {
  firstName: string;
  lastName: string;
  email: string;
  countryCode: string;
  mobilePhone: string;
  parentId: string;
}

/** One reason a row was rejected. */
export interface RejectionReason {
  field: HcpField;
  code: RejectionCode;
  /** A sentence for the person fixing the file. */
  message: string;
}

/** A row that was not accepted, with every reason. */
export interface RejectedRow {
  row: number;
  values: PersonValues;
  reasons: RejectionReason[];
}

/** What {@link validatePerson} answers: the normalized person, or every reason it is refused. */
export type PersonCheck =
  | { ok: true; person: Omit<AcceptedRow, "row"> }
  | { ok: false; reasons: RejectionReason[] };
"#;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(typescript_type = "Partial<PersonValues>")]
    pub type PersonValuesJs;
}

/// Checks a person as typed in a form with the rules the import and the
/// server use (required names and email, email syntax, country code, phone to
/// E.164, parent id syntax, control characters, length). Throws only when a
/// value is not a string.
///
/// @example
/// const check = validatePerson({ firstName: "Anne", lastName: "Dupont", email: "anne@example.be" });
/// if (!check.ok) showErrors(check.reasons);
// In the main module only, with the form that uses it.
#[cfg(feature = "client")]
#[wasm_bindgen(js_name = validatePerson, unchecked_return_type = "PersonCheck")]
pub fn validate_person_js(values: PersonValuesJs) -> Result<JsValue, JsValue> {
    let input = Args::new(values).person()?;
    match validate_person(&input, &RuleContext::default()) {
        Ok(person) => to_js(&serde_json::json!({ "ok": true, "person": person })),
        Err(reasons) => to_js(&serde_json::json!({ "ok": false, "reasons": reasons })),
    }
}

/// Whether an HCP is an organization: a name, and neither a first nor a
/// last name (blank counts as absent). The rule the server stores it by.
///
/// @example
/// isOrganization({ name: "Clinique du Parc" }); // true
#[cfg(feature = "client")]
#[wasm_bindgen(js_name = isOrganization)]
pub fn is_organization_js(
    #[wasm_bindgen(unchecked_param_type = "Partial<Hcp>")] hcp: JsValue,
) -> bool {
    let doc = Args::new(hcp);
    let text = |k: &str| doc.str(k).ok().flatten();
    hcp_core::model::Hcp {
        name: text("name"),
        first_name: text("firstName"),
        last_name: text("lastName"),
        ..hcp_core::model::Hcp::default()
    }
    .is_organization()
}
