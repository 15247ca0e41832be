//! Outgoing e-mail through SMTP (lettre). Configured by a URL such as
//! `smtp://host:25` (plain, as local relays and test sinks speak),
//! `smtp://user:pass@host:587?tls=required` (STARTTLS) or `smtps://host:465`;
//! without one, messages go to the outbox table instead.

use lettre::message::Mailbox;
use lettre::message::header::ContentType;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use crate::error::ApiError;

pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

impl Mailer {
    pub fn new(smtp_url: &str, from: &str) -> Result<Mailer, String> {
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(smtp_url)
            .map_err(|e| format!("SMTP URL: {e}"))?
            .timeout(Some(std::time::Duration::from_secs(20)))
            .build();
        let from = from
            .parse()
            .map_err(|e| format!("sender address {from:?}: {e}"))?;
        Ok(Mailer { transport, from })
    }

    /// Sends one plain-text message; the error names the recipient, never the body
    /// (which may hold a one-time token).
    pub async fn send(&self, to: &str, subject: &str, body: String) -> Result<(), ApiError> {
        let to: Mailbox = to
            .parse()
            .map_err(|e| ApiError::BadRequest(format!("cannot e-mail {to:?}: {e}")))?;
        let message = Message::builder()
            .from(self.from.clone())
            .to(to.clone())
            .subject(subject)
            .header(ContentType::TEXT_PLAIN)
            .body(body)
            .map_err(|e| ApiError::Internal(format!("building the e-mail: {e}")))?;
        self.transport.send(message).await.map_err(|e| {
            tracing::warn!(to = %to, error = %e, "SMTP delivery failed");
            ApiError::BadGateway(format!("the mail server refused the e-mail to {to}: {e}"))
        })?;
        Ok(())
    }
}
