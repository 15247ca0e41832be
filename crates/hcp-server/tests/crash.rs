//! kill -9 of the real server process in the middle of a large import: after
//! a restart on the same SQLite file only whole batches are there, every row
//! the client was told about is there, and retrying every batch under its
//! Idempotency-Key completes the import without creating anything twice.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use hcp_server::{db, demo};
use serde_json::{Value, json};
use sqlx::Row;

const BATCHES: usize = 30;
const BATCH_ROWS: usize = 1000;

struct Proc {
    child: Child,
    base: String,
}

impl Drop for Proc {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts `hcp-server --demo` on an ephemeral port and reads the address it prints.
fn spawn(db_path: &str) -> Proc {
    let mut child = Command::new(env!("CARGO_BIN_EXE_hcp-server"))
        .args([
            "--demo",
            "--listen",
            "127.0.0.1:0",
            "--database-url",
            db_path,
        ])
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("start hcp-server");
    let stdout = child.stdout.take().expect("stdout");
    let mut lines = BufReader::new(stdout).lines();
    let base = loop {
        let line = lines.next().expect("server exited").expect("read stdout");
        if let Some(rest) = line.strip_prefix("hcp-kit is running: open ") {
            break rest.trim_end_matches('/').to_owned();
        }
    };
    // Keep draining stdout so the server never blocks on a full pipe.
    std::thread::spawn(move || lines.for_each(drop));
    Proc { child, base }
}

async fn login(http: &reqwest::Client, base: &str) -> String {
    let body: Value = http
        .post(format!("{base}/rest/v2/auth/login"))
        .json(&json!({"username": demo::DEMO_LOGIN, "password": demo::DEMO_PASSWORD}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    body["token"].as_str().expect("token").to_owned()
}

fn batch(n: usize) -> Value {
    let rows: Vec<Value> = (n * BATCH_ROWS..(n + 1) * BATCH_ROWS)
        .map(|i| {
            json!({"row": i + 2, "firstName": format!("Crash{i}"), "lastName": "Test",
                   "email": format!("crash{i}@example.be"), "phone": format!("+32476{i:06}")})
        })
        .collect();
    json!({ "rows": rows })
}

async fn send(http: &reqwest::Client, base: &str, token: &str, n: usize) -> reqwest::Result<Value> {
    http.post(format!("{base}/rest/v2/hcparty/import"))
        .bearer_auth(token)
        .header("Idempotency-Key", format!("crash-test/{n}"))
        .json(&batch(n))
        .send()
        .await?
        .error_for_status()?
        .json()
        .await
}

/// (rows imported by this test, distinct emails among them), read from the file itself.
async fn imported(db_path: &str) -> (i64, i64) {
    let pool = db::connect(db_path).await.unwrap();
    let row = sqlx::query(
        "SELECT COUNT(*) AS n, COUNT(DISTINCT email) AS e FROM hcps WHERE email LIKE 'crash%'",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    let counts = (row.get::<i64, _>("n"), row.get::<i64, _>("e"));
    pool.close().await;
    counts
}

async fn ids_present(db_path: &str, ids: &[String]) -> usize {
    let pool = db::connect(db_path).await.unwrap();
    let mut found = 0;
    for id in ids {
        let row = sqlx::query("SELECT 1 AS x FROM hcps WHERE id = $1")
            .bind(id)
            .fetch_optional(&pool)
            .await
            .unwrap();
        found += usize::from(row.is_some());
    }
    pool.close().await;
    found
}

fn created_ids(response: &Value) -> Vec<String> {
    response["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .filter_map(|r| r["id"].as_str().map(str::to_owned))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kill_9_during_import_loses_and_duplicates_nothing() {
    let dir = std::env::temp_dir().join(format!("hcp-crash-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let db_path = dir.join("db.sqlite").to_str().unwrap().to_owned();
    let http = reqwest::Client::new();

    let mut server = spawn(&db_path);
    let token = login(&http, &server.base).await;

    // Batches go one after another; the server dies while one is in flight.
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let sender = {
        let (http, base, token) = (http.clone(), server.base.clone(), token.clone());
        tokio::spawn(async move {
            for n in 0..BATCHES {
                match send(&http, &base, &token, n).await {
                    Ok(v) => tx.send((n, v)).unwrap(),
                    Err(_) => break,
                }
            }
        })
    };
    let mut acknowledged: Vec<(usize, Value)> = Vec::new();
    while acknowledged.len() < 3 {
        acknowledged.push(
            rx.recv()
                .await
                .expect("batches acknowledged before the kill"),
        );
    }
    // Part way into the next batch (one takes ~300 ms in a debug build), so
    // the kill lands while it is being validated or written.
    tokio::time::sleep(Duration::from_millis(120)).await;
    server.child.kill().unwrap(); // SIGKILL: no shutdown, no flush
    server.child.wait().unwrap();
    sender.await.unwrap();
    while let Ok(late) = rx.try_recv() {
        acknowledged.push(late);
    }
    assert!(
        acknowledged.len() < BATCHES,
        "the kill came after the import finished"
    );

    // Only whole batches, and all that were acknowledged.
    let (rows, distinct) = imported(&db_path).await;
    assert_eq!(rows, distinct);
    assert_eq!(
        rows % BATCH_ROWS as i64,
        0,
        "a partial batch survived the crash"
    );
    let committed = rows as usize / BATCH_ROWS;
    assert!(
        committed == acknowledged.len() || committed == acknowledged.len() + 1,
        "{committed} batches on disk, {} acknowledged",
        acknowledged.len()
    );
    let acked_ids: Vec<String> = acknowledged
        .iter()
        .flat_map(|(_, v)| created_ids(v))
        .collect();
    assert_eq!(acked_ids.len(), acknowledged.len() * BATCH_ROWS);
    assert_eq!(ids_present(&db_path, &acked_ids).await, acked_ids.len());

    // Restart on the same file; the client retries every batch under its key.
    drop(server);
    let server = spawn(&db_path);
    let token = login(&http, &server.base).await;
    let started = Instant::now();
    for n in 0..BATCHES {
        let response = send(&http, &server.base, &token, n).await.unwrap();
        if let Some((_, first)) = acknowledged.iter().find(|(m, _)| *m == n) {
            assert_eq!(&response, first, "batch {n} replayed differently");
        }
        assert_eq!(response["created"], BATCH_ROWS, "batch {n}: {response}");
    }
    eprintln!(
        "crash test: {} batches acknowledged before kill -9, {committed} on disk; retry of all {BATCHES} took {:.1}s",
        acknowledged.len(),
        started.elapsed().as_secs_f64()
    );
    drop(server);
    let (rows, distinct) = imported(&db_path).await;
    assert_eq!(rows, (BATCHES * BATCH_ROWS) as i64);
    assert_eq!(distinct, rows);
    let _ = std::fs::remove_dir_all(&dir);
}
