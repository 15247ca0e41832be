//! `HcpClient`: typed calls to an iCure-compatible HCP backend. Decisions
//! (errors, refresh timing, documents, token checks, import merging) live in
//! `hcp_core::client`; this file only moves values between JS and HTTP.

mod types;

use std::cell::RefCell;
use std::rc::Rc;

use gloo_net::http::Method;
use hcp_core::client::{
    ApiError, ImportQueue, ImportResponse, RetryPolicy, batch_key, check_new_token, merge_import,
    tokens_of,
};
use hcp_core::import::RejectedRow;
use hcp_core::model::{Hcp, organization_document, person_document};
use serde_json::Value;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::future_to_promise;
use web_sys::AbortSignal;

use crate::args::Args;
use crate::convert::to_js;
use crate::error::to_js_error;
use crate::http::{Auth, Call, Http, sleep, trim_base};
use crate::keys::KeyPair;
pub use types::*;

const DEFAULT_TIMEOUT_MS: u32 = 30_000;

#[wasm_bindgen(inline_js = "
export function pageIterator(nextPage) {
  return {
    async *[Symbol.asyncIterator]() {
      let cursor = null;
      do {
        const page = await nextPage(cursor);
        yield* page.rows;
        cursor = page.cursor;
      } while (cursor);
    },
  };
}")]
extern "C" {
    #[wasm_bindgen(js_name = pageIterator)]
    fn page_iterator(next_page: &js_sys::Function) -> JsValue;
}

struct Inner {
    http: Http,
    database: RefCell<Option<String>>,
}

/// A client of the HCP backend, for one administrator session.
///
/// @example
/// const client = await HcpClient.login("https://hcp.example", "admin@example.be", password);
/// const page = await client.listHcps({ search: "dupont" });
#[wasm_bindgen]
pub struct HcpClient {
    inner: Rc<Inner>,
}

fn encode(segment: &str) -> String {
    String::from(js_sys::encode_uri_component(segment))
}

/// A JSON answer handed to JS as the engine parses it (no copy through serde).
fn js_text(text: &str) -> Result<JsValue, ApiError> {
    js_sys::JSON::parse(text).map_err(|_| ApiError::unexpected("an answer that is not JSON"))
}

/// An iCure page (`rows`, `nextKeyPair`) as `HcpPage` (`rows`, `cursor`).
fn page_js(page: &Value) -> Result<JsValue, ApiError> {
    let cursor = page.pointer("/nextKeyPair/startKeyDocId").cloned();
    let rows = page.get("rows").cloned().unwrap_or_default();
    js_text(&serde_json::json!({ "rows": rows, "cursor": cursor }).to_string())
}

/// Argument errors reject the promise like any other failure, so callers
/// handle one path (`await` / `.catch`), never a synchronous throw.
fn settle(make: impl FnOnce() -> Result<js_sys::Promise, JsValue>) -> js_sys::Promise {
    make().unwrap_or_else(|e| js_sys::Promise::reject(&e))
}

fn promise<F>(future: F) -> js_sys::Promise
where
    F: std::future::Future<Output = Result<JsValue, ApiError>> + 'static,
{
    future_to_promise(async move { future.await.map_err(to_js_error) })
}

/// What every call reads from its options: its database and its signal.
struct Common {
    database: Option<String>,
    signal: Option<AbortSignal>,
}

impl Common {
    fn read(args: &Args) -> Result<Common, JsValue> {
        Ok(Common {
            database: args.database()?,
            signal: args.signal()?,
        })
    }
}

impl Inner {
    /// `/rest/v2/{area}` or `/rest/v2/{area}/inGroup/{db}`: the call's database,
    /// else the client's, else the administrator's own.
    fn route(&self, area: &str, database: Option<&str>, rest: &str) -> String {
        let own = self.database.borrow();
        match database.or(own.as_deref()) {
            Some(db) => format!("/rest/v2/{area}/inGroup/{}{rest}", encode(db)),
            None => format!("/rest/v2/{area}{rest}"),
        }
    }

    fn call<'a>(&self, method: Method, area: &str, c: &'a Common, rest: &str) -> Call<'a> {
        Call::new(
            method,
            self.route(area, c.database.as_deref(), rest),
            c.signal.as_ref(),
        )
    }

    async fn user(&self, c: &Common, user_id: &str) -> Result<Value, ApiError> {
        let call = self.call(Method::GET, "user", c, &format!("/{}", encode(user_id)));
        self.http.send_json(call).await
    }
}

#[wasm_bindgen]
impl HcpClient {
    /// A client that uses an existing token (an access token from a login, or
    /// an authentication token of a user).
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(js_name = baseUrl)] base_url: &str,
        options: ClientOptionsJs,
    ) -> Result<HcpClient, JsValue> {
        let o = Args::new(options);
        Ok(HcpClient::build(
            base_url,
            Auth::new(o.required_str("token")?, o.str("refreshToken")?),
            o.database()?,
            o.u32("timeoutMs")?,
        ))
    }

    /// Logs in with a username and a password (or an authentication token used
    /// as the password) and resolves to a client that refreshes its access
    /// token by itself.
    #[wasm_bindgen(unchecked_return_type = "Promise<HcpClient>")]
    pub fn login(
        #[wasm_bindgen(js_name = baseUrl)] base_url: String,
        username: String,
        password: String,
        options: Option<LoginOptionsJs>,
    ) -> js_sys::Promise {
        settle(|| {
            let o = Args::of(options);
            let (database, timeout) = (o.database()?, o.u32("timeoutMs")?);
            let signal = o.signal()?;
            Ok(promise(async move {
                let client =
                    HcpClient::build(&base_url, Auth::new(String::new(), None), database, timeout);
                let body = serde_json::json!({ "username": username, "password": password });
                let call = Call::new(Method::POST, "/rest/v2/auth/login".into(), signal.as_ref())
                    .json(body.to_string());
                let text = client.inner.http.exchange(call, None).await?;
                let answer: Value = serde_json::from_str(&text).map_err(ApiError::unexpected)?;
                let field = |k: &str| answer.get(k).and_then(Value::as_str).map(str::to_owned);
                let token = field("token")
                    .ok_or_else(|| ApiError::unexpected("no token in the login answer"))?;
                *client.inner.http.auth.borrow_mut() = Auth::new(token, field("refreshToken"));
                Ok(client.into())
            }))
        })
    }

    /// The server's address, as given.
    #[wasm_bindgen(getter, js_name = baseUrl)]
    pub fn base_url(&self) -> String {
        self.inner.http.base.clone()
    }

    /// A valid access token (refreshed first when it is about to expire):
    /// what a `DataOwner` session of `hcp-kit/dataowner` asks for before
    /// each request, so the two modules share one session.
    #[wasm_bindgen(js_name = accessToken, unchecked_return_type = "Promise<string>")]
    pub fn access_token(&self) -> js_sys::Promise {
        let inner = self.inner.clone();
        promise(async move { Ok(JsValue::from_str(&inner.http.fresh_token(None).await?)) })
    }

    /// Creates the user of a patient or a device (its login is `email`),
    /// optionally e-mailing it an invitation. The caller must be able to
    /// write that patient or device (or administer the database).
    #[wasm_bindgen(js_name = createUser, unchecked_return_type = "Promise<User>")]
    pub fn create_user(
        &self,
        #[wasm_bindgen(
            unchecked_param_type = "{ email: string; patientId?: string; deviceId?: string }"
        )]
        user: JsValue,
        options: Option<CreateOptionsJs>,
    ) -> js_sys::Promise {
        settle(|| {
            let o = Args::of(options);
            let c = Common::read(&o)?;
            let query = if o.bool("invite")? {
                "?invite=true"
            } else {
                ""
            };
            let body = js_sys::JSON::stringify(&user)
                .ok()
                .and_then(|s| s.as_string())
                .ok_or_else(|| to_js_error(ApiError::invalid("the user is not a JSON object")))?;
            let inner = self.inner.clone();
            Ok(promise(async move {
                let call = inner.call(Method::POST, "user", &c, query).json(body);
                js_text(&inner.http.send(call).await?)
            }))
        })
    }

    /// The database (group id) calls go to when they name none; `undefined`
    /// for the administrator's own.
    #[wasm_bindgen(getter)]
    pub fn database(&self) -> Option<String> {
        self.inner.database.borrow().clone()
    }

    #[wasm_bindgen(setter)]
    pub fn set_database(&self, database: Option<String>) {
        *self.inner.database.borrow_mut() = database.filter(|d| !d.is_empty());
    }

    /// The databases this administrator may manage, its own first.
    #[wasm_bindgen(js_name = listDatabases, unchecked_return_type = "Promise<Database[]>")]
    pub fn list_databases(&self, options: Option<CallOptionsJs>) -> js_sys::Promise {
        settle(|| {
            let signal = Args::of(options).signal()?;
            let inner = self.inner.clone();
            Ok(promise(async move {
                let call = Call::new(Method::GET, "/rest/v2/group".into(), signal.as_ref());
                js_text(&inner.http.send(call).await?)
            }))
        })
    }

    /// One page of HCPs (deleted ones never appear), in id order; pass the
    /// returned `cursor` to get the next page.
    #[wasm_bindgen(js_name = listHcps, unchecked_return_type = "Promise<HcpPage>")]
    pub fn list_hcps(&self, options: Option<ListOptionsJs>) -> js_sys::Promise {
        settle(|| {
            let o = Args::of(options);
            let c = Common::read(&o)?;
            let mut query = vec![format!("limit={}", o.u32("limit")?.unwrap_or(50))];
            if let Some(s) = o.str("search")?.filter(|s| !s.trim().is_empty()) {
                query.push(format!("search={}", encode(s.trim())));
            }
            if let Some(kind) = o.str("kind")? {
                query.push(format!("kind={}", encode(&kind)));
            }
            if let Some(cursor) = o.str("cursor")? {
                query.push(format!("startDocumentId={}", encode(&cursor)));
            }
            let inner = self.inner.clone();
            Ok(promise(async move {
                let call = inner.call(Method::GET, "hcparty", &c, &format!("?{}", query.join("&")));
                page_js(&inner.http.send_json(call).await?)
            }))
        })
    }

    /// Every HCP matching the options, page after page as the loop asks.
    ///
    /// @example
    /// for await (const hcp of client.hcps({ search: "dupont" })) console.log(hcp.id);
    #[wasm_bindgen(unchecked_return_type = "AsyncIterable<Hcp>")]
    pub fn hcps(&self, options: Option<ListOptionsJs>) -> JsValue {
        let client = HcpClient {
            inner: self.inner.clone(),
        };
        let base: JsValue = options.map(Into::into).unwrap_or(JsValue::UNDEFINED);
        let next = Closure::<dyn FnMut(JsValue) -> js_sys::Promise>::new(move |cursor: JsValue| {
            let o = js_sys::Object::assign(&js_sys::Object::new(), base.unchecked_ref());
            let _ = js_sys::Reflect::set(&o, &"cursor".into(), &cursor);
            client.list_hcps(Some(o.unchecked_into()))
        });
        page_iterator(next.into_js_value().unchecked_ref())
    }

    /// The HCPs with these ids that exist (at most 1,000 ids).
    #[wasm_bindgen(js_name = getHcps, unchecked_return_type = "Promise<Hcp[]>")]
    pub fn get_hcps(&self, ids: Vec<String>, options: Option<CallOptionsJs>) -> js_sys::Promise {
        let body = serde_json::json!({ "ids": ids }).to_string();
        self.run(options, |inner, c| async move {
            let call = inner.call(Method::POST, "hcparty", &c, "/byIds").json(body);
            js_text(&inner.http.send(call).await?)
        })
    }

    /// One HCP by id.
    #[wasm_bindgen(js_name = getHcp, unchecked_return_type = "Promise<Hcp>")]
    pub fn get_hcp(&self, id: String, options: Option<CallOptionsJs>) -> js_sys::Promise {
        self.get(format!("/{}", encode(&id)), options)
    }

    /// One page of the HCPs whose parent is organization `orgId`, in id
    /// order; pass the returned `cursor` for the next page.
    #[wasm_bindgen(unchecked_return_type = "Promise<HcpPage>")]
    pub fn children(
        &self,
        #[wasm_bindgen(js_name = orgId)] org_id: String,
        options: Option<PageOptionsJs>,
    ) -> js_sys::Promise {
        settle(|| {
            let o = Args::of(options);
            let c = Common::read(&o)?;
            let mut query = vec![format!("limit={}", o.u32("limit")?.unwrap_or(50))];
            if let Some(cursor) = o.str("cursor")? {
                query.push(format!("startDocumentId={}", encode(&cursor)));
            }
            let rest = format!("/{}/children?{}", encode(&org_id), query.join("&"));
            let inner = self.inner.clone();
            Ok(promise(async move {
                let page = inner
                    .http
                    .send_json(inner.call(Method::GET, "hcparty", &c, &rest))
                    .await?;
                page_js(&page)
            }))
        })
    }

    /// Creates a person (checked with the import's rules first; a person with
    /// an email also gets its user) or an organization, optionally e-mailing
    /// the person an invitation.
    #[wasm_bindgen(js_name = createHcp, unchecked_return_type = "Promise<Hcp>")]
    pub fn create_hcp(&self, hcp: NewHcpJs, options: Option<CreateOptionsJs>) -> js_sys::Promise {
        settle(|| {
            let o = Args::of(options);
            let c = Common::read(&o)?;
            let query = if o.bool("invite")? {
                "?invite=true"
            } else {
                ""
            };
            let doc = new_document(&Args::new(hcp))?;
            let inner = self.inner.clone();
            Ok(promise(async move {
                let body = serde_json::to_string(&doc).map_err(ApiError::unexpected)?;
                let call = inner.call(Method::POST, "hcparty", &c, query).json(body);
                js_text(&inner.http.send(call).await?)
            }))
        })
    }

    /// Saves an edited HCP. It must carry the `rev` it was read with: if
    /// someone saved in between, this rejects with code `Conflict` and the
    /// server's message, and nothing is overwritten.
    #[wasm_bindgen(js_name = updateHcp, unchecked_return_type = "Promise<Hcp>")]
    pub fn update_hcp(
        &self,
        #[wasm_bindgen(unchecked_param_type = "Hcp")] hcp: JsValue,
        options: Option<CallOptionsJs>,
    ) -> js_sys::Promise {
        let body = js_sys::JSON::stringify(&hcp)
            .ok()
            .and_then(|s| s.as_string());
        self.run(options, |inner, c| async move {
            let body = body.ok_or_else(|| ApiError::invalid("the HCP is not a JSON object"))?;
            js_text(
                &inner
                    .http
                    .send(inner.call(Method::PUT, "hcparty", &c, "").json(body))
                    .await?,
            )
        })
    }

    /// Deletes an HCP permanently (it cannot be undone); `rev` must be current.
    #[wasm_bindgen(js_name = deleteHcp, unchecked_return_type = "Promise<void>")]
    pub fn delete_hcp(
        &self,
        id: String,
        rev: String,
        options: Option<CallOptionsJs>,
    ) -> js_sys::Promise {
        self.run(options, |inner, c| async move {
            let rest = format!("/purge/{}?rev={}", encode(&id), encode(&rev));
            inner
                .http
                .send(inner.call(Method::DELETE, "hcparty", &c, &rest))
                .await?;
            Ok(JsValue::UNDEFINED)
        })
    }

    /// Registers the key pair's public key (SPKI hex, nothing else) as the
    /// HCP's first key, with its certificate (a signature by the key itself:
    /// a data owner's keys form a chain, and a key the server slipped in would
    /// break it). An HCP that already has another key rejects with
    /// `Conflict`: a further key must be certified by one it has. No method of
    /// this client ever sends a private key.
    #[wasm_bindgen(js_name = registerPublicKey, unchecked_return_type = "Promise<Hcp>")]
    pub fn register_public_key(
        &self,
        #[wasm_bindgen(js_name = hcpId)] hcp_id: String,
        #[wasm_bindgen(js_name = keyPair)] key_pair: &KeyPair,
        options: Option<CallOptionsJs>,
    ) -> js_sys::Promise {
        let key = key_pair.core().public_key().clone();
        let certificate = hcp_core::crypto::certs::certify(&hcp_id, key_pair.core(), &key);
        self.run(options, |inner, c| async move {
            let get = inner.call(Method::GET, "hcparty", &c, &format!("/{}", encode(&hcp_id)));
            let mut hcp: Hcp =
                serde_json::from_value(inner.http.send_json(get).await?).map_err(ApiError::unexpected)?;
            let hex = key.spki_hex();
            if hcp.public_keys_p256.contains(&hex) {
                return js_text(&serde_json::to_string(&hcp).map_err(ApiError::unexpected)?);
            }
            if !hcp.public_keys_p256.is_empty() {
                return Err(ApiError::new(
                    hcp_core::Code::Conflict,
                    "this HCP already has a key: a further key must be certified by it, from the HCP's own session",
                ));
            }
            hcp.public_keys_p256.push(hex);
            hcp.key_certificates.insert(key.fingerprint(), certificate);
            let put = inner
                .call(Method::PUT, "hcparty", &c, "")
                .json(serde_json::to_string(&hcp).map_err(ApiError::unexpected)?);
            js_text(&inner.http.send(put).await?)
        })
    }

    /// The authentication tokens of a user: name, creation, expiry, whether
    /// expired; never their values.
    #[wasm_bindgen(js_name = listTokens, unchecked_return_type = "Promise<TokenInfo[]>")]
    pub fn list_tokens(
        &self,
        #[wasm_bindgen(js_name = userId)] user_id: String,
        options: Option<CallOptionsJs>,
    ) -> js_sys::Promise {
        self.run(options, |inner, c| async move {
            let user = inner.user(&c, &user_id).await?;
            to_js(&tokens_of(&user, js_sys::Date::now()))
                .map_err(|_| ApiError::unexpected("tokens"))
        })
    }

    /// Creates an authentication token valid until `expiresAt` and resolves
    /// to its value, which is shown this once and never again. A name the
    /// user already has rejects with `Conflict` before any token is made.
    #[wasm_bindgen(js_name = createToken, unchecked_return_type = "Promise<string>")]
    pub fn create_token(
        &self,
        #[wasm_bindgen(js_name = userId)] user_id: String,
        name: String,
        #[wasm_bindgen(js_name = expiresAt)] expires_at: &js_sys::Date,
        options: Option<CallOptionsJs>,
    ) -> js_sys::Promise {
        let expires_ms = expires_at.get_time();
        self.run(options, |inner, c| async move {
            let now = js_sys::Date::now();
            let user = inner.user(&c, &user_id).await?;
            let validity = check_new_token(&name, expires_ms, &tokens_of(&user, now), now)?;
            let rest = format!(
                "/token/{}/{}?tokenValidity={validity}",
                encode(&user_id),
                encode(&name)
            );
            let token = inner
                .http
                .send_json(inner.call(Method::POST, "user", &c, &rest))
                .await?;
            token
                .as_str()
                .map(JsValue::from_str)
                .ok_or_else(|| ApiError::unexpected("the token is not a string"))
        })
    }

    /// Deletes a user's authentication token; it stops working at once.
    #[wasm_bindgen(js_name = deleteToken, unchecked_return_type = "Promise<void>")]
    pub fn delete_token(
        &self,
        #[wasm_bindgen(js_name = userId)] user_id: String,
        name: String,
        options: Option<CallOptionsJs>,
    ) -> js_sys::Promise {
        self.run(options, |inner, c| async move {
            let rest = format!("/token/{}/{}", encode(&user_id), encode(&name));
            inner
                .http
                .send(inner.call(Method::DELETE, "user", &c, &rest))
                .await?;
            Ok(JsValue::UNDEFINED)
        })
    }

    /// Invites the user of an HCP again: a new one-time link replaces any
    /// pending one (an HCP user may invite the users it created).
    #[wasm_bindgen(js_name = inviteHcp, unchecked_return_type = "Promise<Invitation>")]
    pub fn invite_hcp(
        &self,
        #[wasm_bindgen(js_name = hcpId)] hcp_id: String,
        options: Option<CallOptionsJs>,
    ) -> js_sys::Promise {
        self.run(options, |inner, c| async move {
            let rest = format!("/{}/invite", encode(&hcp_id));
            js_text(
                &inner
                    .http
                    .send(inner.call(Method::POST, "hcparty", &c, &rest))
                    .await?,
            )
        })
    }

    /// The logged-in user: its kind (`admin`, `hcp`, ...), status, data owner.
    #[wasm_bindgen(js_name = currentUser, unchecked_return_type = "Promise<User>")]
    pub fn current_user(&self, options: Option<CallOptionsJs>) -> js_sys::Promise {
        self.user_call(Method::GET, "/current".into(), None, options)
    }

    /// A user: itself, or one the caller manages.
    #[wasm_bindgen(js_name = getUser, unchecked_return_type = "Promise<User>")]
    pub fn get_user(
        &self,
        #[wasm_bindgen(js_name = userId)] user_id: String,
        options: Option<CallOptionsJs>,
    ) -> js_sys::Promise {
        self.user_call(Method::GET, format!("/{}", encode(&user_id)), None, options)
    }

    /// The ids of the users of an HCP.
    #[wasm_bindgen(js_name = usersOfHcp, unchecked_return_type = "Promise<string[]>")]
    pub fn users_of_hcp(
        &self,
        #[wasm_bindgen(js_name = hcpId)] hcp_id: String,
        options: Option<CallOptionsJs>,
    ) -> js_sys::Promise {
        let rest = format!("/byHealthcarePartyId/{}", encode(&hcp_id));
        self.user_call(Method::GET, rest, None, options)
    }

    /// Sets a user's password. Every session of that user ends, the caller's
    /// own too when it changes its own password (which needs
    /// `currentPassword`): log in again afterwards.
    #[wasm_bindgen(js_name = setPassword, unchecked_return_type = "Promise<User>")]
    pub fn set_password(
        &self,
        #[wasm_bindgen(js_name = userId)] user_id: String,
        password: String,
        options: Option<PasswordOptionsJs>,
    ) -> js_sys::Promise {
        settle(|| {
            hcp_core::rules::check_password(&password)
                .map_err(|m| to_js_error(ApiError::invalid(m)))?;
            let o = Args::of(options);
            let mut body = serde_json::json!({ "password": password });
            if let Some(current) = o.str("currentPassword")? {
                body["currentPassword"] = Value::String(current);
            }
            let c = Common::read(&o)?;
            let rest = format!("/{}/password", encode(&user_id));
            let inner = self.inner.clone();
            Ok(promise(async move {
                let call = inner
                    .call(Method::PUT, "user", &c, &rest)
                    .json(body.to_string());
                js_text(&inner.http.send(call).await?)
            }))
        })
    }

    /// Deactivates a user: its sessions end at once and it cannot log in
    /// until reactivated.
    #[wasm_bindgen(js_name = deactivateUser, unchecked_return_type = "Promise<User>")]
    pub fn deactivate_user(
        &self,
        #[wasm_bindgen(js_name = userId)] user_id: String,
        options: Option<CallOptionsJs>,
    ) -> js_sys::Promise {
        let rest = format!("/{}/deactivate", encode(&user_id));
        self.user_call(Method::POST, rest, None, options)
    }

    /// Reactivates a user: it may log in again.
    #[wasm_bindgen(js_name = reactivateUser, unchecked_return_type = "Promise<User>")]
    pub fn reactivate_user(
        &self,
        #[wasm_bindgen(js_name = userId)] user_id: String,
        options: Option<CallOptionsJs>,
    ) -> js_sys::Promise {
        let rest = format!("/{}/reactivate", encode(&user_id));
        self.user_call(Method::POST, rest, None, options)
    }

    /// Ends this session on the server: its access and refresh tokens stop
    /// working at once. The client cannot be used afterwards.
    #[wasm_bindgen(unchecked_return_type = "Promise<void>")]
    pub fn logout(&self, options: Option<CallOptionsJs>) -> js_sys::Promise {
        self.run(options, |inner, c| async move {
            let call = Call::new(
                Method::POST,
                "/rest/v2/auth/logout".into(),
                c.signal.as_ref(),
            );
            inner.http.send(call).await?;
            *inner.http.auth.borrow_mut() = Auth::new(String::new(), None);
            Ok(JsValue::UNDEFINED)
        })
    }

    /// Sends the rows the browser accepted, in batches (two in flight), each under
    /// `idempotencyKey/n` (a failed batch is retried under the same key, so
    /// nothing is created twice), and resolves to every row of the file in
    /// exactly one outcome: created, rejected in the browser, or rejected by
    /// the server. Pass the whole {@link ImportReport} (or `{accepted, rejected}`).
    #[wasm_bindgen(js_name = importRows, unchecked_return_type = "Promise<ImportSummary>")]
    pub fn import_rows(
        &self,
        report: ImportRowsInputJs,
        options: ImportRowsOptionsJs,
    ) -> js_sys::Promise {
        settle(|| {
            let o = Args::new(options);
            let c = Common::read(&o)?;
            let key = o.required_str("idempotencyKey")?;
            let size = o.u32("batchSize")?.map(|n| n as usize);
            let on_progress = o.function("onProgress")?;
            let input = Args::new(report);
            let accepted: js_sys::Array = input
                .value("accepted")
                .and_then(|a| a.dyn_into().ok())
                .ok_or_else(|| {
                to_js_error(ApiError::invalid("accepted must be an array of rows"))
            })?;
            let rejected: Vec<RejectedRow> = match input.value("rejected") {
                None => Vec::new(),
                Some(r) => serde_wasm_bindgen::from_value(r)
                    .map_err(|e| to_js_error(ApiError::invalid(format!("rejected rows: {e}"))))?,
            };
            let inner = self.inner.clone();
            // Rejections stay JS values throughout: a sender's HcpError
            // passes through `Promise.all` as it is.
            Ok(future_to_promise(async move {
                let total = accepted.length() as usize;
                let queue = Rc::new(RefCell::new(ImportQueue::new(total, size)));
                // Each sender is a promise of its own; the first to fail
                // rejects the import (futures' join would add 4 KB).
                let c = Rc::new(c);
                let senders = js_sys::Array::new();
                for _ in 0..queue.borrow().senders() {
                    let (inner, c, key) = (inner.clone(), c.clone(), key.clone());
                    let (accepted, queue) = (accepted.clone(), queue.clone());
                    let on_progress = on_progress.clone();
                    senders.push(&promise(async move {
                        send_batches(&inner, &c, &key, &accepted, &queue, on_progress.as_ref())
                            .await
                            .map(|()| JsValue::UNDEFINED)
                    }));
                }
                wasm_bindgen_futures::JsFuture::from(js_sys::Promise::all(&senders)).await?;
                let outcomes = queue
                    .borrow_mut()
                    .take_outcomes()
                    .ok_or_else(|| ApiError::unexpected("an import batch without an answer"))
                    .map_err(to_js_error)?;
                to_js(&merge_import(&rejected, outcomes))
                    .map_err(|_| to_js_error(ApiError::unexpected("summary")))
            }))
        })
    }
}

/// One of an import's senders: takes the queue's next batch, sends it under
/// its key (again after a failure a retry can cure), records the answer, and
/// goes on until the queue is empty or a batch failed for good.
async fn send_batches(
    inner: &Rc<Inner>,
    c: &Common,
    key: &str,
    accepted: &js_sys::Array,
    queue: &RefCell<ImportQueue>,
    on_progress: Option<&js_sys::Function>,
) -> Result<(), ApiError> {
    loop {
        let Some((n, range)) = queue.borrow_mut().take() else {
            return Ok(());
        };
        let sent = send_batch(inner, c, &batch_key(key, n), accepted, range).await;
        let answer = match sent {
            Ok(answer) => answer,
            Err(e) => {
                queue.borrow_mut().fail();
                return Err(e);
            }
        };
        let progress = queue.borrow_mut().answer(n, answer.rows);
        if let (Some(f), Some(progress)) = (on_progress, progress)
            && let Ok(arg) = to_js(&progress)
        {
            let _ = f.call1(&JsValue::NULL, &arg);
        }
    }
}

async fn send_batch(
    inner: &Rc<Inner>,
    c: &Common,
    idempotency_key: &str,
    accepted: &js_sys::Array,
    range: std::ops::Range<usize>,
) -> Result<ImportResponse, ApiError> {
    let rows = accepted.slice(range.start as u32, range.end as u32);
    let body = js_sys::JSON::stringify(&rows)
        .ok()
        .and_then(|s| s.as_string())
        .ok_or_else(|| ApiError::invalid("accepted rows must be JSON"))?;
    let body = format!("{{\"rows\":{body}}}");
    let mut attempt = 0;
    let answer = loop {
        attempt += 1;
        let call = inner
            .call(Method::POST, "hcparty", c, "/import")
            .json(body.clone())
            .header("Idempotency-Key", idempotency_key.to_owned());
        match inner.http.send_json(call).await {
            Ok(v) => break v,
            Err(e) => match RetryPolicy::IMPORT.delay_after(attempt, &e) {
                Some(ms) => sleep(ms).await,
                None => return Err(e),
            },
        }
    };
    serde_json::from_value(answer).map_err(ApiError::unexpected)
}

/// The iCure document for a `NewHcp` from the form.
fn new_document(hcp: &Args) -> Result<Hcp, JsValue> {
    match hcp.required_str("kind")?.as_str() {
        "person" => person_document(&hcp.person()?).map_err(|reasons| {
            let messages: Vec<&str> = reasons.iter().map(|r| r.message.as_str()).collect();
            to_js_error(ApiError::invalid(messages.join("; ")))
        }),
        "organization" => {
            organization_document(&hcp.required_str("name")?, hcp.str("email")?.as_deref())
                .map_err(|m| to_js_error(ApiError::invalid(m)))
        }
        other => Err(to_js_error(ApiError::invalid(format!(
            "kind must be \"person\" or \"organization\", not {other:?}"
        )))),
    }
}

impl HcpClient {
    /// The shape of most calls: read `{ database, signal }`, then run `call`
    /// with the client's state; any failure rejects the promise.
    fn run<F, Fut>(&self, options: Option<CallOptionsJs>, call: F) -> js_sys::Promise
    where
        F: FnOnce(Rc<Inner>, Common) -> Fut,
        Fut: std::future::Future<Output = Result<JsValue, ApiError>> + 'static,
    {
        settle(|| {
            let c = Common::read(&Args::of(options))?;
            Ok(promise(call(self.inner.clone(), c)))
        })
    }

    fn build(
        base_url: &str,
        auth: Auth,
        database: Option<String>,
        timeout_ms: Option<u32>,
    ) -> HcpClient {
        HcpClient {
            inner: Rc::new(Inner {
                http: Http {
                    base: trim_base(base_url),
                    auth: RefCell::new(auth),
                    timeout_ms: timeout_ms.unwrap_or(DEFAULT_TIMEOUT_MS),
                    refreshing: RefCell::new(None),
                },
                database: RefCell::new(database),
            }),
        }
    }

    /// A call under `.../user{rest}`, its answer handed to JS as it came.
    fn user_call(
        &self,
        method: Method,
        rest: String,
        body: Option<String>,
        options: Option<CallOptionsJs>,
    ) -> js_sys::Promise {
        self.run(options, |inner, c| async move {
            let mut call = inner.call(method, "user", &c, &rest);
            if let Some(b) = body {
                call = call.json(b);
            }
            js_text(&inner.http.send(call).await?)
        })
    }

    /// `GET .../hcparty{rest}`, handed to JS as it came.
    fn get(&self, rest: String, options: Option<CallOptionsJs>) -> js_sys::Promise {
        self.run(options, |inner, c| async move {
            js_text(
                &inner
                    .http
                    .send(inner.call(Method::GET, "hcparty", &c, &rest))
                    .await?,
            )
        })
    }
}

/// The authentication tokens of a user document (from {@link HcpClient.getUser}),
/// as {@link HcpClient.listTokens} lists them: by name, with expiry, never their values.
#[wasm_bindgen(js_name = tokensOf, unchecked_return_type = "TokenInfo[]")]
pub fn tokens_of_js(
    #[wasm_bindgen(unchecked_param_type = "User")] user: JsValue,
) -> Result<JsValue, JsValue> {
    let user: Value = serde_wasm_bindgen::from_value(user)
        .map_err(|e| to_js_error(ApiError::invalid(format!("user: {e}"))))?;
    to_js(&tokens_of(&user, js_sys::Date::now()))
}
