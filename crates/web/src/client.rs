//! The address a request comes from, for the limits that count per address. Behind a
//! reverse proxy every request arrives from the proxy, so the client is read from
//! `X-Forwarded-For` — but only when the peer is one of the proxies named with
//! `--trusted-proxy`; anyone else could write any address into that header.

use crate::AppState;
use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use ipnet::IpNet;
use std::net::{IpAddr, SocketAddr};

/// The client's address as the limits see it.
pub struct ClientIp(pub IpAddr);

impl FromRequestParts<AppState> for ClientIp {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map_or(IpAddr::from([127, 0, 0, 1]), |c| c.0.ip());
        let forwarded = parts
            .headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .collect::<Vec<_>>()
            .join(",");
        Ok(ClientIp(client_address(
            peer,
            &forwarded,
            &state.trusted_proxies,
        )))
    }
}

/// The peer itself unless it is a trusted proxy; then the right-most address in
/// `X-Forwarded-For` that is not a trusted proxy (each proxy appends the address it saw, so
/// the ones further left were written by the client and prove nothing). A header that does
/// not parse leaves the proxy's address: one shared limit, never a forged one.
#[must_use]
pub fn client_address(peer: IpAddr, forwarded: &str, trusted: &[IpNet]) -> IpAddr {
    let is_trusted = |a: &IpAddr| trusted.iter().any(|n| n.contains(a));
    if !is_trusted(&peer) {
        return peer;
    }
    let mut chosen = peer;
    for item in forwarded.rsplit(',') {
        let Some(a) = parse_hop(item.trim()) else {
            return chosen;
        };
        chosen = a;
        if !is_trusted(&a) {
            break;
        }
    }
    chosen
}

/// One hop as proxies write it: `1.2.3.4`, `1.2.3.4:5678`, `2001:db8::1`, `[2001:db8::1]:80`.
fn parse_hop(s: &str) -> Option<IpAddr> {
    s.parse::<IpAddr>()
        .ok()
        .or_else(|| s.parse::<SocketAddr>().ok().map(|a| a.ip()))
}

/// Parses `--trusted-proxy` values: CIDR blocks or single addresses.
///
/// # Errors
/// The value that is neither, named.
pub fn parse_trusted(values: &[String]) -> Result<Vec<IpNet>, String> {
    values
        .iter()
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(|v| {
            v.parse::<IpNet>()
                .or_else(|_| v.parse::<IpAddr>().map(IpNet::from))
                .map_err(|_| format!("--trusted-proxy '{v}' is not an address or CIDR block"))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().expect("ip")
    }

    #[test]
    fn forwarded_for_is_read_only_from_trusted_proxies() {
        let trusted = parse_trusted(&["10.0.0.0/8".into(), "::1".into()]).expect("parse");
        // Not a proxy: the header is the client's own word and is ignored.
        assert_eq!(
            client_address(ip("203.0.113.5"), "198.51.100.1", &trusted),
            ip("203.0.113.5")
        );
        // Through the proxy: the address the proxy saw.
        assert_eq!(
            client_address(ip("10.0.0.2"), "198.51.100.1", &trusted),
            ip("198.51.100.1")
        );
        // A client writing its own header first: the right-most untrusted hop counts.
        assert_eq!(
            client_address(ip("10.0.0.2"), "1.1.1.1, 198.51.100.1", &trusted),
            ip("198.51.100.1")
        );
        // Two proxies in a row, ports and brackets as proxies write them.
        assert_eq!(
            client_address(ip("::1"), "[2001:db8::7]:4711, 10.0.0.9:80", &trusted),
            ip("2001:db8::7")
        );
        // Garbage or nothing: the proxy's own address, never a made-up one.
        assert_eq!(
            client_address(ip("10.0.0.2"), "not-an-ip", &trusted),
            ip("10.0.0.2")
        );
        assert_eq!(client_address(ip("10.0.0.2"), "", &trusted), ip("10.0.0.2"));
        // No proxies configured: never read.
        assert_eq!(
            client_address(ip("10.0.0.2"), "198.51.100.1", &[]),
            ip("10.0.0.2")
        );
        assert!(parse_trusted(&["10.0.0.0/33".into()]).is_err());
        assert!(parse_trusted(&["proxy.local".into()]).is_err());
    }
}
