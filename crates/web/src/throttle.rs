//! Log-in throttling: wrong passwords for one account buy a growing wait before the next
//! try (never a lock-out that would let anyone shut the office out), one network address
//! gets a limited number of tries, and password hashing runs on a small bounded pool, so a
//! flood of log-ins queues and is told to retry instead of growing memory without bound.
//! Kept in memory: a restart forgets it, which only ever allows a few more tries.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

/// Wrong passwords for one account allowed before waiting starts.
pub const FREE_FAILURES: u32 = 5;
/// The longest wait after wrong passwords, in seconds.
pub const MAX_WAIT_S: u64 = 60;
/// Log-in tries one address may make: 30 at once, then one a second.
pub const TRIES_PER_ADDRESS: (u32, u64) = (30, 1);
/// Passwords hashed at the same time (argon2 takes ~19 MiB each).
pub const HASHERS: usize = 2;
/// How long a log-in waits for a hasher before it is told to retry.
const HASH_QUEUE: Duration = Duration::from_secs(5);

pub struct LoginGuard {
    failures: Mutex<HashMap<String, (u32, Instant)>>,
    by_address: DefaultKeyedRateLimiter<IpAddr>,
    pub hashers: Arc<tokio::sync::Semaphore>,
}

impl Default for LoginGuard {
    fn default() -> Self {
        let quota = Quota::with_period(Duration::from_secs(TRIES_PER_ADDRESS.1))
            .unwrap_or_else(|| Quota::per_second(std::num::NonZeroU32::MIN))
            .allow_burst(
                std::num::NonZeroU32::new(TRIES_PER_ADDRESS.0).unwrap_or(std::num::NonZeroU32::MIN),
            );
        LoginGuard {
            failures: Mutex::new(HashMap::new()),
            by_address: RateLimiter::keyed(quota),
            hashers: Arc::new(tokio::sync::Semaphore::new(HASHERS)),
        }
    }
}

/// The wait owed after `failures` wrong passwords in a row: none for the first few, then
/// doubling from one second up to [`MAX_WAIT_S`].
#[must_use]
pub fn wait_after(failures: u32) -> Duration {
    if failures < FREE_FAILURES {
        return Duration::ZERO;
    }
    let doubling = (failures - FREE_FAILURES).min(16);
    Duration::from_secs((1u64 << doubling).min(MAX_WAIT_S))
}

impl LoginGuard {
    /// May this address try this account now? `Err` holds the seconds to wait.
    ///
    /// # Errors
    /// The seconds to wait before trying again.
    pub fn admit(&self, username: &str, address: IpAddr) -> Result<(), u64> {
        if self
            .by_address
            .check_key(&crate::tips::desk::network(address))
            .is_err()
        {
            return Err(TRIES_PER_ADDRESS.1);
        }
        let failures = self.failures.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some((n, last)) = failures.get(&key(username)) {
            let owed = wait_after(*n);
            let waited = last.elapsed();
            if let Some(left) = owed.checked_sub(waited).filter(|d| !d.is_zero()) {
                return Err(left.as_secs().max(1));
            }
        }
        Ok(())
    }

    /// Records a wrong password for the account.
    pub fn failed(&self, username: &str) {
        let mut failures = self.failures.lock().unwrap_or_else(PoisonError::into_inner);
        // Bounded memory: names no one tried for an hour are forgotten.
        if failures.len() > 10_000 {
            failures.retain(|_, (_, last)| last.elapsed() < Duration::from_hours(1));
        }
        let entry = failures.entry(key(username)).or_insert((0, Instant::now()));
        entry.0 = entry.0.saturating_add(1);
        entry.1 = Instant::now();
    }

    /// A right password clears the account's count.
    pub fn succeeded(&self, username: &str) {
        self.failures
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .remove(&key(username));
    }

    /// A hasher, or `None` when the queue did not move in time.
    pub async fn hasher(&self) -> Option<tokio::sync::OwnedSemaphorePermit> {
        tokio::time::timeout(HASH_QUEUE, self.hashers.clone().acquire_owned())
            .await
            .ok()?
            .ok()
    }
}

fn key(username: &str) -> String {
    username.trim().to_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_grow_and_stop_growing() {
        assert_eq!(wait_after(0), Duration::ZERO);
        assert_eq!(wait_after(FREE_FAILURES - 1), Duration::ZERO);
        assert_eq!(wait_after(FREE_FAILURES), Duration::from_secs(1));
        assert_eq!(wait_after(FREE_FAILURES + 3), Duration::from_secs(8));
        assert_eq!(wait_after(300), Duration::from_secs(MAX_WAIT_S));
    }

    #[test]
    fn wrong_passwords_make_the_account_wait_then_a_right_one_clears_it() {
        let g = LoginGuard::default();
        let a: IpAddr = "192.0.2.9".parse().expect("ip");
        for _ in 0..FREE_FAILURES {
            assert_eq!(g.admit("office", a), Ok(()));
            g.failed("office");
        }
        assert!(
            g.admit("Office ", a).is_err(),
            "the same account however typed"
        );
        assert_eq!(
            g.admit("town01", a),
            Ok(()),
            "other accounts are not held up"
        );
        g.succeeded("office");
        assert_eq!(g.admit("office", a), Ok(()));
    }
}
