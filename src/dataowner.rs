//! `DataOwner`: an HCP's, a patient's or a device's session over its
//! end-to-end encrypted data, in its own module (`hcp-kit/dataowner`). The
//! private key lives in this module's memory; plain objects go in and come
//! out. Everything it decides is `hcp_core::dataowner::Session`'s; this file
//! carries requests (fetch, with a token from the logged-in `HcpClient` or
//! given) and converts values.

use std::cell::RefCell;
use std::rc::Rc;

use gloo_net::http::Method as HttpMethod;
use hcp_core::client::ApiError;
use hcp_core::dataowner::entity::{Entity, EntityKind, Permission};
use hcp_core::dataowner::{Method, Platform, Session, SessionError};
use hcp_core::keys::KeyPair;
use hcp_core::keys::file::{SaveOptions, load, to_json};
use serde_json::{Map, Value};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::{JsFuture, future_to_promise};

use crate::args::Args;
use crate::error::to_js_error;
use crate::http::{Auth, Call, Http, trim_base};

#[wasm_bindgen(typescript_custom_section)]
const DATA_OWNER_TS: &'static str = r#"
/**
 * Where a {@link DataOwner} sends its requests and gets its access token:
 * a logged-in `HcpClient` (from `hcp-kit`) is one; so is `{ baseUrl, token }`
 * (in a Worker, say, with a token the page passed it).
 */
export type TokenSource =
  | { readonly baseUrl: string; accessToken(): Promise<string> }
  | { baseUrl: string; token: string };

/** The kinds of encrypted entity: a Patient, a visit (iCure Contact) with its Data Samples, a Healthcare Element, a Notification (iCure MaintenanceTask), a Device. */
export type EntityKind = "patient" | "visit" | "healthElement" | "notification" | "device";

/** What a delegate may do with an entity. */
export type Permission = "read" | "write";

/** The status of a Notification. */
export type NotificationStatus = "pending" | "ongoing" | "cancelled" | "completed";

/**
 * An entity as the app sees it: its own fields (encrypted on the server,
 * except the kind's clear metadata), plus what the session adds.
 */
export interface Plain {
  id: string;
  rev: string;
  created: number;
  modified: number;
  /** The data owner that created it. */
  author: string;
  /** Every delegate and its permission. */
  sharedWith: Record<string, Permission>;
  /** This data owner's permission. */
  permission: Permission;
  [field: string]: unknown;
}

/** A page of entities, and the cursor of the next one. */
export interface PlainPage {
  rows: Plain[];
  cursor: string | null;
}

/** Paging options. */
export interface PageOptions {
  /** 1 to 1000 (default 100). */
  limit?: number;
  cursor?: string | null;
}

/** What {@link DataOwner.firstLogin} gives: the session, and the keypair file to save. */
export interface FirstLogin {
  session: DataOwner;
  /** The keypair file (JSON), sealed with the passphrase when one was given. */
  keyFile: string;
}
"#;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(typescript_type = "TokenSource")]
    pub type TokenSourceJs;
    #[wasm_bindgen(typescript_type = "PageOptions")]
    pub type PageOptionsJs;
}

/// Where a session runs: fetch with a bearer token from the source, and
/// WebCrypto for signature checks (public keys only: the private key stays
/// in this module).
struct JsPlatform {
    http: Http,
    source: JsValue,
    /// WebCrypto's imported verification keys, by fingerprint.
    verifiers: RefCell<std::collections::HashMap<String, JsValue>>,
}

fn get(target: &JsValue, key: &str) -> Option<JsValue> {
    js_sys::Reflect::get(target, &key.into())
        .ok()
        .filter(|v| !v.is_undefined())
}

async fn settled(value: JsValue) -> Option<JsValue> {
    JsFuture::from(js_sys::Promise::resolve(&value)).await.ok()
}

impl JsPlatform {
    fn new(source: &JsValue) -> Result<JsPlatform, JsValue> {
        let base = js_sys::Reflect::get(source, &"baseUrl".into())
            .ok()
            .and_then(|v| v.as_string())
            .ok_or_else(|| to_js_error(ApiError::invalid("the token source has no baseUrl")))?;
        Ok(JsPlatform {
            http: Http {
                base: trim_base(&base),
                auth: RefCell::new(Auth::new(String::new(), None)),
                timeout_ms: 30_000,
                refreshing: RefCell::new(None),
            },
            source: source.clone(),
            verifiers: RefCell::new(std::collections::HashMap::new()),
        })
    }

    /// ECDSA P-256/SHA-256 with WebCrypto, when the global scope has it.
    async fn webcrypto_verify(
        &self,
        key: &hcp_core::keys::PublicKey,
        message: &[u8],
        signature: &[u8],
    ) -> Option<bool> {
        let subtle = get(&js_sys::global(), "crypto").and_then(|c| get(&c, "subtle"))?;
        let fingerprint = key.fingerprint();
        let cached = self.verifiers.borrow().get(&fingerprint).cloned();
        let crypto_key = match cached {
            Some(k) => k,
            None => {
                let import: js_sys::Function = get(&subtle, "importKey")?.dyn_into().ok()?;
                let params = js_sys::Object::new();
                js_sys::Reflect::set(&params, &"name".into(), &"ECDSA".into()).ok()?;
                js_sys::Reflect::set(&params, &"namedCurve".into(), &"P-256".into()).ok()?;
                let args = js_sys::Array::of5(
                    &"spki".into(),
                    &js_sys::Uint8Array::from(key.spki_der().as_slice()),
                    &params,
                    &false.into(),
                    &js_sys::Array::of1(&"verify".into()),
                );
                let k = settled(import.apply(&subtle, &args).ok()?).await?;
                self.verifiers.borrow_mut().insert(fingerprint, k.clone());
                k
            }
        };
        let verify: js_sys::Function = get(&subtle, "verify")?.dyn_into().ok()?;
        let algorithm = js_sys::Object::new();
        js_sys::Reflect::set(&algorithm, &"name".into(), &"ECDSA".into()).ok()?;
        js_sys::Reflect::set(&algorithm, &"hash".into(), &"SHA-256".into()).ok()?;
        let args = js_sys::Array::of4(
            &algorithm,
            &crypto_key,
            &js_sys::Uint8Array::from(signature),
            &js_sys::Uint8Array::from(message),
        );
        settled(verify.apply(&subtle, &args).ok()?)
            .await
            .and_then(|v| v.as_bool())
    }

    async fn token(&self) -> Result<String, ApiError> {
        let get = |k: &str| js_sys::Reflect::get(&self.source, &k.into()).ok();
        if let Some(f) = get("accessToken").and_then(|f| f.dyn_into::<js_sys::Function>().ok()) {
            let promise = f
                .call0(&self.source)
                .map_err(|_| ApiError::invalid("accessToken() threw"))?;
            let token = JsFuture::from(js_sys::Promise::resolve(&promise))
                .await
                .map_err(|e| {
                    let message = js_sys::Reflect::get(&e, &"message".into())
                        .ok()
                        .and_then(|m| m.as_string())
                        .unwrap_or_else(|| "the access token could not be had".into());
                    let code = js_sys::Reflect::get(&e, &"code".into())
                        .ok()
                        .and_then(|c| c.as_string());
                    match code.as_deref() {
                        Some("Unauthorized") => {
                            ApiError::new(hcp_core::Code::Unauthorized, message)
                        }
                        _ => ApiError::network(&message),
                    }
                })?;
            return token
                .as_string()
                .ok_or_else(|| ApiError::invalid("accessToken() did not give a string"));
        }
        get("token")
            .and_then(|t| t.as_string())
            .ok_or_else(|| ApiError::invalid("the token source has no token"))
    }
}

impl Platform for JsPlatform {
    async fn call(
        &self,
        method: Method,
        path: &str,
        body: Option<String>,
    ) -> Result<String, ApiError> {
        let token = self.token().await?;
        let method = match method {
            Method::Get => HttpMethod::GET,
            Method::Post => HttpMethod::POST,
            Method::Put => HttpMethod::PUT,
            Method::Delete => HttpMethod::DELETE,
        };
        let mut call = Call::new(method, path.to_owned(), None);
        if let Some(b) = body {
            call = call.json(b);
        }
        self.http.exchange(call, Some(&token)).await
    }

    async fn verify(
        &self,
        key: &hcp_core::keys::PublicKey,
        message: &[u8],
        signature: &[u8],
    ) -> bool {
        // WebCrypto only (a browser in a secure context, Node, Deno, Bun all
        // have it): without it nothing verifies, so nothing is trusted, and
        // this module carries no ECDSA verification code of its own.
        self.webcrypto_verify(key, message, signature)
            .await
            .unwrap_or(false)
    }
}

fn kind_of(name: &str) -> Result<EntityKind, JsValue> {
    match name {
        "patient" => Ok(EntityKind::Patient),
        "visit" => Ok(EntityKind::Contact),
        "healthElement" => Ok(EntityKind::HealthElement),
        "notification" => Ok(EntityKind::MaintenanceTask),
        "device" => Ok(EntityKind::Device),
        other => Err(to_js_error(ApiError::invalid(format!(
            "kind must be patient, visit, healthElement, notification or device, not {other:?}"
        )))),
    }
}

fn permission_of(args: &Args) -> Result<Permission, JsValue> {
    match args.str("permission")?.as_deref() {
        None | Some("read") => Ok(Permission::Read),
        Some("write") => Ok(Permission::Write),
        Some(other) => Err(to_js_error(ApiError::invalid(format!(
            "permission must be read or write, not {other:?}"
        )))),
    }
}

/// A JS object as a JSON map (through `JSON.stringify`: plain data only).
fn plain(value: &JsValue) -> Result<Map<String, Value>, JsValue> {
    let text = js_sys::JSON::stringify(value)
        .ok()
        .and_then(|s| s.as_string())
        .ok_or_else(|| to_js_error(ApiError::invalid("expected a plain object")))?;
    serde_json::from_str(&text)
        .map_err(|_| to_js_error(ApiError::invalid("expected a plain object")))
}

/// A JSON value to JS, through `JSON.parse` (the fastest crossing measured).
fn js(value: &impl serde::Serialize) -> Result<JsValue, SessionError> {
    let text = serde_json::to_string(value).map_err(ApiError::unexpected)?;
    js_sys::JSON::parse(&text).map_err(|_| ApiError::unexpected("JSON").into())
}

fn page_js(rows: Vec<Map<String, Value>>, cursor: Option<String>) -> Result<JsValue, SessionError> {
    js(&serde_json::json!({ "rows": rows, "cursor": cursor }))
}

type Task = std::pin::Pin<Box<dyn std::future::Future<Output = Result<JsValue, SessionError>>>>;

fn promise<F>(future: F) -> js_sys::Promise
where
    F: std::future::Future<Output = Result<JsValue, SessionError>> + 'static,
{
    boxed(Box::pin(future))
}

/// One promise wrapper for every method: boxed, it is compiled once rather
/// than once per method.
fn boxed(future: Task) -> js_sys::Promise {
    future_to_promise(async move { future.await.map_err(to_js_error) })
}

fn settle(make: impl FnOnce() -> Result<js_sys::Promise, JsValue>) -> js_sys::Promise {
    make().unwrap_or_else(|e| js_sys::Promise::reject(&e))
}

/// The data owner the logged-in user is (its HCP, patient or device id).
async fn whoami(transport: &JsPlatform) -> Result<String, SessionError> {
    let text = transport
        .call(Method::Get, "/rest/v2/user/current", None)
        .await?;
    let user: Value = serde_json::from_str(&text).map_err(ApiError::unexpected)?;
    ["healthcarePartyId", "patientId", "deviceId"]
        .iter()
        .find_map(|k| user.get(*k).and_then(Value::as_str).map(str::to_owned))
        .ok_or_else(|| {
            SessionError::Api(ApiError::new(
                hcp_core::Code::Forbidden,
                "this user is an administrator, not a data owner: it holds no medical keys",
            ))
        })
}

/// A data owner's session: create, read, share and revoke end-to-end
/// encrypted Patients, visits with their Data Samples, Healthcare Elements,
/// Notifications and Devices as plain objects. The private key stays in this
/// module's memory until {@link DataOwner.free} wipes it.
///
/// @example
/// const me = await DataOwner.open(client, keyFileText, passphrase);
/// const patient = await me.create("patient", { firstName: "Ann", lastName: "Lee" });
/// await me.share("patient", patient.id, patientDataOwnerId, { permission: "read" });
#[wasm_bindgen]
pub struct DataOwner {
    inner: Rc<Session<JsPlatform>>,
}

#[wasm_bindgen]
impl DataOwner {
    /// Opens the session of the logged-in data owner with its keypair file
    /// (and passphrase). Rejects with `KeyMissing` when the file's key is not
    /// one of the data owner's registered keys.
    #[wasm_bindgen(unchecked_return_type = "Promise<DataOwner>")]
    pub fn open(
        source: TokenSourceJs,
        #[wasm_bindgen(js_name = keyFile)] key_file: String,
        passphrase: Option<String>,
    ) -> js_sys::Promise {
        settle(|| {
            let transport = JsPlatform::new(&source)?;
            let loaded = load(&key_file, passphrase.as_deref()).map_err(to_js_error)?;
            let key = loaded.key_pair;
            Ok(promise(async move {
                let id = whoami(&transport).await?;
                let session = Session::open(transport, &id, key).await?;
                Ok(DataOwner {
                    inner: Rc::new(session),
                }
                .into())
            }))
        })
    }

    /// The first login of a data owner without a key (a patient or a device
    /// that just chose its password): generates its keypair here, registers
    /// the public key (certified by itself), and gives the session and the
    /// keypair file to save (sealed with `passphrase` when given).
    #[wasm_bindgen(js_name = firstLogin, unchecked_return_type = "Promise<FirstLogin>")]
    pub fn first_login(source: TokenSourceJs, passphrase: Option<String>) -> js_sys::Promise {
        settle(|| {
            let transport = JsPlatform::new(&source)?;
            Ok(promise(async move {
                let id = whoami(&transport).await?;
                let key = KeyPair::generate().map_err(|e| {
                    SessionError::Crypto(hcp_core::crypto::CryptoError::Random(e.to_string()))
                })?;
                let options = SaveOptions {
                    passphrase: passphrase
                        .filter(|p| !p.is_empty())
                        .map(zeroize::Zeroizing::new),
                    ..SaveOptions::default()
                };
                let now = String::from(js_sys::Date::new_0().to_iso_string());
                let file = to_json(&key, &id, &now, &options)
                    .map_err(|e| SessionError::Api(ApiError::invalid(e.to_string())))?;
                Session::register_first_key(&transport, &id, &key).await?;
                let session = Session::open(transport, &id, key).await?;
                let out = js_sys::Object::new();
                let _ = js_sys::Reflect::set(
                    &out,
                    &"session".into(),
                    &DataOwner {
                        inner: Rc::new(session),
                    }
                    .into(),
                );
                let _ = js_sys::Reflect::set(&out, &"keyFile".into(), &file.as_str().into());
                Ok(out.into())
            }))
        })
    }

    /// This data owner's id (its HCP, patient or device id).
    #[wasm_bindgen(getter)]
    pub fn id(&self) -> String {
        self.inner.id().to_owned()
    }

    /// The fingerprint of the key this session holds.
    #[wasm_bindgen(getter)]
    pub fn fingerprint(&self) -> String {
        self.inner.key_pair().public_key().fingerprint()
    }

    /// Creates an entity, shared with this data owner (write) and with
    /// `shareWith`. A visit or a Healthcare Element names its `patientId`;
    /// a visit carries its Data Samples in `samples`.
    #[wasm_bindgen(unchecked_return_type = "Promise<Plain>")]
    pub fn create(
        &self,
        #[wasm_bindgen(unchecked_param_type = "EntityKind")] kind: String,
        #[wasm_bindgen(unchecked_param_type = "Record<string, unknown>")] value: JsValue,
        #[wasm_bindgen(
            js_name = shareWith,
            unchecked_param_type = "Record<string, Permission> | undefined"
        )]
        share_with: JsValue,
    ) -> js_sys::Promise {
        settle(|| {
            let kind = kind_of(&kind)?;
            let value = plain(&value)?;
            let mut delegates = Vec::new();
            if !share_with.is_undefined() && !share_with.is_null() {
                for (id, p) in plain(&share_with)? {
                    let permission = match p.as_str() {
                        Some("write") => Permission::Write,
                        Some("read") => Permission::Read,
                        _ => {
                            return Err(to_js_error(ApiError::invalid(
                                "shareWith maps data owner ids to read or write",
                            )));
                        }
                    };
                    delegates.push((id, permission));
                }
            }
            let s = self.inner.clone();
            Ok(promise(async move {
                js(&s.create(kind, &value, &delegates).await?)
            }))
        })
    }

    /// One entity, decrypted. Rejects with `NotShared`, `KeyMissing` or
    /// `Tampered` rather than show anything it could not authenticate.
    #[wasm_bindgen(unchecked_return_type = "Promise<Plain>")]
    pub fn get(
        &self,
        #[wasm_bindgen(unchecked_param_type = "EntityKind")] kind: String,
        id: String,
    ) -> js_sys::Promise {
        settle(|| {
            let kind = kind_of(&kind)?;
            let s = self.inner.clone();
            Ok(promise(async move { js(&s.get(kind, &id).await?) }))
        })
    }

    /// A page of the entities of a kind shared with this data owner.
    #[wasm_bindgen(unchecked_return_type = "Promise<PlainPage>")]
    pub fn list(
        &self,
        #[wasm_bindgen(unchecked_param_type = "EntityKind")] kind: String,
        options: Option<PageOptionsJs>,
    ) -> js_sys::Promise {
        settle(|| {
            let kind = kind_of(&kind)?;
            let o = Args::of(options);
            let (limit, cursor) = (o.u32("limit")?.unwrap_or(100), o.str("cursor")?);
            let s = self.inner.clone();
            Ok(promise(async move {
                let (rows, next) = s.list(kind, limit, cursor.as_deref()).await?;
                page_js(rows, next)
            }))
        })
    }

    /// A page of a patient's visits or Healthcare Elements shared with this
    /// data owner (found through the patient's secret, never its id).
    #[wasm_bindgen(unchecked_return_type = "Promise<PlainPage>")]
    pub fn children(
        &self,
        #[wasm_bindgen(unchecked_param_type = "\"visit\" | \"healthElement\"")] kind: String,
        #[wasm_bindgen(js_name = patientId)] patient_id: String,
        options: Option<PageOptionsJs>,
    ) -> js_sys::Promise {
        settle(|| {
            let kind = kind_of(&kind)?;
            let o = Args::of(options);
            let (limit, cursor) = (o.u32("limit")?.unwrap_or(100), o.str("cursor")?);
            let s = self.inner.clone();
            Ok(promise(async move {
                let (rows, next) = s
                    .children(kind, &patient_id, limit, cursor.as_deref())
                    .await?;
                page_js(rows, next)
            }))
        })
    }

    /// A page of the Notifications shared with this data owner, in a status.
    #[wasm_bindgen(unchecked_return_type = "Promise<PlainPage>")]
    pub fn notifications(
        &self,
        #[wasm_bindgen(unchecked_param_type = "NotificationStatus")] status: String,
        options: Option<PageOptionsJs>,
    ) -> js_sys::Promise {
        settle(|| {
            let o = Args::of(options);
            let (limit, cursor) = (o.u32("limit")?.unwrap_or(100), o.str("cursor")?);
            let s = self.inner.clone();
            Ok(promise(async move {
                let (rows, next) = s.tasks(&status, limit, cursor.as_deref()).await?;
                page_js(rows, next)
            }))
        })
    }

    /// Sets the status of a Notification (clear metadata; its message is untouched).
    #[wasm_bindgen(js_name = setNotificationStatus, unchecked_return_type = "Promise<Plain>")]
    pub fn set_notification_status(
        &self,
        id: String,
        #[wasm_bindgen(unchecked_param_type = "NotificationStatus")] status: String,
    ) -> js_sys::Promise {
        let s = self.inner.clone();
        promise(async move {
            js(&s
                .set_clear(
                    EntityKind::MaintenanceTask,
                    &id,
                    "status",
                    Value::String(status),
                )
                .await?)
        })
    }

    /// Saves an edited entity (with the `rev` it was read with).
    #[wasm_bindgen(unchecked_return_type = "Promise<Plain>")]
    pub fn update(
        &self,
        #[wasm_bindgen(unchecked_param_type = "EntityKind")] kind: String,
        #[wasm_bindgen(unchecked_param_type = "Plain")] value: JsValue,
    ) -> js_sys::Promise {
        settle(|| {
            let kind = kind_of(&kind)?;
            let value = plain(&value)?;
            let s = self.inner.clone();
            Ok(promise(async move { js(&s.update(kind, &value).await?) }))
        })
    }

    /// Shares an entity with one more data owner (no re-encryption).
    #[wasm_bindgen(unchecked_return_type = "Promise<Plain>")]
    pub fn share(
        &self,
        #[wasm_bindgen(unchecked_param_type = "EntityKind")] kind: String,
        id: String,
        #[wasm_bindgen(js_name = dataOwnerId)] data_owner_id: String,
        #[wasm_bindgen(unchecked_param_type = "{ permission?: Permission }")] options: JsValue,
    ) -> js_sys::Promise {
        settle(|| {
            let kind = kind_of(&kind)?;
            let permission = permission_of(&Args::new(options))?;
            let s = self.inner.clone();
            Ok(promise(async move {
                js(&s.share(kind, &id, &data_owner_id, permission).await?)
            }))
        })
    }

    /// Revokes a data owner's access: refused by the server at once, and the
    /// entity gets a new key for everyone else.
    #[wasm_bindgen(unchecked_return_type = "Promise<Plain>")]
    pub fn revoke(
        &self,
        #[wasm_bindgen(unchecked_param_type = "EntityKind")] kind: String,
        id: String,
        #[wasm_bindgen(js_name = dataOwnerId)] data_owner_id: String,
    ) -> js_sys::Promise {
        settle(|| {
            let kind = kind_of(&kind)?;
            let s = self.inner.clone();
            Ok(promise(async move {
                js(&s.revoke(kind, &id, &data_owner_id).await?)
            }))
        })
    }

    /// Deletes an entity (it must be at `rev`).
    #[wasm_bindgen(unchecked_return_type = "Promise<void>")]
    pub fn delete(
        &self,
        #[wasm_bindgen(unchecked_param_type = "EntityKind")] kind: String,
        id: String,
        rev: String,
    ) -> js_sys::Promise {
        settle(|| {
            let kind = kind_of(&kind)?;
            let s = self.inner.clone();
            Ok(promise(async move {
                s.delete(kind, &id, &rev).await?;
                Ok(JsValue::UNDEFINED)
            }))
        })
    }

    /// Checks exchange data (as `GET /rest/v2/exchangedata/...` answers it)
    /// against its delegator's keys (as `GET /rest/v2/dataowner/{id}`
    /// answers them), without the network: the key chain, the signature, and
    /// that this session's key opens it. Throws `Tampered` or `KeyMissing`.
    #[wasm_bindgen(js_name = checkExchangeData, unchecked_return_type = "Promise<void>")]
    pub fn check_exchange_data(
        &self,
        #[wasm_bindgen(unchecked_param_type = "unknown")] data: JsValue,
        #[wasm_bindgen(js_name = delegatorKeys, unchecked_param_type = "unknown")]
        delegator_keys: JsValue,
    ) -> js_sys::Promise {
        settle(|| self.check_exchange_data_now(data, delegator_keys))
    }
}

impl DataOwner {
    fn check_exchange_data_now(
        &self,
        data: JsValue,
        delegator_keys: JsValue,
    ) -> Result<js_sys::Promise, JsValue> {
        let bad = |what: &str| to_js_error(ApiError::invalid(format!("{what} is not valid JSON")));
        let data: hcp_core::crypto::exchange::ExchangeData =
            serde_json::from_value(Value::Object(plain(&data)?)).map_err(|_| bad("data"))?;
        let keys: hcp_core::dataowner::DataOwnerKeys =
            serde_json::from_value(Value::Object(plain(&delegator_keys)?))
                .map_err(|_| bad("delegatorKeys"))?;
        let s = self.inner.clone();
        Ok(promise(async move {
            s.check_exchange_data(&data, &keys).await?;
            Ok(JsValue::UNDEFINED)
        }))
    }
}

#[wasm_bindgen]
impl DataOwner {
    /// Decrypts entities fetched elsewhere (`rows` of a list answer), in
    /// order; one that fails makes the whole call fail.
    #[wasm_bindgen(js_name = decryptAll, unchecked_return_type = "Promise<Plain[]>")]
    pub fn decrypt_all(
        &self,
        #[wasm_bindgen(unchecked_param_type = "EntityKind")] kind: String,
        #[wasm_bindgen(unchecked_param_type = "unknown[]")] entities: JsValue,
    ) -> js_sys::Promise {
        settle(|| {
            let kind = kind_of(&kind)?;
            let text = js_sys::JSON::stringify(&entities)
                .ok()
                .and_then(|s| s.as_string())
                .ok_or_else(|| to_js_error(ApiError::invalid("expected an array of entities")))?;
            let entities: Vec<Entity> = serde_json::from_str(&text)
                .map_err(|e| to_js_error(ApiError::invalid(format!("entities: {e}"))))?;
            let s = self.inner.clone();
            Ok(promise(async move {
                let mut out = Vec::with_capacity(entities.len());
                for e in entities {
                    out.push(s.decrypt(kind, e).await?);
                }
                js(&out)
            }))
        })
    }
}
