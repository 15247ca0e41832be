//! Rust values to plain JS values: objects, not `Map`s; `null`, not `undefined`.

use serde::Serialize;
use wasm_bindgen::JsValue;

pub(crate) fn to_js<T: Serialize + ?Sized>(value: &T) -> Result<JsValue, JsValue> {
    let serializer = serde_wasm_bindgen::Serializer::new()
        .serialize_missing_as_null(true)
        .serialize_maps_as_objects(true);
    value.serialize(&serializer).map_err(JsValue::from)
}
