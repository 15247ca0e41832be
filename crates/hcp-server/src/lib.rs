//! hcp-server: the reference backend hcp-kit talks to. An iCure-compatible
//! subset of `/rest/v2` (auth, healthcare parties) on SQLite by default or
//! PostgreSQL, serving the admin page and the wasm package as static files.

pub mod auth;
pub mod dataowners;
pub mod db;
pub mod demo;
pub mod entities;
pub mod error;
pub mod exchange;
pub mod extract;
pub mod groups;
pub mod hcp;
pub mod import;
pub mod invite;
mod login;
pub mod mail;
pub mod metrics;
pub mod page;
pub mod policy;
pub mod throttle;
pub mod users;

use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::sync::{Arc, OnceLock};

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderValue, Request, header};
use axum::routing::get;
use sqlx::AnyPool;
use tower::Layer;
use tower_http::cors::CorsLayer;
use tower_http::services::ServeDir;
use tower_http::set_header::{SetResponseHeader, SetResponseHeaderLayer};
use tower_http::trace::{DefaultOnResponse, TraceLayer};

pub use extract::{MAX_BODY_BYTES, MAX_BULK_BODY_BYTES};

#[derive(Clone)]
pub struct AppState {
    pub pool: AnyPool,
    pub keys: Arc<auth::jwt::Keys>,
    pub hasher: Arc<auth::password::Hasher>,
    pub throttle: Arc<throttle::Throttle>,
    /// SMTP delivery; `None` keeps e-mails in the outbox table.
    pub mailer: Option<Arc<mail::Mailer>>,
    /// Origins other than the server's own whose pages may call the API
    /// (`*`: any). Empty: same origin only, as the served admin page is.
    pub cors_origins: Arc<Vec<String>>,
    /// Lifetime of access tokens (refresh tokens live 12 h).
    pub access_ttl_secs: i64,
    /// Where links in e-mails point (`--public-url`); set from the listen
    /// address at start when not configured.
    public_url: Arc<OnceLock<String>>,
    pub metrics: Arc<metrics::Metrics>,
    /// Peers whose `X-Forwarded-For` names the client (`--trusted-proxy`):
    /// behind a load balancer every request comes from its address, and the
    /// login throttle must count the clients, not the balancer.
    pub trusted_proxies: Arc<Vec<IpAddr>>,
}

impl AppState {
    pub fn new(pool: AnyPool, jwt_secret: Vec<u8>) -> Result<AppState, error::ApiError> {
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        Ok(AppState {
            pool,
            keys: Arc::new(auth::jwt::Keys::new(&jwt_secret)?),
            hasher: Arc::new(auth::password::Hasher::new(cores)?),
            throttle: Arc::new(throttle::Throttle::default()),
            mailer: None,
            cors_origins: Arc::new(Vec::new()),
            access_ttl_secs: auth::ACCESS_TTL_SECS,
            public_url: Arc::new(OnceLock::new()),
            metrics: Arc::new(metrics::Metrics::default()),
            trusted_proxies: Arc::new(Vec::new()),
        })
    }

    pub fn with_trusted_proxies(mut self, proxies: Vec<IpAddr>) -> AppState {
        self.trusted_proxies = Arc::new(proxies);
        self
    }

    pub fn with_cors_origins(mut self, origins: Vec<String>) -> AppState {
        self.cors_origins = Arc::new(origins);
        self
    }

    pub fn with_mailer(mut self, mailer: mail::Mailer) -> AppState {
        self.mailer = Some(Arc::new(mailer));
        self
    }

    /// The public address of the page, for links in e-mails (no trailing slash).
    pub fn with_public_url(self, url: &str) -> AppState {
        let _ = self.public_url.set(url.trim_end_matches('/').to_owned());
        self
    }

    pub fn public_url(&self) -> &str {
        self.public_url
            .get()
            .map_or("http://localhost", String::as_str)
    }
}

/// Where the static files live (the page and the package).
#[derive(Debug, Clone, Default)]
pub struct StaticDirs {
    pub www: Option<PathBuf>,
    pub pkg: Option<PathBuf>,
}

/// The API: one router per module, each route's role checked by its
/// handler's `policy::Authorized` extractor.
pub fn api() -> Router<AppState> {
    Router::new()
        .nest(
            "/rest/v2/auth",
            login::routes().merge(invite::public_routes()),
        )
        .nest("/rest/v2/admin", invite::admin_routes())
        .route("/rest/v2/group", get(groups::list))
        .nest("/rest/v2/hcparty", hcp::routes())
        .nest("/rest/v2/hcparty/inGroup/{groupId}", hcp::routes())
        .nest("/rest/v2/user", users::routes())
        .nest("/rest/v2/user/inGroup/{groupId}", users::routes())
        .nest("/rest/v2/dataowner", dataowners::routes())
        .nest("/rest/v2/exchangedata", exchange::routes())
        .merge(medical_routes())
        .route("/health", get(|| async { "ok" }))
        .route("/ready", get(ready))
}

/// For the load balancer: 200 when the database answers, else 503 (the
/// process stays up and recovers by itself when the database is back).
async fn ready(
    axum::extract::State(st): axum::extract::State<AppState>,
) -> error::ApiResult<&'static str> {
    sqlx::query("SELECT 1")
        .execute(&st.pool)
        .await
        .map_err(|e| {
            tracing::warn!(error = %e, "not ready");
            error::ApiError::Unavailable("the database does not answer".into())
        })?;
    Ok("ready")
}

/// The encrypted entities, each kind under its iCure route.
fn medical_routes() -> Router<AppState> {
    hcp_core::dataowner::entity::EntityKind::ALL
        .into_iter()
        .fold(Router::new(), |router, kind| {
            router.nest(
                &format!("/rest/v2/{}", kind.route()),
                entities::routes(kind),
            )
        })
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
    let track = axum::middleware::from_fn_with_state(Arc::clone(&state.metrics), metrics::track);
    let mut router = api().route_layer(track).with_state(state);
    if let Some(pkg) = &statics.pkg {
        router = router.nest_service("/pkg", with_page_headers(ServeDir::new(pkg)));
    }
    if let Some(www) = &statics.www {
        router = router.fallback_service(with_page_headers(ServeDir::new(www)));
    }
    router
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
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
    let state = state.with_public_url(&format!("http://{addr}"));
    tokio::spawn(prune_forever(state.clone()));
    Ok(serve(listener, addr, app(state, &statics)))
}

/// The operator's listener (`--metrics-listen`): `GET /metrics` only.
pub async fn start_metrics(listen: &str, state: &AppState) -> std::io::Result<Running> {
    let listener = tokio::net::TcpListener::bind(listen).await?;
    let addr = listener.local_addr()?;
    let router = metrics::router(Arc::clone(&state.metrics), state.pool.clone());
    Ok(serve(listener, addr, router))
}

/// Serves `router` on `listener` until the returned handle says stop
/// (requests in flight finish first).
fn serve(listener: tokio::net::TcpListener, addr: SocketAddr, router: Router) -> Running {
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
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
    Running {
        addr,
        shutdown: tx,
        task,
    }
}

/// Forgets ended sessions and finished throttle windows every minute, so
/// neither table grows with time.
async fn prune_forever(st: AppState) {
    let mut tick = tokio::time::interval(std::time::Duration::from_secs(60));
    loop {
        tick.tick().await;
        if let Err(e) = auth::session::prune(&st).await {
            tracing::warn!(error = %e, "pruning sessions failed");
        }
        if let Err(e) = st.throttle.prune(&st).await {
            tracing::warn!(error = %e, "pruning the login throttle failed");
        }
    }
}
