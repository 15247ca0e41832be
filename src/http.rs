//! One HTTP exchange with the backend (for `HcpClient` and the data-owner
//! session): bearer token (refreshed shortly
//! before it expires), timeout, the caller's `AbortSignal`, and every failure
//! as an `ApiError` with the right code.

// The data-owner module uses the exchange only; the refresh is HcpClient's.
#![cfg_attr(not(feature = "client"), allow(dead_code))]

use std::cell::RefCell;

use gloo_net::http::{Method, RequestBuilder};
use hcp_core::client::{ApiError, jwt_expiry_ms, needs_refresh};
use serde_json::Value;
use wasm_bindgen::prelude::*;
use web_sys::AbortSignal;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = AbortSignal, js_name = timeout)]
    fn abort_after(ms: u32) -> AbortSignal;
    #[wasm_bindgen(js_namespace = AbortSignal, js_name = any)]
    fn abort_on_any(signals: &js_sys::Array) -> AbortSignal;
    #[wasm_bindgen(js_name = setTimeout)]
    fn set_timeout(callback: &js_sys::Function, ms: u32) -> JsValue;
}

pub(crate) struct Auth {
    pub token: String,
    pub refresh_token: Option<String>,
    expiry_ms: Option<f64>,
}

impl Auth {
    pub fn new(token: String, refresh_token: Option<String>) -> Auth {
        let expiry_ms = jwt_expiry_ms(&token);
        Auth {
            token,
            refresh_token,
            expiry_ms,
        }
    }
}

pub(crate) struct Http {
    pub base: String,
    pub auth: RefCell<Auth>,
    pub timeout_ms: u32,
    /// The callers waiting for a refresh in flight: the server spends a
    /// refresh token on use, so two concurrent refreshes with the same one
    /// would look like a stolen token and end the session.
    pub refreshing: RefCell<Option<Vec<js_sys::Function>>>,
}

/// A request to make: method, path under the base URL, optional JSON body and headers.
pub(crate) struct Call<'a> {
    pub method: Method,
    pub path: String,
    pub body: Option<String>,
    pub headers: Vec<(&'static str, String)>,
    pub signal: Option<&'a AbortSignal>,
}

impl<'a> Call<'a> {
    pub fn new(method: Method, path: String, signal: Option<&'a AbortSignal>) -> Call<'a> {
        Call {
            method,
            path,
            body: None,
            headers: Vec::new(),
            signal,
        }
    }

    pub fn json(mut self, body: String) -> Call<'a> {
        self.body = Some(body);
        self
    }

    pub fn header(mut self, name: &'static str, value: String) -> Call<'a> {
        self.headers.push((name, value));
        self
    }
}

pub(crate) fn trim_base(base: &str) -> String {
    base.trim_end_matches('/').to_owned()
}

impl Http {
    /// Sends the call with the current token (refreshing it first when it is
    /// about to expire) and returns the body of a 2xx answer.
    pub async fn send(&self, call: Call<'_>) -> Result<String, ApiError> {
        let token = self.fresh_token(call.signal).await?;
        self.exchange(call, Some(&token)).await
    }

    /// The access token, refreshed first when it is about to expire.
    pub async fn fresh_token(&self, signal: Option<&AbortSignal>) -> Result<String, ApiError> {
        self.refresh_if_due(signal).await?;
        Ok(self.auth.borrow().token.clone())
    }

    /// As `send`, and parses the answer as JSON.
    pub async fn send_json(&self, call: Call<'_>) -> Result<Value, ApiError> {
        let text = self.send(call).await?;
        serde_json::from_str(&text).map_err(ApiError::unexpected)
    }

    async fn refresh_if_due(&self, signal: Option<&AbortSignal>) -> Result<(), ApiError> {
        // One refresh at a time: wait for the one in flight, then look again.
        loop {
            let wait = self
                .refreshing
                .borrow_mut()
                .as_mut()
                .map(|waiters| js_sys::Promise::new(&mut |resolve, _| waiters.push(resolve)));
            match wait {
                Some(p) => {
                    let _ = wasm_bindgen_futures::JsFuture::from(p).await;
                }
                None => break,
            }
        }
        let (due, refresh) = {
            let auth = self.auth.borrow();
            (
                needs_refresh(auth.expiry_ms, js_sys::Date::now()),
                auth.refresh_token.clone(),
            )
        };
        let Some(refresh) = refresh.filter(|_| due) else {
            return Ok(());
        };
        *self.refreshing.borrow_mut() = Some(Vec::new());
        let result = self.refresh(refresh, signal).await;
        for waiter in self.refreshing.borrow_mut().take().unwrap_or_default() {
            let _ = waiter.call0(&JsValue::NULL);
        }
        result
    }

    /// Trades the refresh token for a new access token and a new refresh token.
    async fn refresh(&self, refresh: String, signal: Option<&AbortSignal>) -> Result<(), ApiError> {
        let call = Call::new(Method::POST, "/rest/v2/auth/refresh".into(), signal)
            .header("Refresh-Token", refresh);
        let answer: Value = serde_json::from_str(&self.exchange(call, None).await?)
            .map_err(ApiError::unexpected)?;
        let token = answer
            .get("token")
            .and_then(Value::as_str)
            .ok_or_else(|| ApiError::unexpected("no token in the refresh answer"))?;
        let mut auth = self.auth.borrow_mut();
        let refresh_token = answer
            .get("refreshToken")
            .and_then(Value::as_str)
            .map(str::to_owned)
            .or_else(|| auth.refresh_token.take());
        *auth = Auth::new(token.to_owned(), refresh_token);
        Ok(())
    }

    pub async fn exchange(&self, call: Call<'_>, bearer: Option<&str>) -> Result<String, ApiError> {
        let timeout = abort_after(self.timeout_ms);
        let signals = js_sys::Array::of1(&timeout);
        if let Some(s) = call.signal {
            if s.aborted() {
                return Err(ApiError::cancelled());
            }
            signals.push(s);
        }
        let signal = abort_on_any(&signals);
        let mut req = RequestBuilder::new(&format!("{}{}", self.base, call.path))
            .method(call.method)
            .abort_signal(Some(&signal));
        if let Some(t) = bearer {
            req = req.header("Authorization", &format!("Bearer {t}"));
        }
        for (name, value) in &call.headers {
            req = req.header(name, value);
        }
        let sent = match call.body {
            Some(body) => {
                req.header("Content-Type", "application/json")
                    .body(body)
                    .map_err(ApiError::unexpected)?
                    .send()
                    .await
            }
            None => req.send().await,
        };
        let failed = |e: gloo_net::Error| {
            if call.signal.is_some_and(AbortSignal::aborted) {
                ApiError::cancelled()
            } else if timeout.aborted() {
                ApiError::timeout(self.timeout_ms)
            } else {
                ApiError::network(&e.to_string())
            }
        };
        let response = sent.map_err(&failed)?;
        let text = response.text().await.map_err(&failed)?;
        if response.ok() {
            Ok(text)
        } else {
            Err(ApiError::from_response(response.status(), &text))
        }
    }
}

/// Resolves after `ms` (between retries).
pub(crate) async fn sleep(ms: u32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        let _ = set_timeout(&resolve, ms);
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}
