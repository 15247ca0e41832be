//! hcp-server: the reference backend hcp-kit talks to. An iCure-compatible
//! subset of `/rest/v2` (auth, healthcare parties) on SQLite by default or
//! PostgreSQL, serving the admin page and the wasm package as static files.

pub mod auth;
pub mod db;
pub mod demo;
pub mod error;
pub mod groups;
pub mod hcp;
pub mod import;
pub mod invite;
pub mod limit;
mod login;
pub mod mail;
pub mod users;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use axum::Router;
use axum::http::{HeaderValue, Request, header};
use axum::routing::{delete, get, post};
use sqlx::AnyPool;
use tower::Layer;
use tower_http::cors::CorsLayer;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::services::ServeDir;
use tower_http::set_header::{SetResponseHeader, SetResponseHeaderLayer};
use tower_http::trace::{DefaultOnResponse, TraceLayer};

/// Largest request body accepted (an import batch is the largest legitimate one).
pub const MAX_BODY_BYTES: usize = 16 * 1024 * 1024;

#[derive(Clone)]
pub struct AppState {
    pub pool: AnyPool,
    pub jwt_secret: Arc<Vec<u8>>,
    pub limits: Arc<LoginLimits>,
    /// SMTP delivery; `None` keeps e-mails in the outbox table.
    pub mailer: Option<Arc<mail::Mailer>>,
    /// Origins other than the server's own whose pages may call the API
    /// (`*`: any). Empty: same origin only, as the served admin page is.
    pub cors_origins: Arc<Vec<String>>,
    /// Lifetime of access tokens (refresh tokens live 12 h).
    pub access_ttl_secs: i64,
}

/// Failed logins allowed per account and per client address in 5 minutes.
pub struct LoginLimits {
    pub per_account: limit::FailureLimiter,
    pub per_address: limit::FailureLimiter,
}

impl Default for LoginLimits {
    fn default() -> Self {
        let window = std::time::Duration::from_secs(300);
        LoginLimits {
            per_account: limit::FailureLimiter::new(10, window),
            per_address: limit::FailureLimiter::new(50, window),
        }
    }
}

impl AppState {
    pub fn new(pool: AnyPool, jwt_secret: Vec<u8>) -> AppState {
        AppState {
            pool,
            jwt_secret: Arc::new(jwt_secret),
            limits: Arc::new(LoginLimits::default()),
            mailer: None,
            cors_origins: Arc::new(Vec::new()),
            access_ttl_secs: auth::ACCESS_TTL_SECS,
        }
    }

    pub fn with_cors_origins(mut self, origins: Vec<String>) -> AppState {
        self.cors_origins = Arc::new(origins);
        self
    }

    pub fn with_mailer(mut self, mailer: mail::Mailer) -> AppState {
        self.mailer = Some(Arc::new(mailer));
        self
    }
}

/// Where the static files live (the page and the package).
#[derive(Debug, Clone, Default)]
pub struct StaticDirs {
    pub www: Option<PathBuf>,
    pub pkg: Option<PathBuf>,
}

fn hcp_routes() -> Router<AppState> {
    Router::new()
        .route("/", get(hcp::list).post(hcp::create).put(hcp::update))
        .route("/batch", post(hcp::create_batch))
        .route("/byIds", post(hcp::by_ids))
        .route("/import", post(import::import))
        .route("/purge/{id}", delete(hcp::purge))
        .route("/{id}", get(hcp::get).delete(hcp::delete))
        .route("/{id}/invite", post(invite::invite))
        .route("/{parentId}/children", get(hcp::children))
}

fn user_routes() -> Router<AppState> {
    Router::new()
        .route("/{userId}", get(users::get_user))
        .route(
            "/token/{userId}/{name}",
            post(users::create_token).delete(users::delete_token),
        )
}

/// Bearer tokens travel in headers, not cookies, so credentials are never
/// allowed cross-origin; a listed origin may send the API's headers.
fn cors(origins: &[String]) -> CorsLayer {
    let base = CorsLayer::new()
        .allow_methods(tower_http::cors::Any)
        .allow_headers(tower_http::cors::Any)
        .max_age(std::time::Duration::from_secs(600));
    if origins.iter().any(|o| o == "*") {
        return base.allow_origin(tower_http::cors::Any);
    }
    let list: Vec<HeaderValue> = origins
        .iter()
        .filter_map(|o| HeaderValue::from_str(o.trim_end_matches('/')).ok())
        .collect();
    base.allow_origin(list)
}

pub fn app(state: AppState, statics: &StaticDirs) -> Router {
    let cors = cors(&state.cors_origins);
    let api = Router::new()
        .route("/rest/v2/auth/login", post(login::login))
        .route("/rest/v2/auth/refresh", post(login::refresh))
        .route("/rest/v2/auth/invitation", post(invite::accept))
        .route("/rest/v2/admin/outbox", get(invite::outbox))
        .route("/rest/v2/group", get(groups::list))
        .nest("/rest/v2/hcparty", hcp_routes())
        .nest("/rest/v2/hcparty/inGroup/{groupId}", hcp_routes())
        .nest("/rest/v2/user", user_routes())
        .nest("/rest/v2/user/inGroup/{groupId}", user_routes())
        .route("/health", get(|| async { "ok" }))
        .with_state(state);
    let mut router = api;
    if let Some(pkg) = &statics.pkg {
        router = router.nest_service("/pkg", with_page_headers(ServeDir::new(pkg)));
    }
    if let Some(www) = &statics.www {
        router = router.fallback_service(with_page_headers(ServeDir::new(www)));
    }
    router
        .layer(RequestBodyLimitLayer::new(MAX_BODY_BYTES))
        .layer(cors)
        .layer(
            // Method and path only: queries, headers and bodies can carry
            // search terms, tokens and passwords, which stay out of the logs.
            TraceLayer::new_for_http()
                .make_span_with(|req: &Request<_>| {
                    tracing::info_span!("request", method = %req.method(), path = %req.uri().path())
                })
                .on_response(DefaultOnResponse::new().level(tracing::Level::INFO)),
        )
}

/// The policy the package documents: scripts and wasm from this origin only,
/// calls to this origin only, no inline script, no framing.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; worker-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

type PageHeaders<S> = SetResponseHeader<
    SetResponseHeader<SetResponseHeader<S, HeaderValue>, HeaderValue>,
    HeaderValue,
>;

fn with_page_headers<S>(service: S) -> PageHeaders<S> {
    let value = HeaderValue::from_static;
    let csp = SetResponseHeaderLayer::overriding(
        header::CONTENT_SECURITY_POLICY,
        value(CONTENT_SECURITY_POLICY),
    );
    let nosniff =
        SetResponseHeaderLayer::overriding(header::X_CONTENT_TYPE_OPTIONS, value("nosniff"));
    let referrer =
        SetResponseHeaderLayer::overriding(header::REFERRER_POLICY, value("no-referrer"));
    csp.layer(nosniff.layer(referrer.layer(service)))
}

/// A running server: its address, and a handle that stops it.
pub struct Running {
    pub addr: SocketAddr,
    pub shutdown: tokio::sync::oneshot::Sender<()>,
    pub task: tokio::task::JoinHandle<std::io::Result<()>>,
}

pub async fn start(listen: &str, state: AppState, statics: StaticDirs) -> std::io::Result<Running> {
    let listener = tokio::net::TcpListener::bind(listen).await?;
    let addr = listener.local_addr()?;
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let router = app(state, &statics);
    let task = tokio::spawn(async move {
        axum::serve(
            listener,
            router.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .with_graceful_shutdown(async {
            let _ = rx.await;
        })
        .await
    });
    Ok(Running {
        addr,
        shutdown: tx,
        task,
    })
}
