//! An SMTP sink on loopback for the tests: enough of RFC 5321 for a real
//! client (lettre) to deliver to it, keeping each message it accepted, and
//! able to refuse recipients to test the failure path.

use std::sync::{Arc, Mutex};

use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;

#[derive(Debug, Clone)]
pub struct Received {
    pub from: String,
    pub to: Vec<String>,
    pub data: String,
}

pub struct SmtpSink {
    pub url: String,
    pub received: Arc<Mutex<Vec<Received>>>,
    /// When gated: each message waits here for a permit before it is accepted.
    gate: Option<Arc<tokio::sync::Semaphore>>,
    waiting: Arc<std::sync::atomic::AtomicUsize>,
}

impl SmtpSink {
    /// Messages held at the gate now.
    pub fn waiting(&self) -> usize {
        self.waiting.load(std::sync::atomic::Ordering::SeqCst)
    }

    /// Lets every held message (and the next ones) through.
    pub fn release(&self) {
        if let Some(g) = &self.gate {
            g.add_permits(1000);
        }
    }
}

async fn reply(w: &mut tokio::net::tcp::OwnedWriteHalf, s: &str) -> bool {
    w.write_all(format!("{s}\r\n").as_bytes()).await.is_ok()
}

/// Starts the sink; recipients containing `refuse` get a 550.
pub async fn smtp_sink() -> SmtpSink {
    start(None).await
}

/// A sink that holds each message before accepting it, until `release()`.
pub async fn smtp_sink_gated() -> SmtpSink {
    start(Some(Arc::new(tokio::sync::Semaphore::new(0)))).await
}

async fn start(gate: Option<Arc<tokio::sync::Semaphore>>) -> SmtpSink {
    let waiting = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let (held, count) = (gate.clone(), waiting.clone());
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let received = Arc::new(Mutex::new(Vec::new()));
    let store = received.clone();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let store = store.clone();
            let (held, count) = (held.clone(), count.clone());
            tokio::spawn(async move {
                let (read, mut write) = stream.into_split();
                let mut lines = BufReader::new(read).lines();
                reply(&mut write, "220 sink ESMTP").await;
                let (mut from, mut to) = (String::new(), Vec::new());
                while let Ok(Some(line)) = lines.next_line().await {
                    let upper = line.to_ascii_uppercase();
                    let answer = if upper.starts_with("EHLO") || upper.starts_with("HELO") {
                        "250 sink"
                    } else if upper.starts_with("MAIL FROM:") {
                        from = line[10..].trim().to_owned();
                        "250 ok"
                    } else if upper.starts_with("RCPT TO:") {
                        let rcpt = line[8..].trim().to_owned();
                        if rcpt.contains("refuse") {
                            "550 no such mailbox"
                        } else {
                            to.push(rcpt);
                            "250 ok"
                        }
                    } else if upper == "DATA" {
                        reply(&mut write, "354 go ahead").await;
                        let mut data = String::new();
                        while let Ok(Some(l)) = lines.next_line().await {
                            if l == "." {
                                break;
                            }
                            data.push_str(l.strip_prefix('.').unwrap_or(&l));
                            data.push('\n');
                        }
                        if let Some(gate) = &held {
                            count.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                            let _ = gate.acquire().await.map(|p| p.forget());
                            count.fetch_sub(1, std::sync::atomic::Ordering::SeqCst);
                        }
                        store.lock().unwrap().push(Received {
                            from: std::mem::take(&mut from),
                            to: std::mem::take(&mut to),
                            data,
                        });
                        "250 queued"
                    } else if upper == "QUIT" {
                        reply(&mut write, "221 bye").await;
                        break;
                    } else if upper == "RSET" || upper == "NOOP" {
                        "250 ok"
                    } else {
                        "502 not implemented"
                    };
                    if !reply(&mut write, answer).await {
                        break;
                    }
                }
            });
        }
    });
    SmtpSink {
        url: format!("smtp://{addr}"),
        received,
        gate,
        waiting,
    }
}

/// The text of a message as a mail reader shows it: the body after the
/// headers, quoted-printable decoded when the headers say so (lettre picks
/// it for long lines, like the invitation link).
pub fn decode_body(data: &str) -> String {
    let (headers, body) = data.split_once("\n\n").unwrap_or(("", data));
    if !headers
        .to_ascii_lowercase()
        .contains("content-transfer-encoding: quoted-printable")
    {
        return body.to_owned();
    }
    let joined = body.replace("=\n", "");
    let bytes = joined.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok());
        match (bytes[i], hex.and_then(|h| u8::from_str_radix(h, 16).ok())) {
            (b'=', Some(b)) => {
                out.push(b);
                i += 3;
            }
            (c, _) => {
                out.push(c);
                i += 1;
            }
        }
    }
    String::from_utf8(out).unwrap()
}
