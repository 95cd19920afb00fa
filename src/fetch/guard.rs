//! The SSRF guard: which addresses a public-facing fetcher may connect to.
//!
//! Every connection the HTTP client makes goes through [`GuardedResolver`], which drops
//! forbidden addresses from each DNS answer, so a hostname that resolves (or rebinds, or
//! redirects) to an internal address is never contacted. Literal IP hosts skip DNS, so
//! [`check_url`] vets them: before the first request and on every redirect hop.

use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use url::{Host, Url};

/// A URL or DNS answer pointed at an address the guard forbids.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Forbidden(pub String);

impl fmt::Display for Forbidden {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Forbidden {}

/// True for addresses a public service must never fetch: loopback, private, link-local,
/// unique-local, unspecified, multicast, broadcast and other non-public ranges.
pub fn is_forbidden(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => is_forbidden_v4(v4),
        IpAddr::V6(v6) => is_forbidden_v6(v6),
    }
}

fn is_forbidden_v4(ip: Ipv4Addr) -> bool {
    let [a, b, ..] = ip.octets();
    ip.is_loopback()
        || ip.is_private()
        || ip.is_link_local()
        || ip.is_multicast()
        || ip.is_broadcast()
        // 0.0.0.0/8 ("this network"): Linux connects 0.x.x.x to the local host.
        || a == 0
        // 100.64.0.0/10, carrier-grade NAT: internal to the provider's network.
        || (a == 100 && (64..128).contains(&b))
        // 240.0.0.0/4, reserved.
        || a >= 240
}

fn is_forbidden_v6(ip: Ipv6Addr) -> bool {
    let seg = ip.segments();
    // IPv4-mapped (::ffff:a.b.c.d) and NAT64 (64:ff9b::a.b.c.d) addresses reach the
    // embedded IPv4 address, so they are judged by it.
    if let Some(v4) = ip.to_ipv4_mapped() {
        return is_forbidden_v4(v4);
    }
    if seg[..6] == [0x64, 0xff9b, 0, 0, 0, 0] {
        return is_forbidden_v4(embedded_v4(ip));
    }
    // Deprecated IPv4-compatible addresses (::a.b.c.d), other than :: and ::1 themselves.
    if seg[..6] == [0; 6] && !ip.is_unspecified() && !ip.is_loopback() {
        return is_forbidden_v4(embedded_v4(ip));
    }
    ip.is_loopback()
        || ip.is_unspecified()
        || ip.is_multicast()
        || (seg[0] & 0xfe00) == 0xfc00 // fc00::/7 unique-local
        || (seg[0] & 0xffc0) == 0xfe80 // fe80::/10 link-local
        || (seg[0] & 0xffc0) == 0xfec0 // fec0::/10 site-local (deprecated, still routed inside)
}

fn embedded_v4(ip: Ipv6Addr) -> Ipv4Addr {
    let o = ip.octets();
    Ipv4Addr::new(o[12], o[13], o[14], o[15])
}

/// Checks a URL's host when it is a literal IP address (which bypasses DNS); hostnames
/// pass here and are vetted by [`GuardedResolver`] when connecting.
pub fn check_url(url: &Url) -> Result<(), Forbidden> {
    let ip = match url.host() {
        Some(Host::Ipv4(v4)) => IpAddr::V4(v4),
        Some(Host::Ipv6(v6)) => IpAddr::V6(v6),
        _ => return Ok(()),
    };
    if is_forbidden(ip) {
        return Err(Forbidden(format!(
            "{url} points at {ip}, a non-public address"
        )));
    }
    Ok(())
}

/// Keeps the allowed addresses of a DNS answer; fails when none is left.
pub fn vet_addrs(host: &str, addrs: Vec<SocketAddr>) -> Result<Vec<SocketAddr>, Forbidden> {
    let first = addrs.first().map(|a| a.ip());
    let allowed: Vec<SocketAddr> = addrs
        .into_iter()
        .filter(|a| !is_forbidden(a.ip()))
        .collect();
    match (allowed.is_empty(), first) {
        (false, _) => Ok(allowed),
        (true, Some(ip)) => Err(Forbidden(format!(
            "{host} resolves to {ip}, a non-public address"
        ))),
        (true, None) => Err(Forbidden(format!("{host} has no public address"))),
    }
}

/// A DNS resolver for reqwest that never hands out a forbidden address.
#[derive(Debug, Clone, Default)]
pub struct GuardedResolver;

impl Resolve for GuardedResolver {
    fn resolve(&self, name: Name) -> Resolving {
        Box::pin(async move {
            let host = name.as_str().to_string();
            let found: Vec<SocketAddr> =
                tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            let allowed = vet_addrs(&host, found)?;
            Ok(Box::new(allowed.into_iter()) as Addrs)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn forbidden_ranges() {
        for s in [
            "127.0.0.1",
            "127.255.0.9",
            "10.1.2.3",
            "172.16.0.1",
            "172.31.255.255",
            "192.168.1.1",
            "169.254.169.254",
            "0.0.0.0",
            "0.1.2.3",
            "224.0.0.1",
            "239.255.255.250",
            "255.255.255.255",
            "100.64.0.1",
            "240.0.0.1",
            "::1",
            "::",
            "fe80::1",
            "fc00::1",
            "fd12:3456::1",
            "fec0::1",
            "ff02::1",
            "::ffff:127.0.0.1",
            "::ffff:10.0.0.1",
            "::ffff:169.254.169.254",
            "::127.0.0.1",
            "64:ff9b::a9fe:a9fe",
        ] {
            assert!(is_forbidden(ip(s)), "{s} should be forbidden");
        }
    }

    #[test]
    fn public_addresses_pass() {
        for s in [
            "93.184.216.34",
            "8.8.8.8",
            "172.32.0.1",
            "100.128.0.1",
            "1.1.1.1",
            "2606:4700:4700::1111",
            "2001:db8::1",
            "::ffff:93.184.216.34",
            "64:ff9b::808:808",
        ] {
            assert!(!is_forbidden(ip(s)), "{s} should be allowed");
        }
    }

    #[test]
    fn literal_hosts_in_urls() {
        for u in [
            "http://127.0.0.1:8080/",
            "http://[::1]/",
            "http://[::ffff:7f00:1]/x",
            "http://0x7f000001/",
            "http://2130706433/",
            "http://169.254.169.254/latest/meta-data/",
            "https://[fd00::2]/",
        ] {
            assert!(check_url(&Url::parse(u).unwrap()).is_err(), "{u}");
        }
        for u in [
            "http://example.com/",
            "http://93.184.216.34/",
            "http://localhost/",
        ] {
            // Hostnames are left to the resolver.
            assert!(check_url(&Url::parse(u).unwrap()).is_ok(), "{u}");
        }
    }

    #[test]
    fn dns_answers_are_filtered() {
        let a = |s: &str| SocketAddr::new(ip(s), 0);
        // A rebinding answer mixing public and private addresses keeps only the public one.
        assert_eq!(
            vet_addrs("mixed.test", vec![a("10.0.0.1"), a("93.184.216.34")]).unwrap(),
            vec![a("93.184.216.34")]
        );
        assert!(vet_addrs("internal.test", vec![a("127.0.0.1"), a("::1")]).is_err());
        assert!(vet_addrs("none.test", vec![]).is_err());
    }

    #[tokio::test]
    async fn resolver_refuses_localhost() {
        let name: Name = "localhost".parse().unwrap();
        let err = match GuardedResolver.resolve(name).await {
            Ok(addrs) => panic!("localhost resolved to {:?}", addrs.collect::<Vec<_>>()),
            Err(e) => e,
        };
        assert!(err.downcast_ref::<Forbidden>().is_some(), "{err}");
    }
}
