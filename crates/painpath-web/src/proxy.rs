//! Which address a request came from, as the per-address sign-in limit counts it.
//!
//! Behind a reverse proxy every request arrives from the proxy's own address, so every person
//! would share one sign-in limit: thirty wrong passwords from anyone would lock out everyone. A
//! proxy says who its client was in `X-Forwarded-For`, but anyone can send that header, so it is
//! believed only from the proxies the clinic names (`PAINPATH_TRUSTED_PROXIES`, design.md 17),
//! and then read from the right: each trusted hop appends the address it received the request
//! from, so the rightmost address that is not itself a trusted proxy is the client. Anything a
//! client wrote further left is never reached.

use std::net::IpAddr;
use std::str::FromStr;

use axum::http::HeaderMap;

/// An address, or a block of addresses in CIDR notation (`10.0.0.0/8`, `::1`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct IpBlock {
    network: IpAddr,
    prefix: u8,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IpBlockError(String);

impl std::fmt::Display for IpBlockError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "expected an IP address or a CIDR block such as 10.0.0.0/8 or ::1 (got {:?})",
            self.0
        )
    }
}

impl std::error::Error for IpBlockError {}

impl FromStr for IpBlock {
    type Err = IpBlockError;

    fn from_str(text: &str) -> Result<IpBlock, IpBlockError> {
        let bad = || IpBlockError(text.to_owned());
        let (addr, prefix) = match text.trim().split_once('/') {
            Some((a, p)) => (a, Some(p)),
            None => (text.trim(), None),
        };
        let network: IpAddr = addr.parse().map_err(|_| bad())?;
        let max = if network.is_ipv4() { 32 } else { 128 };
        let prefix = match prefix {
            None => max,
            Some(p) => p.parse::<u8>().ok().filter(|p| *p <= max).ok_or_else(bad)?,
        };
        Ok(IpBlock { network, prefix })
    }
}

impl IpBlock {
    pub fn contains(&self, ip: IpAddr) -> bool {
        // An IPv4 client seen over IPv6 (`::ffff:192.0.2.1`) is the same client.
        let ip = match ip {
            IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
            v4 => v4,
        };
        match (self.network, ip) {
            (IpAddr::V4(n), IpAddr::V4(a)) => {
                let mask = u32::MAX
                    .checked_shl(32 - u32::from(self.prefix))
                    .unwrap_or(0);
                u32::from(n) & mask == u32::from(a) & mask
            }
            (IpAddr::V6(n), IpAddr::V6(a)) => {
                let mask = u128::MAX
                    .checked_shl(128 - u32::from(self.prefix))
                    .unwrap_or(0);
                u128::from(n) & mask == u128::from(a) & mask
            }
            _ => false,
        }
    }
}

/// Parses a comma- or space-separated list of addresses and blocks, naming the first bad one.
pub fn parse_list(text: &str) -> Result<Vec<IpBlock>, IpBlockError> {
    text.split(|c: char| c == ',' || c.is_whitespace())
        .filter(|s| !s.is_empty())
        .map(str::parse)
        .collect()
}

/// The client's address: the peer itself, unless the peer is a trusted proxy, in which case the
/// rightmost address in `X-Forwarded-For` that is not a trusted proxy. With no usable header, the
/// peer (the proxy) is all that is known.
pub fn client_address(peer: IpAddr, headers: &HeaderMap, trusted: &[IpBlock]) -> IpAddr {
    let is_trusted = |ip: IpAddr| trusted.iter().any(|b| b.contains(ip));
    if !is_trusted(peer) {
        return peer;
    }
    let hops: Vec<&str> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .collect();
    let mut client = peer;
    for hop in hops.iter().rev() {
        let Some(ip) = parse_hop(hop) else {
            // Unreadable: the hop before it (a trusted proxy) is the last address we can vouch for.
            break;
        };
        client = ip;
        if !is_trusted(ip) {
            break;
        }
    }
    client
}

/// One `X-Forwarded-For` entry: an address, perhaps with a port (`192.0.2.1:4711`,
/// `[2001:db8::1]:4711`).
fn parse_hop(hop: &str) -> Option<IpAddr> {
    if let Ok(ip) = hop.parse() {
        return Some(ip);
    }
    if let Some(rest) = hop.strip_prefix('[') {
        return rest.split_once(']').and_then(|(a, _)| a.parse().ok());
    }
    hop.rsplit_once(':').and_then(|(a, _)| a.parse().ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(xff: &[&str]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for v in xff {
            h.append("x-forwarded-for", v.parse().unwrap());
        }
        h
    }

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn blocks_match_their_addresses_only() {
        let b: IpBlock = "10.0.0.0/8".parse().unwrap();
        assert!(b.contains(ip("10.1.2.3")));
        assert!(!b.contains(ip("11.0.0.1")));
        assert!(b.contains(ip("::ffff:10.9.9.9")));
        let one: IpBlock = "127.0.0.1".parse().unwrap();
        assert!(one.contains(ip("127.0.0.1")) && !one.contains(ip("127.0.0.2")));
        let v6: IpBlock = "2001:db8::/32".parse().unwrap();
        assert!(v6.contains(ip("2001:db8::1")) && !v6.contains(ip("2001:db9::1")));
        assert!(
            "0.0.0.0/0"
                .parse::<IpBlock>()
                .unwrap()
                .contains(ip("203.0.113.9"))
        );
        for bad in ["", "10.0.0.0/33", "proxy.local", "10.0.0.0/x", "::1/129"] {
            assert!(bad.parse::<IpBlock>().is_err(), "{bad:?}");
        }
        assert_eq!(parse_list("127.0.0.1, 10.0.0.0/8 ::1").unwrap().len(), 3);
        assert!(parse_list("127.0.0.1, nonsense").is_err());
    }

    #[test]
    fn without_trusted_proxies_the_header_is_ignored() {
        let h = headers(&["203.0.113.5"]);
        assert_eq!(
            client_address(ip("198.51.100.1"), &h, &[]),
            ip("198.51.100.1")
        );
    }

    #[test]
    fn from_a_trusted_proxy_the_rightmost_untrusted_address_is_the_client() {
        let trusted = parse_list("127.0.0.1, 10.0.0.0/8").unwrap();
        // The client forged an address on the left; the proxy appended the real one.
        let h = headers(&["1.2.3.4, 203.0.113.5"]);
        assert_eq!(
            client_address(ip("127.0.0.1"), &h, &trusted),
            ip("203.0.113.5")
        );
        // Two proxies: the inner one's address is skipped.
        let h = headers(&["203.0.113.5, 10.0.0.7"]);
        assert_eq!(
            client_address(ip("127.0.0.1"), &h, &trusted),
            ip("203.0.113.5")
        );
        // Several header lines count as one list, in order; ports are allowed.
        let h = headers(&["203.0.113.5:5000", "[2001:db8::9]:443"]);
        assert_eq!(
            client_address(ip("127.0.0.1"), &h, &trusted),
            ip("2001:db8::9")
        );
    }

    #[test]
    fn a_request_not_from_a_trusted_proxy_cannot_choose_its_address() {
        let trusted = parse_list("10.0.0.0/8").unwrap();
        let h = headers(&["10.0.0.1"]);
        assert_eq!(
            client_address(ip("203.0.113.5"), &h, &trusted),
            ip("203.0.113.5")
        );
    }

    #[test]
    fn an_unreadable_or_missing_header_leaves_the_last_address_known() {
        let trusted = parse_list("127.0.0.1").unwrap();
        assert_eq!(
            client_address(ip("127.0.0.1"), &HeaderMap::new(), &trusted),
            ip("127.0.0.1")
        );
        let h = headers(&["203.0.113.5, garbage"]);
        assert_eq!(
            client_address(ip("127.0.0.1"), &h, &trusted),
            ip("127.0.0.1")
        );
    }
}
