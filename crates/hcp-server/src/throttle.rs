//! The login throttle: attempts per account and per client address (an IPv6
//! client per /64, the block one subscriber gets) in a fixed window. An
//! attempt is counted, atomically, before its password is checked: N
//! concurrent guesses are numbered 1..N and only those within the allowance
//! reach Argon2. The counts live in the database, so every server process
//! sees the same ones, and old windows are pruned, so the table stays small.

use std::net::IpAddr;

use sqlx::Row;

use crate::AppState;
use crate::auth::now_ms;
use crate::error::{ApiError, ApiResult};

pub struct Throttle {
    /// Attempts per account in a window (a success clears them).
    pub per_account: i64,
    /// Attempts per address in a window (a success gives its attempt back).
    pub per_address: i64,
    pub window_ms: i64,
}

impl Default for Throttle {
    fn default() -> Self {
        Throttle {
            per_account: 10,
            per_address: 50,
            window_ms: 5 * 60 * 1000,
        }
    }
}

/// The throttle key of an account.
pub fn account_key(login: &str) -> String {
    format!("account:{login}")
}

/// The throttle key of a client address: IPv4 as is (also when mapped into
/// IPv6), IPv6 by its /64.
pub fn address_key(ip: IpAddr) -> String {
    match ip {
        IpAddr::V4(v4) => format!("ip:{v4}"),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => format!("ip:{v4}"),
            None => {
                let s = v6.segments();
                format!("ip6:{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
            }
        },
    }
}

/// The client a login comes from: the TCP peer, or, when the peer is a
/// trusted proxy, the right-most address of `X-Forwarded-For` that is not
/// one (entries further left were written by the client and prove nothing).
pub fn client_ip(peer: IpAddr, forwarded_for: Option<&str>, trusted: &[IpAddr]) -> IpAddr {
    let is_trusted = |ip: &IpAddr| trusted.contains(ip);
    if !is_trusted(&peer) {
        return peer;
    }
    let Some(header) = forwarded_for else {
        return peer;
    };
    header
        .rsplit(',')
        .map(|entry| entry.trim().parse::<IpAddr>())
        .take_while(Result::is_ok)
        .flatten()
        .find(|ip| !is_trusted(ip))
        .unwrap_or(peer)
}

impl Throttle {
    /// Counts one attempt for `key`; `Err(TooManyRequests)` when it is over
    /// `max` in the current window (the attempt must then not be checked).
    pub async fn count(&self, st: &AppState, key: &str, max: i64) -> ApiResult<()> {
        let now = now_ms();
        let row = sqlx::query(
            "INSERT INTO login_throttle (key, window_start, attempts) VALUES ($1, $2, 1) \
             ON CONFLICT (key) DO UPDATE SET \
               attempts = CASE WHEN login_throttle.window_start <= $3 THEN 1 ELSE login_throttle.attempts + 1 END, \
               window_start = CASE WHEN login_throttle.window_start <= $3 THEN $2 ELSE login_throttle.window_start END \
             RETURNING attempts, window_start",
        )
        .bind(key)
        .bind(now)
        .bind(now - self.window_ms)
        .fetch_one(&st.pool)
        .await?;
        let attempts: i64 = row.try_get("attempts")?;
        let start: i64 = row.try_get("window_start")?;
        if attempts > max {
            let wait_ms = (start + self.window_ms - now).max(1000);
            return Err(ApiError::TooManyRequests(
                u64::try_from((wait_ms + 999) / 1000).unwrap_or(1),
            ));
        }
        Ok(())
    }

    /// A login succeeded: the account starts afresh, the address gets its attempt back.
    pub async fn succeeded(&self, st: &AppState, account: &str, address: &str) -> ApiResult<()> {
        sqlx::query("DELETE FROM login_throttle WHERE key = $1")
            .bind(account)
            .execute(&st.pool)
            .await?;
        sqlx::query(
            "UPDATE login_throttle SET attempts = attempts - 1 WHERE key = $1 AND attempts > 0",
        )
        .bind(address)
        .execute(&st.pool)
        .await?;
        Ok(())
    }

    /// Forgets windows that are over.
    pub async fn prune(&self, st: &AppState) -> ApiResult<u64> {
        let done = sqlx::query("DELETE FROM login_throttle WHERE window_start <= $1")
            .bind(now_ms() - self.window_ms)
            .execute(&st.pool)
            .await?;
        Ok(done.rows_affected())
    }
}

#[cfg(test)]
mod forwarded_tests {
    use super::client_ip;
    use std::net::IpAddr;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap_or(IpAddr::from([0, 0, 0, 0]))
    }

    #[test]
    fn only_a_trusted_peer_may_name_the_client() {
        let lb = [ip("10.0.0.1")];
        assert_eq!(
            client_ip(ip("10.0.0.1"), Some("1.2.3.4"), &lb),
            ip("1.2.3.4")
        );
        // A client cannot pass itself off as another by writing the header.
        assert_eq!(
            client_ip(ip("5.6.7.8"), Some("1.2.3.4"), &lb),
            ip("5.6.7.8")
        );
        // What the client wrote is left of what the balancer appended.
        assert_eq!(
            client_ip(ip("10.0.0.1"), Some("9.9.9.9, 1.2.3.4"), &lb),
            ip("1.2.3.4")
        );
        assert_eq!(
            client_ip(ip("10.0.0.1"), Some("1.2.3.4, 10.0.0.1"), &lb),
            ip("1.2.3.4")
        );
        // Garbage at the right end: the balancer's own address counts.
        assert_eq!(
            client_ip(ip("10.0.0.1"), Some("1.2.3.4, junk"), &lb),
            ip("10.0.0.1")
        );
        assert_eq!(client_ip(ip("10.0.0.1"), None, &lb), ip("10.0.0.1"));
    }
}

#[cfg(test)]
mod tests {
    use super::address_key;

    #[test]
    fn ipv6_counts_per_64_and_mapped_ipv4_as_ipv4() {
        let a = address_key("2001:db8:1:2:aaaa::1".parse().unwrap());
        let b = address_key("2001:db8:1:2:ffff:1:2:3".parse().unwrap());
        let c = address_key("2001:db8:1:3::1".parse().unwrap());
        assert_eq!(a, b);
        assert_ne!(a, c);
        assert_eq!(a, "ip6:2001:db8:1:2::/64");
        assert_eq!(
            address_key("::ffff:192.0.2.7".parse().unwrap()),
            address_key("192.0.2.7".parse().unwrap())
        );
    }
}
