//! Reading option objects field by field through `Reflect`:
//! far smaller in wasm than a serde deserializer per options type, and a
//! wrongly typed field still gets a clear `Validation` error.

use hcp_core::client::ApiError;
use hcp_core::rules::{Field, PersonInput};
use wasm_bindgen::prelude::*;
use web_sys::AbortSignal;

use crate::error::to_js_error;

/// An options object as JS passed it (`undefined` reads as empty).
pub(crate) struct Args(JsValue);

// Each module (main: keys + client; import) reads only some kinds of option.
#[cfg_attr(
    not(all(feature = "keys", feature = "client", feature = "import")),
    allow(dead_code)
)]
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

    /// Refuses keys other than `allowed`: a misspelled option would
    /// otherwise be ignored without a word.
    pub fn only(&self, what: &str, allowed: &[&str]) -> Result<(), JsValue> {
        if !self.0.is_object() {
            return Ok(());
        }
        for key in js_sys::Object::keys(self.0.unchecked_ref::<js_sys::Object>()).iter() {
            let key = key.as_string().unwrap_or_default();
            if !allowed.contains(&key.as_str()) {
                return Err(to_js_error(ApiError::invalid(format!(
                    "{what}: unknown option `{key}`, expected one of {}",
                    allowed.join(", ")
                ))));
            }
        }
        Ok(())
    }

    /// An array of strings.
    pub fn strings(&self, key: &str) -> Result<Option<Vec<String>>, JsValue> {
        let Some(v) = self.get(key) else {
            return Ok(None);
        };
        if !js_sys::Array::is_array(&v) {
            return Err(Args::wrong(key, "an array of strings"));
        }
        js_sys::Array::from(&v)
            .iter()
            .map(|s| {
                s.as_string()
                    .ok_or_else(|| Args::wrong(key, "an array of strings"))
            })
            .collect::<Result<Vec<_>, _>>()
            .map(Some)
    }

    /// An array of objects (absent: empty).
    pub fn objects(&self, key: &str) -> Result<Vec<Args>, JsValue> {
        self.get(key).map_or(Ok(Vec::new()), |v| Args(v).items(key))
    }

    /// The items of this value, which must be an array (`what` names it in the error).
    pub fn items(&self, what: &str) -> Result<Vec<Args>, JsValue> {
        if !js_sys::Array::is_array(&self.0) {
            return Err(Args::wrong(what, "an array"));
        }
        Ok(js_sys::Array::from(&self.0).iter().map(Args).collect())
    }

    /// A nested options object.
    pub fn object(&self, key: &str) -> Args {
        Args(self.get(key).unwrap_or(JsValue::UNDEFINED))
    }

    pub fn value(&self, key: &str) -> Option<JsValue> {
        self.get(key)
    }

    /// A person's six fields as typed (absent ones empty).
    pub fn person(&self) -> Result<PersonInput, JsValue> {
        let mut person = PersonInput::default();
        for field in Field::ALL {
            *person.get_mut(field) = self.str(field.key())?.unwrap_or_default();
        }
        Ok(person)
    }

    pub fn database(&self) -> Result<Option<String>, JsValue> {
        Ok(self.str("database")?.filter(|d| !d.is_empty()))
    }
}
