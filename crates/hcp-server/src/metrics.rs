//! What an operator scrapes (`--metrics-listen`, Prometheus/OpenMetrics
//! text): requests by route and status, their latency, the database pool,
//! imported rows. Served on its own address, never through the public one:
//! the figures say who is busy with what, which is the operator's business.

use std::sync::Arc;
use std::time::Instant;

use axum::Router;
use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderValue, Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;
use sqlx::AnyPool;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    method: &'static str,
    /// The route's template (`/rest/v2/hcparty/{id}`), never the path: ids
    /// would make a series per document.
    route: String,
    status: u16,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RouteLabels {
    route: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct OutcomeLabels {
    outcome: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct PoolLabels {
    state: &'static str,
}

type LatencyFamily = Family<RouteLabels, Histogram, fn() -> Histogram>;

pub struct Metrics {
    registry: Registry,
    requests: Family<RequestLabels, Counter>,
    latency: LatencyFamily,
    import_rows: Family<OutcomeLabels, Counter>,
    pool: Family<PoolLabels, Gauge>,
    pool_max: Gauge,
}

fn latency_histogram() -> Histogram {
    // 0.25 ms to about 8 s, doubling.
    Histogram::new(exponential_buckets(0.000_25, 2.0, 16))
}

impl Default for Metrics {
    fn default() -> Metrics {
        let mut registry = Registry::with_prefix("hcp");
        let requests = Family::<RequestLabels, Counter>::default();
        registry.register(
            "http_requests",
            "API requests answered, by method, route template and status",
            requests.clone(),
        );
        let latency = LatencyFamily::new_with_constructor(latency_histogram);
        registry.register(
            "http_request_duration_seconds",
            "Time from a request's arrival to its response's head, by route template",
            latency.clone(),
        );
        let import_rows = Family::<OutcomeLabels, Counter>::default();
        registry.register(
            "import_rows",
            "Rows of import batches, created or rejected (a replayed batch counts once)",
            import_rows.clone(),
        );
        let pool = Family::<PoolLabels, Gauge>::default();
        registry.register(
            "db_pool_connections",
            "Database connections of this process, idle or in use",
            pool.clone(),
        );
        let pool_max = Gauge::default();
        registry.register(
            "db_pool_max_connections",
            "The pool's size limit",
            pool_max.clone(),
        );
        Metrics {
            registry,
            requests,
            latency,
            import_rows,
            pool,
            pool_max,
        }
    }
}

impl Metrics {
    pub fn imported(&self, created: usize, rejected: usize) {
        let count = |outcome, n: usize| {
            self.import_rows
                .get_or_create(&OutcomeLabels { outcome })
                .inc_by(u64::try_from(n).unwrap_or(u64::MAX));
        };
        count("created", created);
        count("rejected", rejected);
    }

    /// The text exposition, with the pool read now.
    pub fn render(&self, pool: &AnyPool) -> Result<String, std::fmt::Error> {
        let size = i64::from(pool.size());
        let idle = i64::try_from(pool.num_idle()).unwrap_or(i64::MAX);
        self.pool
            .get_or_create(&PoolLabels { state: "idle" })
            .set(idle);
        self.pool
            .get_or_create(&PoolLabels { state: "in_use" })
            .set(size - idle);
        self.pool_max
            .set(i64::from(pool.options().get_max_connections()));
        let mut out = String::new();
        prometheus_client::encoding::text::encode(&mut out, &self.registry)?;
        Ok(out)
    }
}

/// A fixed set, so a client inventing methods cannot add series.
fn method_label(method: &Method) -> &'static str {
    match *method {
        Method::GET => "GET",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::DELETE => "DELETE",
        Method::PATCH => "PATCH",
        Method::HEAD => "HEAD",
        Method::OPTIONS => "OPTIONS",
        _ => "other",
    }
}

/// Counts and times every request that matched a route (a route layer, so
/// the template is known).
pub async fn track(State(metrics): State<Arc<Metrics>>, req: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = method_label(req.method());
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_owned(), |p| p.as_str().to_owned());
    let response = next.run(req).await;
    metrics
        .latency
        .get_or_create(&RouteLabels {
            route: route.clone(),
        })
        .observe(started.elapsed().as_secs_f64());
    metrics
        .requests
        .get_or_create(&RequestLabels {
            method,
            route,
            status: response.status().as_u16(),
        })
        .inc();
    response
}

/// The operator's router: `GET /metrics`.
pub fn router(metrics: Arc<Metrics>, pool: AnyPool) -> Router {
    Router::new().route(
        "/metrics",
        get(move || {
            let metrics = Arc::clone(&metrics);
            let pool = pool.clone();
            async move {
                match metrics.render(&pool) {
                    Ok(text) => (
                        [(
                            header::CONTENT_TYPE,
                            HeaderValue::from_static(
                                "application/openmetrics-text; version=1.0.0; charset=utf-8",
                            ),
                        )],
                        text,
                    )
                        .into_response(),
                    Err(_) => {
                        crate::error::ApiError::Internal("metrics encoding".into()).into_response()
                    }
                }
            }
        }),
    )
}
