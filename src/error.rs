//! The single crossing point for errors: every `hcp-core` error becomes a JS
//! `Error` named `HcpError` with a stable `code`, so callers can branch on
//! `e.code` and still get a stack and `instanceof Error`.

use hcp_core::Coded;
use wasm_bindgen::prelude::*;

#[wasm_bindgen(typescript_custom_section)]
const HCP_ERROR_TS: &'static str = r#"
/**
 * The stable machine-readable reason of an {@link HcpError}. New codes may be
 * added in minor versions; existing ones never change meaning.
 */
export type HcpErrorCode =
  | "Validation"
  | "InvalidKey"
  | "KeyMismatch"
  | "InvalidFile"
  | "UnsupportedVersion"
  | "PassphraseRequired"
  | "WrongPassphrase"
  | "Random"
  | "Empty"
  | "UnsupportedFormat"
  | "Encrypted"
  | "TooLarge"
  | "MissingColumns"
  | "SheetNotFound"
  | "Cancelled"
  | "Unauthorized"
  | "Forbidden"
  | "NotFound"
  | "Conflict"
  | "RateLimited"
  | "Network"
  | "Timeout"
  | "Server"
  | "NotShared"
  | "KeyMissing"
  | "Tampered";

/**
 * Every failure hcp-kit throws: a real `Error` (with a stack) whose `name` is
 * `"HcpError"` and whose `code` says what went wrong.
 *
 * @example
 * try { loadKeyPair(text); } catch (e) {
 *   if (isHcpError(e) && e.code === "PassphraseRequired") askForPassphrase();
 * }
 */
export interface HcpError extends Error {
  /** Always `"HcpError"`. */
  name: "HcpError";
  /** What went wrong, stable across versions. */
  code: HcpErrorCode;
  /** The HTTP status, for errors that came from the backend. */
  status?: number;
}
"#;

/// The `code` strings listed in the `.d.ts` section above (read from this
/// file's source, since the macro consumes the constant), for the test that
/// keeps them equal to `hcp_core::Code::ALL`.
#[cfg(test)]
pub(crate) fn declared_codes() -> Vec<&'static str> {
    include_str!("error.rs")
        .split("export type HcpErrorCode =")
        .nth(1)
        .and_then(|rest| rest.split(';').next())
        .map(|union| {
            union
                .split('|')
                .map(|c| c.trim().trim_matches('"'))
                .filter(|c| !c.is_empty())
                .collect()
        })
        .unwrap_or_default()
}

/// Converts any domain error into the thrown `HcpError`.
pub(crate) fn to_js_error<E: Coded>(error: E) -> JsValue {
    let js = js_sys::Error::new(&error.to_string());
    js.set_name("HcpError");
    // Setting a property on a fresh Error object cannot fail.
    let _ = js_sys::Reflect::set(
        &js,
        &JsValue::from_str("code"),
        &JsValue::from_str(error.code().as_str()),
    );
    if let Some(status) = error.status() {
        let _ = js_sys::Reflect::set(&js, &JsValue::from_str("status"), &JsValue::from(status));
    }
    js.into()
}

/// `true` when `value` is an error thrown by hcp-kit.
#[wasm_bindgen(js_name = isHcpError, unchecked_return_type = "value is HcpError")]
pub fn is_hcp_error(#[wasm_bindgen(unchecked_param_type = "unknown")] value: JsValue) -> bool {
    value
        .dyn_ref::<js_sys::Error>()
        .is_some_and(|e| e.name() == "HcpError")
        && js_sys::Reflect::get(&value, &JsValue::from_str("code")).is_ok_and(|c| c.is_string())
}

#[cfg(test)]
mod tests {
    #[test]
    fn typescript_union_lists_exactly_the_core_codes() {
        let core: Vec<&str> = hcp_core::Code::ALL.iter().map(|c| c.as_str()).collect();
        assert_eq!(super::declared_codes(), core);
    }
}
