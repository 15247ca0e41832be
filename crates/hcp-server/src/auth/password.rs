//! Argon2id password hashing off the async workers: each derivation runs on
//! tokio's blocking pool, at most `parallel` at once (a burst of logins
//! queues here instead of stalling every other request), and a login for an
//! unknown account verifies against a dummy hash of the same cost, so its
//! answer takes as long as a known account's.

use std::sync::Arc;

use argon2::Argon2;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use tokio::sync::Semaphore;

use crate::error::ApiError;

pub struct Hasher {
    permits: Arc<Semaphore>,
    /// A hash nobody's password matches, with the real parameters.
    dummy: Arc<str>,
}

fn hash_now(password: &[u8]) -> Result<String, ApiError> {
    Argon2::default()
        .hash_password(password)
        .map(|h| h.to_string())
        .map_err(|e| ApiError::Internal(format!("password hashing: {e}")))
}

impl Hasher {
    /// `parallel` derivations at most at once (the number of cores is right:
    /// each one is a core's worth of memory-hard work).
    pub fn new(parallel: usize) -> Result<Hasher, ApiError> {
        let mut filler = [0u8; 32];
        getrandom::fill(&mut filler).map_err(|e| ApiError::Internal(format!("random: {e}")))?;
        Ok(Hasher {
            permits: Arc::new(Semaphore::new(parallel.max(1))),
            dummy: hash_now(&filler)?.into(),
        })
    }

    async fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, ApiError> {
        let _permit = self
            .permits
            .acquire()
            .await
            .map_err(|_| ApiError::Internal("the password hasher is closed".into()))?;
        tokio::task::spawn_blocking(work)
            .await
            .map_err(|e| ApiError::Internal(format!("password hashing task: {e}")))
    }

    pub async fn hash(&self, password: String) -> Result<String, ApiError> {
        self.run(move || hash_now(password.as_bytes())).await?
    }

    /// Whether `password` matches the stored hash; with no hash (no such
    /// account, or no password yet) it costs the same and answers false.
    pub async fn verify(&self, password: String, phc: Option<String>) -> Result<bool, ApiError> {
        let known = phc.is_some();
        let phc = phc.unwrap_or_else(|| self.dummy.to_string());
        let matches = self
            .run(move || {
                Argon2::default()
                    .verify_password(password.as_bytes(), phc.as_str())
                    .is_ok()
            })
            .await?;
        Ok(known && matches)
    }
}

/// A hash for code that is not serving a request (the demo seed, tests).
pub fn hash_blocking(password: &str) -> Result<String, ApiError> {
    hash_now(password.as_bytes())
}
