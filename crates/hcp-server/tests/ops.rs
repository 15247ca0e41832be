//! What the operator and the load balancer see: `/health`, `/ready`, the
//! metrics on their own address, 503 while the database is away, and the
//! client address behind a trusted proxy.

mod support;

use std::sync::Arc;

use hcp_server::demo;
use hcp_server::throttle::Throttle;
use reqwest::{Method, StatusCode};
use serde_json::json;
use sqlx::Row;
use support::server::Server;

#[tokio::test]
async fn probes_answer_anyone_and_metrics_only_on_the_operators_address() {
    let s = Server::start().await;
    // No credentials needed: the load balancer has none.
    for (path, body) in [("/health", "ok"), ("/ready", "ready")] {
        let r = s.http.get(s.url(path)).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::OK, "{path}");
        assert_eq!(r.text().await.unwrap(), body);
    }
    // Not on the public address, whoever asks.
    let t = s.admin_token().await;
    assert_eq!(
        s.call(Method::GET, "/metrics", &t, None).await.0,
        StatusCode::NOT_FOUND
    );
    let r = s.http.get(s.url("/metrics")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);

    let (status, _) = s
        .call(Method::GET, "/rest/v2/hcparty?limit=5", &t, None)
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = s
        .call(Method::GET, "/rest/v2/hcparty/no-such-id", &t, None)
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let r = s
        .http
        .post(s.url("/rest/v2/hcparty/import"))
        .bearer_auth(&t)
        .header("Idempotency-Key", "metrics-1")
        .json(&json!({"rows": [
            {"row": 2, "firstName": "Met", "lastName": "Rics", "email": "met@example.be"},
            {"row": 3, "firstName": "", "lastName": "Rics", "email": "met2@example.be"}
        ]}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);

    let operator = hcp_server::start_metrics("127.0.0.1:0", &s.state)
        .await
        .unwrap();
    let text = reqwest::get(format!("http://{}/metrics", operator.addr))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let has = |line: &str| text.lines().any(|l| l.starts_with(line));
    assert!(
        has(r#"hcp_http_requests_total{method="GET",route="/rest/v2/hcparty",status="200"} 1"#),
        "{text}"
    );
    // Route templates, never ids.
    assert!(has(
        r#"hcp_http_requests_total{method="GET",route="/rest/v2/hcparty/{id}",status="404"} 1"#
    ));
    assert!(!text.contains("no-such-id"));
    assert!(has(
        r#"hcp_http_request_duration_seconds_count{route="/rest/v2/hcparty"} 1"#
    ));
    assert!(has(r#"hcp_import_rows_total{outcome="created"} 1"#));
    assert!(has(r#"hcp_import_rows_total{outcome="rejected"} 1"#));
    assert!(has(r#"hcp_db_pool_connections{state="idle"}"#));
    assert!(has("hcp_db_pool_max_connections "));
    assert!(text.ends_with("# EOF\n"));
    let _ = operator.shutdown.send(());
}

/// The statements `db::warm_up` prepares on each connection.
const WARM_STATEMENTS: i64 = 3;

/// How many statements PostgreSQL holds prepared on this connection (sqlx's
/// Any driver does not say how many it cached; SQLite has no such view).
async fn prepared(conn: &mut sqlx::AnyConnection) -> Option<i64> {
    if conn.backend_name() == "SQLite" {
        return None;
    }
    let row = sqlx::query("SELECT count(*) AS n FROM pg_prepared_statements")
        .persistent(false)
        .fetch_one(conn)
        .await
        .unwrap();
    Some(row.try_get("n").unwrap())
}

#[tokio::test]
async fn every_connection_is_opened_and_warmed_before_it_serves() {
    let s = Server::start().await;
    let max = s.pool.options().get_max_connections();
    assert_eq!(s.pool.size(), max, "every connection opened at start");
    let mut held = Vec::new();
    for _ in 0..max {
        held.push(s.pool.acquire().await.unwrap());
    }
    for conn in &mut held {
        if let Some(n) = prepared(conn).await {
            assert!(n >= WARM_STATEMENTS, "{n} statements prepared");
        }
    }
    // One opened later (as after the database restarted) is warmed too.
    held.pop().unwrap().close().await.unwrap();
    let mut fresh = s.pool.acquire().await.unwrap();
    if let Some(n) = prepared(&mut fresh).await {
        assert!(
            n >= WARM_STATEMENTS,
            "{n} statements prepared on a new connection"
        );
    }
}

#[tokio::test]
async fn without_its_database_the_server_answers_503_and_not_ready() {
    let s = Server::start().await;
    let t = s.admin_token().await;
    s.pool.close().await;
    let r = s.http.get(s.url("/ready")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(
        s.http.get(s.url("/health")).send().await.unwrap().status(),
        StatusCode::OK
    );
    let r = s
        .http
        .get(s.url("/rest/v2/hcparty"))
        .bearer_auth(&t)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(
        r.headers().get("retry-after").and_then(|v| v.to_str().ok()),
        Some("1")
    );
    let body: serde_json::Value = r.json().await.unwrap();
    assert!(body["message"].as_str().unwrap().contains("not available"));
}

async fn wrong_login(s: &Server, login: &str, forwarded: Option<&str>) -> StatusCode {
    let mut req = s
        .http
        .post(s.url("/rest/v2/auth/login"))
        .json(&json!({"username": login, "password": "wrong"}));
    if let Some(f) = forwarded {
        req = req.header("X-Forwarded-For", f);
    }
    req.send().await.unwrap().status()
}

fn small_throttle(st: hcp_server::AppState) -> hcp_server::AppState {
    let mut st = st;
    st.throttle = Arc::new(Throttle {
        per_address: 3,
        ..Throttle::default()
    });
    st
}

#[tokio::test]
async fn behind_a_trusted_proxy_the_throttle_counts_each_client() {
    let s = Server::start_with(|st| {
        small_throttle(st).with_trusted_proxies(vec!["127.0.0.1".parse().unwrap()])
    })
    .await;
    for n in 0..3 {
        let login = format!("nobody{n}@example.be");
        assert_eq!(
            wrong_login(&s, &login, Some("203.0.113.7")).await,
            StatusCode::UNAUTHORIZED
        );
    }
    assert_eq!(
        wrong_login(&s, "nobody9@example.be", Some("203.0.113.7")).await,
        StatusCode::TOO_MANY_REQUESTS
    );
    // Another client behind the same balancer is not held for the first.
    assert_eq!(
        wrong_login(&s, "nobody9@example.be", Some("203.0.113.8")).await,
        StatusCode::UNAUTHORIZED
    );
    // Nor can the first escape by writing another address before its own.
    assert_eq!(
        wrong_login(&s, "nobody8@example.be", Some("198.51.100.1, 203.0.113.7")).await,
        StatusCode::TOO_MANY_REQUESTS
    );
    // Nor by writing a header line of its own before the balancer's.
    let r = s
        .http
        .post(s.url("/rest/v2/auth/login"))
        .header("X-Forwarded-For", "198.51.100.2")
        .header("X-Forwarded-For", "203.0.113.7")
        .json(&json!({"username": "nobody7@example.be", "password": "wrong"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
    // A right password still gets through for another client.
    let r = s
        .http
        .post(s.url("/rest/v2/auth/login"))
        .header("X-Forwarded-For", "203.0.113.9")
        .json(&json!({"username": demo::DEMO_LOGIN, "password": demo::DEMO_PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
}

#[tokio::test]
async fn an_untrusted_peer_cannot_choose_its_address() {
    let s = Server::start_with(small_throttle).await;
    for n in 0..3 {
        let forwarded = format!("203.0.113.{n}");
        assert_eq!(
            wrong_login(&s, &format!("nobody{n}@example.be"), Some(&forwarded)).await,
            StatusCode::UNAUTHORIZED
        );
    }
    assert_eq!(
        wrong_login(&s, "nobody5@example.be", Some("203.0.113.99")).await,
        StatusCode::TOO_MANY_REQUESTS
    );
}
