//! The single crossing point for errors: every `hcp-core` error becomes a JS
//! `Error` named `HcpError` with a stable `code`, so callers can branch on
//! `e.code` and still get a stack and `instanceof Error`.

use hcp_core::Coded;
use wasm_bindgen::prelude::*;

// The union is generated from `hcp_core::Code`, where the codes are declared once.
#[wasm_bindgen(typescript_custom_section)]
const HCP_ERROR_CODES_TS: &'static str = hcp_core::Code::TYPESCRIPT;

#[wasm_bindgen(typescript_custom_section)]
const HCP_ERROR_TS: &'static str = r#"
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

/**
 * `true` when `value` is an error thrown by hcp-kit. Plain JavaScript: it works
 * before `init()`, so it can test a `NotInitialized` error too.
 */
export function isHcpError(value: unknown): value is HcpError;
"#;

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
