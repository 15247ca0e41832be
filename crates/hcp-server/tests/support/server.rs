//! The real server on loopback with a real database (a SQLite file, or a
//! fresh database on the PostgreSQL that `HCP_TEST_POSTGRES` names), seeded
//! with the demo data, driven over HTTP.

use hcp_server::{AppState, StaticDirs, db, demo};
use reqwest::StatusCode;
use serde_json::{Value, json};

pub struct Server {
    pub base: String,
    pub http: reqwest::Client,
    /// The server's own database, for what the API does not show.
    pub pool: sqlx::AnyPool,
    /// The state the server runs with (its metrics, its throttle).
    pub state: AppState,
    _dir: TempDir,
    running: Option<hcp_server::Running>,
}

struct TempDir(std::path::PathBuf);
impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

impl Server {
    pub async fn start() -> Server {
        Server::start_with(|state| state).await
    }

    pub async fn start_with(configure: impl FnOnce(AppState) -> AppState) -> Server {
        Server::start_serving(configure, |_| StaticDirs::default()).await
    }

    /// `statics` gets the test's own directory to put files in.
    pub async fn start_serving(
        configure: impl FnOnce(AppState) -> AppState,
        statics: impl FnOnce(&std::path::Path) -> StaticDirs,
    ) -> Server {
        Server::start_at(None, configure, statics).await
    }

    /// On the database `url` names (`None`: the test's, see `database_url`).
    pub async fn start_at(
        url: Option<String>,
        configure: impl FnOnce(AppState) -> AppState,
        statics: impl FnOnce(&std::path::Path) -> StaticDirs,
    ) -> Server {
        let dir = std::env::temp_dir().join(format!("hcp-server-test-{}", uuid_like()));
        std::fs::create_dir_all(&dir).unwrap();
        let url = match url {
            Some(u) => u,
            None => database_url(&dir).await,
        };
        let pool = db::connect(&url).await.unwrap();
        demo::seed(&pool).await.unwrap();
        let state = configure(
            AppState::new(
                pool.clone(),
                b"test-secret-test-secret-test-secret!".to_vec(),
            )
            .unwrap(),
        );
        let running = hcp_server::start("127.0.0.1:0", state.clone(), statics(&dir))
            .await
            .unwrap();
        Server {
            base: format!("http://{}", running.addr),
            http: reqwest::Client::new(),
            pool,
            state,
            _dir: TempDir(dir),
            running: Some(running),
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub async fn login(&self, username: &str, password: &str) -> (StatusCode, Value) {
        let r = self
            .http
            .post(self.url("/rest/v2/auth/login"))
            .json(&json!({"username": username, "password": password}))
            .send()
            .await
            .unwrap();
        (r.status(), r.json().await.unwrap_or(Value::Null))
    }

    /// A logged-in session: its access and refresh tokens.
    pub async fn session(&self, username: &str, password: &str) -> Session {
        let (status, body) = self.login(username, password).await;
        assert_eq!(status, StatusCode::OK, "login of {username}: {body}");
        Session {
            token: body["token"].as_str().unwrap().to_owned(),
            refresh: body["refreshToken"].as_str().unwrap().to_owned(),
        }
    }

    /// `POST /rest/v2/auth/refresh` with a refresh token.
    pub async fn refresh(&self, refresh: &str) -> (StatusCode, Value) {
        let r = self
            .http
            .post(self.url("/rest/v2/auth/refresh"))
            .header("Refresh-Token", refresh)
            .send()
            .await
            .unwrap();
        (r.status(), r.json().await.unwrap_or(Value::Null))
    }

    /// The status a request with this access token gets on a route any
    /// logged-in user may call.
    pub async fn probe(&self, token: &str) -> StatusCode {
        self.call(reqwest::Method::GET, "/rest/v2/user/current", token, None)
            .await
            .0
    }

    pub async fn admin_token(&self) -> String {
        let (status, body) = self.login(demo::DEMO_LOGIN, demo::DEMO_PASSWORD).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        body["token"].as_str().unwrap().to_owned()
    }

    pub async fn call(
        &self,
        method: reqwest::Method,
        path: &str,
        token: &str,
        body: Option<Value>,
    ) -> (StatusCode, Value) {
        let mut req = self.http.request(method, self.url(path)).bearer_auth(token);
        if let Some(b) = body {
            req = req.json(&b);
        }
        let r = req.send().await.unwrap();
        (r.status(), r.json().await.unwrap_or(Value::Null))
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(r) = self.running.take() {
            let _ = r.shutdown.send(());
        }
    }
}

/// A fresh database for one test: a SQLite file in `dir`, or, when
/// `HCP_TEST_POSTGRES` names a PostgreSQL server (an admin URL), a new
/// database created on it, so the same tests prove both backends.
pub async fn database_url(dir: &std::path::Path) -> String {
    let Ok(admin) = std::env::var("HCP_TEST_POSTGRES") else {
        return dir.join("db.sqlite").to_str().unwrap().to_owned();
    };
    new_postgres_database(&admin).await
}

/// A new, empty database on the PostgreSQL server `admin` names.
pub async fn new_postgres_database(admin: &str) -> String {
    sqlx::any::install_default_drivers();
    let name = format!("hcp_test_{}", uuid_like().replace('-', "_").to_lowercase());
    let pool = sqlx::AnyPool::connect(admin).await.unwrap();
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(&pool)
        .await
        .unwrap();
    pool.close().await;
    let (base, _) = admin.rsplit_once('/').unwrap();
    format!("{base}/{name}")
}

pub fn uuid_like() -> String {
    format!("{}-{:?}", std::process::id(), std::thread::current().id()).replace(['(', ')'], "")
        + &std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos()
            .to_string()
}

pub fn person(first: &str, last: &str, email: &str, phone: Option<&str>) -> Value {
    let mut telecoms = vec![json!({"telecomType": "email", "telecomNumber": email})];
    if let Some(p) = phone {
        telecoms.push(json!({"telecomType": "mobile", "telecomNumber": p}));
    }
    json!({"firstName": first, "lastName": last, "addresses": [{"addressType": "work", "telecoms": telecoms}]})
}

#[derive(Debug, Clone)]
pub struct Session {
    pub token: String,
    pub refresh: String,
}
