//! `hcp-server`: configuration by flags or environment, then serve until Ctrl+C.

use std::path::PathBuf;

use clap::Parser;
use hcp_server::{AppState, StaticDirs, auth, db, demo, mail};

#[derive(Debug, Parser)]
#[command(
    version,
    about = "Reference HCP backend for hcp-kit (iCure-compatible /rest/v2 subset)"
)]
struct Args {
    /// Address to listen on.
    #[arg(long, env = "HCP_LISTEN", default_value = "127.0.0.1:8080")]
    listen: String,
    /// SQLite file path, `:memory:`, or a postgres:// URL.
    #[arg(long, env = "DATABASE_URL", default_value = "hcp.sqlite")]
    database_url: String,
    /// File holding the JWT signing secret; servers behind one load balancer
    /// must share it. Without it a random secret is made at each start.
    #[arg(long, env = "HCP_JWT_SECRET_FILE")]
    jwt_secret_file: Option<PathBuf>,
    /// Directory of the admin page.
    #[arg(long, env = "HCP_WWW", default_value = "www")]
    www: PathBuf,
    /// Directory of the built wasm package.
    #[arg(long, env = "HCP_PKG", default_value = "pkg")]
    pkg: PathBuf,
    /// SMTP server for invitation e-mails (`smtp://host:25`,
    /// `smtp://user:pass@host:587?tls=required`, `smtps://host:465`). Without
    /// it, e-mails wait in the outbox (`GET /rest/v2/admin/outbox`).
    #[arg(long, env = "HCP_SMTP_URL")]
    smtp_url: Option<String>,
    /// Sender of the e-mails.
    #[arg(
        long,
        env = "HCP_MAIL_FROM",
        default_value = "hcp-kit <no-reply@hcp-kit.invalid>"
    )]
    mail_from: String,
    /// Origins of other sites whose pages may call this API (comma-separated;
    /// `*` for any). The admin page served here needs none.
    #[arg(long, env = "HCP_CORS_ORIGINS", value_delimiter = ',')]
    cors_origins: Vec<String>,
    /// The address people open the page at (`https://hcp.example.org`): links
    /// in invitation e-mails point there, never at a request's Host header.
    /// Default: `http://` and the listen address.
    #[arg(long, env = "HCP_PUBLIC_URL")]
    public_url: Option<String>,
    /// Lifetime of access tokens in seconds (clients refresh them).
    #[arg(long, env = "HCP_ACCESS_TOKEN_TTL", default_value_t = auth::ACCESS_TTL_SECS,
          value_parser = clap::value_parser!(i64).range(1..=86_400))]
    access_token_ttl: i64,
    /// Address of the operator's Prometheus endpoint (`GET /metrics`), kept
    /// off the public address. Without it, no metrics are served.
    #[arg(long, env = "HCP_METRICS_LISTEN")]
    metrics_listen: Option<String>,
    /// Load balancers or proxies (IP addresses, comma-separated) whose
    /// `X-Forwarded-For` names the client, for the login throttle's
    /// per-address count.
    #[arg(long, env = "HCP_TRUSTED_PROXY", value_delimiter = ',')]
    trusted_proxy: Vec<std::net::IpAddr>,
    /// Log lines as text for people or as JSON objects for log shippers.
    #[arg(long, env = "HCP_LOG_FORMAT", value_enum, default_value_t = LogFormat::Text)]
    log_format: LogFormat,
    /// Seed a demo database (an administrator, an organization, a few HCPs) and print the login.
    #[arg(long)]
    demo: bool,
    /// With `--demo`: where to write the demo HCP's keypair file (default:
    /// beside the SQLite file, or in the temporary directory).
    #[arg(long, env = "HCP_DEMO_KEY_FILE")]
    demo_key_file: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum LogFormat {
    Text,
    Json,
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args = Args::parse();
    let filter =
        tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into());
    match args.log_format {
        LogFormat::Text => tracing_subscriber::fmt().with_env_filter(filter).init(),
        LogFormat::Json => tracing_subscriber::fmt()
            .json()
            .flatten_event(true)
            .with_current_span(true)
            .with_span_list(false)
            .with_env_filter(filter)
            .init(),
    }
    let secret = match &args.jwt_secret_file {
        Some(path) => std::fs::read(path)?,
        None => auth::random_secret()?.into_bytes(),
    };
    if secret.len() < 32 {
        return Err("the JWT secret must be at least 32 bytes".into());
    }
    let pool = db::connect(&args.database_url).await?;
    let demo_key = args.demo_key_file.clone().unwrap_or_else(|| {
        let db = std::path::Path::new(&args.database_url);
        match db.parent() {
            Some(dir) if !args.database_url.contains(':') && dir.is_dir() => {
                dir.join("demo-hcp-keypair.json")
            }
            _ => std::env::temp_dir().join("hcp-kit-demo-hcp-keypair.json"),
        }
    });
    if args.demo {
        demo::seed(&pool).await?;
        demo::write_hcp_key(&pool, &demo_key).await?;
    }
    let mut state = AppState::new(pool, secret)?
        .with_cors_origins(args.cors_origins)
        .with_trusted_proxies(args.trusted_proxy);
    state.access_ttl_secs = args.access_token_ttl;
    if let Some(url) = &args.public_url {
        if !(url.starts_with("http://") || url.starts_with("https://")) {
            return Err("--public-url must start with http:// or https://".into());
        }
        state = state.with_public_url(url);
    }
    if let Some(url) = &args.smtp_url {
        state = state.with_mailer(mail::Mailer::new(url, &args.mail_from)?);
    }
    let statics = StaticDirs {
        www: Some(args.www),
        pkg: Some(args.pkg),
    };
    let metrics = match &args.metrics_listen {
        Some(listen) => Some(hcp_server::start_metrics(listen, &state).await?),
        None => None,
    };
    let running = hcp_server::start(&args.listen, state, statics).await?;
    println!("hcp-kit is running: open http://{}/", running.addr);
    if let Some(m) = &metrics {
        println!("metrics: http://{}/metrics", m.addr);
    }
    if args.demo {
        println!("demo login: {} / {}", demo::DEMO_LOGIN, demo::DEMO_PASSWORD);
        println!(
            "demo HCP user: {} / {}",
            demo::DEMO_HCP_LOGIN,
            demo::DEMO_HCP_PASSWORD
        );
        println!(
            "demo HCP keypair file: {} (passphrase: {})",
            demo_key.display(),
            demo::DEMO_KEY_PASSPHRASE
        );
        println!("data owners' page: http://{}/care.html", running.addr);
    }
    shutdown_signal().await?;
    tracing::info!("shutting down");
    let _ = running.shutdown.send(());
    if let Some(m) = metrics {
        let _ = m.shutdown.send(());
    }
    running.task.await??;
    Ok(())
}

/// Ctrl+C, or SIGTERM from a service manager: stop accepting, finish what is in flight.
async fn shutdown_signal() -> std::io::Result<()> {
    #[cfg(unix)]
    {
        let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())?;
        tokio::select! {
            r = tokio::signal::ctrl_c() => r,
            _ = term.recv() => Ok(()),
        }
    }
    #[cfg(not(unix))]
    tokio::signal::ctrl_c().await
}
