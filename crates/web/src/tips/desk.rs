//! The public desk's guards (R4 abuse): rate limits per network address and per device, a
//! county-wide ceiling, and a small pool of writers, so a flood of tips is answered clearly
//! and never slows the office's pages. Limits live in memory: a restart forgets them, which
//! only ever lets a few more tips through.

use std::net::IpAddr;
use std::num::NonZeroU32;
use std::sync::Arc;
use std::time::Duration;

use governor::{DefaultDirectRateLimiter, DefaultKeyedRateLimiter, Quota, RateLimiter};

/// Tips one network address may send: 5 at once, then one every 2 minutes.
pub const TIPS_PER_ADDRESS: (u32, u64) = (5, 120);
/// Tips one device may send: 3 at once, then one every 5 minutes.
pub const TIPS_PER_DEVICE: (u32, u64) = (3, 300);
/// Tracking look-ups one address may make: 20 at once, then one every 3 seconds.
pub const LOOKUPS_PER_ADDRESS: (u32, u64) = (20, 3);
/// Tracking look-ups the whole county answers: 60 at once, then 20 a second — a guesser
/// spreading over many addresses meets this.
pub const LOOKUPS_COUNTY_WIDE: (u32, u32) = (60, 20);
/// Tips the whole county takes: 20 at once, then 5 a second.
pub const TIPS_COUNTY_WIDE: (u32, u32) = (20, 5);
/// Public writes at the same time; the rest wait briefly, then are told to retry.
pub const PUBLIC_WRITERS: usize = 2;

fn nz(n: u32) -> NonZeroU32 {
    NonZeroU32::new(n).unwrap_or(NonZeroU32::MIN)
}

fn every(burst: u32, secs: u64) -> Quota {
    Quota::with_period(Duration::from_secs(secs))
        .unwrap_or_else(|| Quota::per_second(nz(1)))
        .allow_burst(nz(burst))
}

/// Why a public request is turned away, and when to try again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    Address { retry_after_s: u64 },
    Device { retry_after_s: u64 },
    Busy { retry_after_s: u64 },
}

pub struct Desk {
    by_address: DefaultKeyedRateLimiter<IpAddr>,
    by_device: DefaultKeyedRateLimiter<String>,
    lookups: DefaultKeyedRateLimiter<IpAddr>,
    lookups_county: DefaultDirectRateLimiter,
    county: DefaultDirectRateLimiter,
    pub writers: Arc<tokio::sync::Semaphore>,
}

impl Default for Desk {
    fn default() -> Self {
        Desk {
            by_address: RateLimiter::keyed(every(TIPS_PER_ADDRESS.0, TIPS_PER_ADDRESS.1)),
            by_device: RateLimiter::keyed(every(TIPS_PER_DEVICE.0, TIPS_PER_DEVICE.1)),
            lookups: RateLimiter::keyed(every(LOOKUPS_PER_ADDRESS.0, LOOKUPS_PER_ADDRESS.1)),
            lookups_county: RateLimiter::direct(
                Quota::per_second(nz(LOOKUPS_COUNTY_WIDE.1)).allow_burst(nz(LOOKUPS_COUNTY_WIDE.0)),
            ),
            county: RateLimiter::direct(
                Quota::per_second(nz(TIPS_COUNTY_WIDE.1)).allow_burst(nz(TIPS_COUNTY_WIDE.0)),
            ),
            writers: Arc::new(tokio::sync::Semaphore::new(PUBLIC_WRITERS)),
        }
    }
}

/// The unit a limit counts: an IPv4 address, or an IPv6 /64 (one household or phone gets a
/// whole /64 and can change the rest at will).
pub(crate) fn network(address: IpAddr) -> IpAddr {
    match address {
        IpAddr::V4(_) => address,
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                IpAddr::V4(v4)
            } else {
                let s = v6.segments();
                IpAddr::V6(std::net::Ipv6Addr::new(s[0], s[1], s[2], s[3], 0, 0, 0, 0))
            }
        }
    }
}

fn wait_s(n: &governor::NotUntil<governor::clock::QuantaInstant>) -> u64 {
    use governor::clock::Clock;
    n.wait_time_from(governor::clock::DefaultClock::default().now())
        .as_secs()
        .max(1)
}

impl Desk {
    /// May this address and device send a tip now, and may the county take one? Counts the
    /// tip when allowed.
    ///
    /// # Errors
    /// The refusal with the seconds to wait.
    pub fn admit_tip(&self, address: IpAddr, device: Option<&str>) -> Result<(), Refusal> {
        self.admit_sender(address, device)?;
        self.admit_county()
    }

    /// The sender's own limits: per address and per device.
    ///
    /// # Errors
    /// The refusal with the seconds to wait.
    pub fn admit_sender(&self, address: IpAddr, device: Option<&str>) -> Result<(), Refusal> {
        self.by_address
            .check_key(&network(address))
            .map_err(|n| Refusal::Address {
                retry_after_s: wait_s(&n),
            })?;
        if let Some(d) = device {
            self.by_device
                .check_key(&d.to_string())
                .map_err(|n| Refusal::Device {
                    retry_after_s: wait_s(&n),
                })?;
        }
        Ok(())
    }

    /// The county-wide ceiling: spent only by tips that passed every cheap check, so
    /// refused junk (a picture bomb measured from its header) never uses up what honest
    /// citizens need.
    ///
    /// # Errors
    /// The refusal with the seconds to wait.
    pub fn admit_county(&self) -> Result<(), Refusal> {
        self.county.check().map_err(|n| Refusal::Busy {
            retry_after_s: wait_s(&n),
        })
    }

    /// May this address look a tip up now?
    ///
    /// # Errors
    /// The refusal with the seconds to wait.
    pub fn admit_lookup(&self, address: IpAddr) -> Result<(), Refusal> {
        self.lookups
            .check_key(&network(address))
            .map_err(|n| Refusal::Address {
                retry_after_s: wait_s(&n),
            })?;
        self.lookups_county.check().map_err(|n| Refusal::Busy {
            retry_after_s: wait_s(&n),
        })
    }

    /// Forgets addresses and devices idle long enough to be full again (bounded memory).
    pub fn tidy(&self) {
        self.by_address.retain_recent();
        self.by_device.retain_recent();
        self.lookups.retain_recent();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_address_and_a_device_are_limited_apart() {
        let desk = Desk::default();
        let a: IpAddr = "192.0.2.1".parse().expect("ip");
        let b: IpAddr = "192.0.2.2".parse().expect("ip");
        for _ in 0..TIPS_PER_DEVICE.0 {
            assert_eq!(desk.admit_tip(a, Some("phone-1")), Ok(()));
        }
        // The same phone from another network is still the same phone.
        assert!(
            matches!(desk.admit_tip(b, Some("phone-1")), Err(Refusal::Device { retry_after_s }) if retry_after_s > 60)
        );
        // Another phone on the first network has two of the address's five left.
        assert_eq!(desk.admit_tip(a, Some("phone-2")), Ok(()));
        assert_eq!(desk.admit_tip(a, Some("phone-3")), Ok(()));
        assert!(matches!(
            desk.admit_tip(a, Some("phone-4")),
            Err(Refusal::Address { .. })
        ));
    }

    #[test]
    fn an_ipv6_network_counts_as_one_address() {
        let desk = Desk::default();
        for i in 0..LOOKUPS_PER_ADDRESS.0 {
            let a: IpAddr = format!("2001:db8:1:2::{:x}", i + 1).parse().expect("ip");
            assert_eq!(desk.admit_lookup(a), Ok(()));
        }
        let same_64: IpAddr = "2001:db8:1:2:ffff::1".parse().expect("ip");
        assert!(matches!(
            desk.admit_lookup(same_64),
            Err(Refusal::Address { .. })
        ));
        let other_64: IpAddr = "2001:db8:1:3::1".parse().expect("ip");
        assert_eq!(desk.admit_lookup(other_64), Ok(()));
    }

    #[test]
    fn lookups_from_many_addresses_meet_a_ceiling() {
        let desk = Desk::default();
        let mut refused = 0;
        for i in 0..(LOOKUPS_COUNTY_WIDE.0 + 50) {
            let a: IpAddr = format!("198.51.{}.{}", i / 250, i % 250 + 1)
                .parse()
                .expect("ip");
            if matches!(desk.admit_lookup(a), Err(Refusal::Busy { .. })) {
                refused += 1;
            }
        }
        assert!(refused >= 40, "one address each, still limited: {refused}");
    }
}
