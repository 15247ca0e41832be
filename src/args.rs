//! Reading option objects field by field through `Reflect`:
//! far smaller in wasm than a serde deserializer per options type, and a
//! wrongly typed field still gets a clear `Validation` error.

use hcp_core::client::ApiError;
use hcp_core::rules::PersonInput;
use wasm_bindgen::prelude::*;
use web_sys::AbortSignal;

use crate::error::to_js_error;

/// An options object as JS passed it (`undefined` reads as empty).
pub(crate) struct Args(JsValue);

// The import module (no keys, no client) reads only a few kinds of option.
#[cfg_attr(not(all(feature = "keys", feature = "client")), allow(dead_code))]
impl Args {
    pub fn new(value: impl Into<JsValue>) -> Args {
        Args(value.into())
    }

    pub fn of(value: Option<impl Into<JsValue>>) -> Args {
        Args(value.map(Into::into).unwrap_or(JsValue::UNDEFINED))
    }

    fn get(&self, key: &str) -> Option<JsValue> {
        if !self.0.is_object() {
            return None;
        }
        js_sys::Reflect::get(&self.0, &JsValue::from_str(key))
            .ok()
            .filter(|v| !v.is_undefined() && !v.is_null())
    }

    fn wrong(key: &str, expected: &str) -> JsValue {
        to_js_error(ApiError::invalid(format!("{key} must be {expected}")))
    }

    pub fn str(&self, key: &str) -> Result<Option<String>, JsValue> {
        self.get(key)
            .map(|v| v.as_string().ok_or_else(|| Args::wrong(key, "a string")))
            .transpose()
    }

    pub fn required_str(&self, key: &str) -> Result<String, JsValue> {
        self.str(key)?.ok_or_else(|| Args::wrong(key, "a string"))
    }

    /// A non-negative whole number that fits in `u32`.
    pub fn u32(&self, key: &str) -> Result<Option<u32>, JsValue> {
        self.get(key)
            .map(|v| {
                v.as_f64()
                    .filter(|n| n.fract() == 0.0 && (0.0..=f64::from(u32::MAX)).contains(n))
                    .map(|n| n as u32)
                    .ok_or_else(|| Args::wrong(key, "a whole number"))
            })
            .transpose()
    }

    pub fn bool(&self, key: &str) -> Result<bool, JsValue> {
        self.get(key)
            .map(|v| v.as_bool().ok_or_else(|| Args::wrong(key, "true or false")))
            .transpose()
            .map(|b| b.unwrap_or(false))
    }

    pub fn signal(&self) -> Result<Option<AbortSignal>, JsValue> {
        self.get("signal")
            .map(|v| {
                v.dyn_into()
                    .map_err(|_| Args::wrong("signal", "an AbortSignal"))
            })
            .transpose()
    }

    pub fn function(&self, key: &str) -> Result<Option<js_sys::Function>, JsValue> {
        self.get(key)
            .map(|v| v.dyn_into().map_err(|_| Args::wrong(key, "a function")))
            .transpose()
    }

    pub fn value(&self, key: &str) -> Option<JsValue> {
        self.get(key)
    }

    /// A person's six fields as typed (absent ones empty).
    pub fn person(&self) -> Result<PersonInput, JsValue> {
        let field = |k: &str| self.str(k).map(Option::unwrap_or_default);
        Ok(PersonInput {
            first_name: field("firstName")?,
            last_name: field("lastName")?,
            email: field("email")?,
            country_code: field("countryCode")?,
            mobile_phone: field("mobilePhone")?,
            parent_id: field("parentId")?,
        })
    }

    pub fn database(&self) -> Result<Option<String>, JsValue> {
        Ok(self.str("database")?.filter(|d| !d.is_empty()))
    }
}
