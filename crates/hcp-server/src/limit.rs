//! Failed-login throttling, per account and per client address: after too
//! many failures in a window, further attempts get 429 until the window
//! slides. In memory, so per server process.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::{Duration, Instant};

pub struct FailureLimiter {
    window: Duration,
    max: usize,
    failures: Mutex<HashMap<String, VecDeque<Instant>>>,
}

impl FailureLimiter {
    pub fn new(max: usize, window: Duration) -> FailureLimiter {
        FailureLimiter {
            window,
            max,
            failures: Mutex::new(HashMap::new()),
        }
    }

    /// `Err(seconds to wait)` when `key` has used up its failures.
    pub fn check(&self, key: &str) -> Result<(), u64> {
        let now = Instant::now();
        let mut map = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        let Some(times) = map.get_mut(key) else {
            return Ok(());
        };
        while times
            .front()
            .is_some_and(|t| now.duration_since(*t) >= self.window)
        {
            times.pop_front();
        }
        match times.front() {
            Some(oldest) if times.len() >= self.max => Err(self
                .window
                .saturating_sub(now.duration_since(*oldest))
                .as_secs()
                .max(1)),
            _ => Ok(()),
        }
    }

    pub fn fail(&self, key: &str) {
        let mut map = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        // Bound memory under a spray of distinct keys: forget the oldest half.
        if map.len() > 100_000 {
            let now = Instant::now();
            map.retain(|_, t| {
                t.back()
                    .is_some_and(|last| now.duration_since(*last) < self.window)
            });
        }
        map.entry(key.to_owned())
            .or_default()
            .push_back(Instant::now());
    }

    pub fn forget(&self, key: &str) {
        self.failures
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(key);
    }
}
