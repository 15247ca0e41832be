//! The server's two benchmarks, printing figures and asserting nothing:
//! 1. imports 100,000 valid rows through the real import endpoint (SQLite
//!    file, loopback HTTP, batches of 5,000) and compares with a raw bulk
//!    insert of the same rows into the same schema in the same run;
//! 2. then, on that 100,000-HCP database, GET list latency (p50/p99) at a
//!    fixed request rate, open loop: each request is timed from when it was
//!    due, so a slow answer delays no later measurement.
//!
//! 3. logins: a concurrent burst of wrong passwords on one account (how many
//!    reach Argon2, how long they take), a concurrent burst of right ones on
//!    distinct accounts with `/health` answering meanwhile, and a wrong
//!    password on a known account against an unknown account.
//!
//! `cargo run --profile server -p hcp-server --example server_bench [ROWS]`

use std::time::{Duration, Instant};

use hcp_core::model::Hcp;
use hcp_server::hcp::store::{NewPerson, insert_people};
use hcp_server::{AppState, StaticDirs, db, demo};
use serde_json::{Value, json};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let rows: usize = std::env::args()
        .nth(1)
        .map(|n| n.parse())
        .transpose()?
        .unwrap_or(100_000);
    let dir = std::env::temp_dir().join(format!("hcp-import-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let result = run(&dir, rows).await;
    let _ = std::fs::remove_dir_all(&dir);
    result
}

fn row(i: usize) -> Value {
    json!({"row": i + 2, "firstName": format!("Name{i}"), "lastName": format!("Family{}", i % 997),
           "email": format!("hcp{i}@example{}.be", i % 50), "phone": format!("+32475{i:06}")})
}

async fn run(dir: &std::path::Path, rows: usize) -> Result<(), Box<dyn std::error::Error>> {
    let pool = db::connect(dir.join("api.sqlite").to_str().ok_or("path")?).await?;
    demo::seed(&pool).await?;
    let running = hcp_server::start(
        "127.0.0.1:0",
        AppState::new(pool, vec![7u8; 32])?,
        StaticDirs::default(),
    )
    .await?;
    let base = format!("http://{}", running.addr);
    let http = reqwest::Client::new();
    let login: Value = http
        .post(format!("{base}/rest/v2/auth/login"))
        .json(&json!({"username": demo::DEMO_LOGIN, "password": demo::DEMO_PASSWORD}))
        .send()
        .await?
        .json()
        .await?;
    let token = login["token"].as_str().ok_or("no token")?.to_owned();
    let all: Vec<Value> = (0..rows).map(row).collect();
    let started = Instant::now();
    let mut created = 0;
    let mut ids: Vec<String> = Vec::with_capacity(rows);
    for (n, batch) in all.chunks(5000).enumerate() {
        let res: Value = http
            .post(format!("{base}/rest/v2/hcparty/import"))
            .bearer_auth(&token)
            .header("Idempotency-Key", format!("bench/{n}"))
            .json(&json!({ "rows": batch }))
            .send()
            .await?
            .json()
            .await?;
        created += res["created"]
            .as_u64()
            .ok_or_else(|| format!("bad response: {res}"))?;
        let outcomes = res["rows"].as_array().ok_or("no rows")?;
        ids.extend(
            outcomes
                .iter()
                .filter_map(|o| o["id"].as_str().map(str::to_owned)),
        );
    }
    let api_secs = started.elapsed().as_secs_f64();
    let latency = list_latency(&http, &base, &token, &ids).await?;
    let logins = login_figures(&http, &base, &token).await?;
    let _ = running.shutdown.send(());

    // The floor: the same rows straight into SQLite, one transaction, same schema.
    let raw = db::connect(dir.join("raw.sqlite").to_str().ok_or("path")?).await?;
    sqlx::query("INSERT INTO groups (id, name) VALUES ('g', 'g')")
        .execute(&raw)
        .await?;
    // Same rows, already validated, straight into the tables (multi-row
    // INSERTs, one transaction): what the endpoint costs on top is HTTP,
    // JSON, the rules and the duplicate lookups.
    let people: Vec<NewPerson> = all
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let hcp: Hcp = serde_json::from_value(json!({
                "id": format!("{i:08}-0000-4000-8000-000000000000"), "rev": "1-x", "created": 0, "modified": 0,
                "firstName": r["firstName"], "lastName": r["lastName"], "userId": format!("u{i}"),
                "addresses": [{"telecoms": [{"telecomType": "email", "telecomNumber": r["email"]},
                                            {"telecomType": "mobile", "telecomNumber": r["phone"]}]}]
            }))
            .expect("valid document");
            NewPerson {
                hcp,
                login: r["email"].as_str().unwrap_or_default().to_owned(),
            }
        })
        .collect();
    let started = Instant::now();
    let mut tx = raw.begin().await?;
    insert_people(&mut tx, "g", &people, "bench", 0).await?;
    tx.commit().await?;
    let raw_secs = started.elapsed().as_secs_f64();
    println!(
        "server import of {rows} rows (SQLite file, loopback HTTP, batches of 5,000): {created} created"
    );
    println!(
        "  import endpoint  {:8.2} s  {:>8.0} rows/s (goal >= 30,000)",
        api_secs,
        rows as f64 / api_secs
    );
    println!(
        "  direct insert     {:7.2} s  {:>8.0} rows/s",
        raw_secs,
        rows as f64 / raw_secs
    );
    println!("  ratio endpoint/direct time: {:.2}x", api_secs / raw_secs);
    println!("{latency}");
    println!("{logins}");
    Ok(())
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    sorted
        .get(((sorted.len() as f64 * p) as usize).min(sorted.len().saturating_sub(1)))
        .map_or(f64::NAN, |d| d.as_secs_f64() * 1000.0)
}

async fn login(http: &reqwest::Client, base: &str, user: &str, pw: &str) -> (u16, Duration) {
    let started = Instant::now();
    let status = http
        .post(format!("{base}/rest/v2/auth/login"))
        .json(&json!({"username": user, "password": pw}))
        .send()
        .await
        .map_or(0, |r| r.status().as_u16());
    (status, started.elapsed())
}

const BURST: usize = 40;

async fn login_figures(
    http: &reqwest::Client,
    base: &str,
    admin: &str,
) -> Result<String, Box<dyn std::error::Error>> {
    let mut out = String::from("logins (Argon2id m=19 MiB t=2, at most one per core at once):\n");
    // 1. Wrong passwords for one account, all at once.
    let burst: Vec<_> = (0..BURST)
        .map(|_| {
            let (http, base) = (http.clone(), base.to_owned());
            tokio::spawn(async move { login(&http, &base, demo::DEMO_HCP_LOGIN, "wrong").await })
        })
        .collect();
    let mut checked = Vec::new();
    let mut throttled = Vec::new();
    for t in burst {
        let (status, took) = t.await?;
        match status {
            401 => checked.push(took),
            429 => throttled.push(took),
            other => return Err(format!("unexpected login answer {other}").into()),
        }
    }
    checked.sort();
    throttled.sort();
    out.push_str(&format!(
        "  {BURST} wrong passwords at once, one account: {} checked (p50 {:.1} ms, max {:.1} ms), {} refused 429 unchecked (p50 {:.1} ms)\n",
        checked.len(),
        percentile(&checked, 0.5),
        checked.last().map_or(f64::NAN, |d| d.as_secs_f64() * 1000.0),
        throttled.len(),
        percentile(&throttled, 0.5),
    ));
    // 2. Right passwords for distinct accounts, all at once, /health meanwhile.
    let mut accounts = Vec::with_capacity(BURST);
    for i in 0..BURST {
        let email = format!("burst{i}@bench.example");
        let hcp: Value = http
            .post(format!("{base}/rest/v2/hcparty"))
            .bearer_auth(admin)
            .json(&json!({"firstName": "Burst", "lastName": format!("N{i}"),
                "addresses": [{"telecoms": [{"telecomType": "email", "telecomNumber": email}]}]}))
            .send()
            .await?
            .json()
            .await?;
        let user = hcp["userId"].as_str().ok_or("no user")?;
        http.put(format!("{base}/rest/v2/user/{user}/password"))
            .bearer_auth(admin)
            .json(&json!({"password": "burst password 123"}))
            .send()
            .await?
            .error_for_status()?;
        accounts.push(email);
    }
    let started = Instant::now();
    let burst: Vec<_> = accounts
        .iter()
        .map(|email| {
            let (http, base, email) = (http.clone(), base.to_owned(), email.clone());
            tokio::spawn(async move { login(&http, &base, &email, "burst password 123").await })
        })
        .collect();
    let mut health = Vec::new();
    while !burst.iter().all(|t| t.is_finished()) {
        let t0 = Instant::now();
        http.get(format!("{base}/health"))
            .send()
            .await?
            .error_for_status()?;
        health.push(t0.elapsed());
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let mut ok = Vec::new();
    for t in burst {
        let (status, took) = t.await?;
        if status != 200 {
            return Err(format!("a right password got {status}").into());
        }
        ok.push(took);
    }
    let wall = started.elapsed().as_secs_f64();
    ok.sort();
    health.sort();
    out.push_str(&format!(
        "  {BURST} right passwords at once, distinct accounts: p50 {:.1} ms, p99 {:.1} ms, all done in {:.2} s; /health meanwhile p50 {:.2} ms, max {:.2} ms (n={})\n",
        percentile(&ok, 0.5),
        percentile(&ok, 0.99),
        wall,
        percentile(&health, 0.5),
        health.last().map_or(f64::NAN, |d| d.as_secs_f64() * 1000.0),
        health.len()
    ));
    // 3. A wrong password: known account against unknown account, one at a time.
    let mut known = Vec::new();
    let mut unknown = Vec::new();
    for i in 0..8 {
        known.push(login(http, base, &accounts[i % BURST], "not it").await.1);
        unknown.push(
            login(http, base, &format!("nobody{i}@bench.example"), "not it")
                .await
                .1,
        );
    }
    known.sort();
    unknown.sort();
    out.push_str(&format!(
        "  a wrong password, one at a time (n=8 each): known account p50 {:.1} ms, unknown account p50 {:.1} ms\n",
        percentile(&known, 0.5),
        percentile(&unknown, 0.5)
    ));
    Ok(out)
}

const RATE_PER_S: u64 = 200;
const REQUESTS: usize = 2000;

/// GET list at a fixed rate for a bounded count: first pages, pages deep in
/// the database (by `startDocumentId`), and searches by name, in a fixed mix.
async fn list_latency(
    http: &reqwest::Client,
    base: &str,
    token: &str,
    ids: &[String],
) -> Result<String, Box<dyn std::error::Error>> {
    let kinds = ["first page", "deep page", "search"];
    let urls: Vec<(usize, String)> = (0..REQUESTS)
        .map(|i| match i % 10 {
            0..=5 => (0, format!("{base}/rest/v2/hcparty?limit=50")),
            6..=8 => {
                let start = ids.get((i * 7919) % ids.len().max(1)).map_or("", |s| s);
                (
                    1,
                    format!("{base}/rest/v2/hcparty?limit=50&startDocumentId={start}"),
                )
            }
            _ => (
                2,
                format!("{base}/rest/v2/hcparty?limit=50&search=family{}", i % 997),
            ),
        })
        .collect();
    let period = Duration::from_micros(1_000_000 / RATE_PER_S);
    let origin = tokio::time::Instant::now();
    let mut tasks = Vec::with_capacity(REQUESTS);
    for (n, (kind, url)) in urls.into_iter().enumerate() {
        let due = origin + period * n as u32;
        tokio::time::sleep_until(due).await;
        let req = http.get(url).bearer_auth(token);
        tasks.push(tokio::spawn(async move {
            let res = req.send().await;
            let ok = match res {
                Ok(r) => r.status().is_success() && r.bytes().await.is_ok(),
                Err(_) => false,
            };
            (kind, ok, due.elapsed())
        }));
    }
    let mut by_kind: Vec<Vec<Duration>> = vec![Vec::new(); kinds.len()];
    let mut all = Vec::with_capacity(REQUESTS);
    let mut failed = 0;
    for t in tasks {
        let (kind, ok, took) = t.await?;
        failed += usize::from(!ok);
        all.push(took);
        if let Some(v) = by_kind.get_mut(kind) {
            v.push(took);
        }
    }
    let wall = origin.elapsed().as_secs_f64();
    let mut out = format!(
        "GET list on {} HCPs, {REQUESTS} requests at {RATE_PER_S}/s ({wall:.1} s, {failed} failed):\n",
        ids.len()
    );
    for (name, v) in
        std::iter::once(("all", &mut all)).chain(kinds.iter().copied().zip(by_kind.iter_mut()))
    {
        v.sort();
        let pct = |p: f64| v.get(((v.len() as f64 * p) as usize).min(v.len().saturating_sub(1)));
        let ms = |d: Option<&Duration>| d.map_or(f64::NAN, |d| d.as_secs_f64() * 1000.0);
        out.push_str(&format!(
            "  {name:<10} n={:<5} p50 {:6.2} ms  p99 {:6.2} ms  max {:6.2} ms\n",
            v.len(),
            ms(pct(0.50)),
            ms(pct(0.99)),
            ms(v.last())
        ));
    }
    Ok(out)
}
