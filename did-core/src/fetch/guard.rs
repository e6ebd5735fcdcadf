//! The address guard: which URLs and IP addresses a fetch may reach, so that a DID or a
//! credential can never make avid call loopback, private-network or cloud-metadata endpoints
//! (server-side request forgery).
//!
//! The classification follows the IANA special-purpose address registries (RFC 6890 and the
//! RFCs that updated them). Anything not known to be globally reachable is refused: an SSRF
//! guard errs on the side of "no".

use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use url::{Host, Url};

use super::FetchPolicy;
use crate::excerpt::excerpt;

/// What an IP address is, as far as reaching it from a fetch is concerned.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum AddressClass {
    /// A globally reachable unicast address: the only class fetched by default.
    Public,
    /// `0.0.0.0/8` ("this network", RFC 1122 §3.2.1.3) and `::` (RFC 4291 §2.5.2). Never a
    /// destination; on Linux a connection to `0.0.0.0` reaches the local host.
    Unspecified,
    /// `127.0.0.0/8` (RFC 1122 §3.2.1.3) and `::1` (RFC 4291 §2.5.3): this machine.
    Loopback,
    /// Private networks: `10/8`, `172.16/12`, `192.168/16` (RFC 1918), unique local `fc00::/7`
    /// (RFC 4193) and the deprecated site-local `fec0::/10` (RFC 3879).
    Private,
    /// `100.64.0.0/10`, carrier-grade NAT (RFC 6598): another operator's private network.
    SharedAddressSpace,
    /// `169.254/16` (RFC 3927), which holds the cloud metadata service `169.254.169.254`,
    /// and `fe80::/10` (RFC 4291 §2.5.6).
    LinkLocal,
    /// `224/4` (RFC 5771) and `ff00::/8` (RFC 4291 §2.7). Never a destination.
    Multicast,
    /// `255.255.255.255` (RFC 919). Never a destination.
    Broadcast,
    /// Documentation ranges: TEST-NET-1/2/3 (RFC 5737), `2001:db8::/32` (RFC 3849) and
    /// `3fff::/20` (RFC 9637).
    Documentation,
    /// Benchmarking ranges: `198.18/15` (RFC 2544) and `2001:2::/48` (RFC 5180).
    Benchmarking,
    /// Everything else that is not globally reachable: IETF protocol assignments
    /// (`192.0.0.0/24`, `2001::/23`), the retired 6to4 relay anycast `192.88.99.0/24`
    /// (RFC 7526), `240/4` (RFC 1112), discard-only `100::/64` (RFC 6666), the NAT64 local-use
    /// prefix `64:ff9b:1::/48` (RFC 8215), IPv4-translated `::ffff:0:0:0/96` (RFC 2765) and the
    /// deprecated IPv4-compatible `::/96` (RFC 4291 §2.5.5.1).
    Reserved,
}

impl AddressClass {
    /// Whether the address is globally reachable.
    pub fn is_public(self) -> bool {
        self == AddressClass::Public
    }

    /// A phrase naming the class, for messages: "a loopback address".
    pub fn describe(self) -> &'static str {
        match self {
            AddressClass::Public => "a public address",
            AddressClass::Unspecified => "an unspecified (\"this host\") address",
            AddressClass::Loopback => "a loopback address",
            AddressClass::Private => "a private-network address",
            AddressClass::SharedAddressSpace => "a carrier-grade NAT address (100.64.0.0/10)",
            AddressClass::LinkLocal => {
                "a link-local address (the range of cloud metadata services)"
            }
            AddressClass::Multicast => "a multicast address",
            AddressClass::Broadcast => "the broadcast address",
            AddressClass::Documentation => "a documentation-only address",
            AddressClass::Benchmarking => "a benchmarking-only address",
            AddressClass::Reserved => "a reserved, not globally reachable address",
        }
    }

    /// Whether no policy can allow this class: these are never the address of a server.
    fn never_allowed(self) -> bool {
        matches!(
            self,
            AddressClass::Unspecified | AddressClass::Multicast | AddressClass::Broadcast
        )
    }
}

/// The class of `ip`. IPv6 forms that carry an IPv4 address (mapped, compatible, NAT64, 6to4)
/// are judged by the IPv4 address they reach, so `::ffff:127.0.0.1` is loopback.
pub fn classify(ip: IpAddr) -> AddressClass {
    match ip {
        IpAddr::V4(ip) => classify_v4(ip),
        IpAddr::V6(ip) => classify_v6(ip),
    }
}

fn classify_v4(ip: Ipv4Addr) -> AddressClass {
    if ip.is_broadcast() {
        return AddressClass::Broadcast;
    }
    match ip.octets() {
        [0, ..] => AddressClass::Unspecified,
        [10, ..] | [172, 16..=31, ..] | [192, 168, ..] => AddressClass::Private,
        [100, 64..=127, ..] => AddressClass::SharedAddressSpace,
        [127, ..] => AddressClass::Loopback,
        [169, 254, ..] => AddressClass::LinkLocal,
        [192, 0, 2, _] | [198, 51, 100, _] | [203, 0, 113, _] => AddressClass::Documentation,
        [198, 18..=19, ..] => AddressClass::Benchmarking,
        [192, 0, 0, _] | [192, 88, 99, _] | [240..=255, ..] => AddressClass::Reserved,
        [224..=239, ..] => AddressClass::Multicast,
        _ => AddressClass::Public,
    }
}

fn classify_v6(ip: Ipv6Addr) -> AddressClass {
    let segments = ip.segments();
    let embedded_v4 = |high: u16, low: u16| {
        let [a, b] = high.to_be_bytes();
        let [c, d] = low.to_be_bytes();
        Ipv4Addr::new(a, b, c, d)
    };
    match segments {
        [0, 0, 0, 0, 0, 0, 0, 0] => AddressClass::Unspecified,
        [0, 0, 0, 0, 0, 0, 0, 1] => AddressClass::Loopback,
        // RFC 4291 §2.5.5.2: IPv4-mapped; the socket reaches the IPv4 address itself.
        [0, 0, 0, 0, 0, 0xffff, high, low] => classify_v4(embedded_v4(high, low)),
        // RFC 4291 §2.5.5.1: IPv4-compatible, deprecated and never routed; report the IPv4
        // class where it is more telling than "reserved".
        [0, 0, 0, 0, 0, 0, high, low] => match classify_v4(embedded_v4(high, low)) {
            AddressClass::Public => AddressClass::Reserved,
            class => class,
        },
        // RFC 2765 §2.1: IPv4-translated.
        [0, 0, 0, 0, 0xffff, 0, _, _] => AddressClass::Reserved,
        // RFC 6052 §2.1: the NAT64 well-known prefix reaches the embedded IPv4 address.
        [0x64, 0xff9b, 0, 0, 0, 0, high, low] => classify_v4(embedded_v4(high, low)),
        // RFC 8215: NAT64 local-use prefix.
        [0x64, 0xff9b, 1, ..] => AddressClass::Reserved,
        // RFC 6666: discard-only.
        [0x100, 0, 0, 0, ..] => AddressClass::Reserved,
        // RFC 5180: benchmarking, inside the IETF protocol assignments below.
        [0x2001, 2, 0, ..] => AddressClass::Benchmarking,
        // RFC 3849 and RFC 9637: documentation.
        [0x2001, 0xdb8, ..] => AddressClass::Documentation,
        [0x3fff, second, ..] if second <= 0x0fff => AddressClass::Documentation,
        // RFC 6890 §2.2.3: IETF protocol assignments (Teredo, ORCHID, …), whose IPv4 ends this
        // guard cannot check.
        [0x2001, second, ..] if second < 0x200 => AddressClass::Reserved,
        // RFC 3056 §2: 6to4 reaches the embedded IPv4 site.
        [0x2002, high, low, ..] => match classify_v4(embedded_v4(high, low)) {
            AddressClass::Public => AddressClass::Public,
            class => class,
        },
        [first, ..] if first & 0xfe00 == 0xfc00 => AddressClass::Private,
        [first, ..] if first & 0xffc0 == 0xfec0 => AddressClass::Private,
        [first, ..] if first & 0xffc0 == 0xfe80 => AddressClass::LinkLocal,
        [first, ..] if first & 0xff00 == 0xff00 => AddressClass::Multicast,
        _ => AddressClass::Public,
    }
}

/// Why the guard refused a URL or an address.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum RefusalReason {
    /// The scheme is neither `https` nor `http`.
    UnsupportedScheme(String),
    /// Plain `http` while the policy asks for `https` only.
    PlainHttp,
    /// The URL carries user information (`user:password@`), which a public document never
    /// needs and which must not end up in logs.
    Credentials,
    /// The URL has no host.
    NoHost,
    /// The host is, or resolves to, an address the policy does not allow.
    Address {
        /// The host as written in the URL or asked of DNS.
        host: String,
        /// The offending address.
        ip: IpAddr,
        /// What kind of address it is.
        class: AddressClass,
    },
}

impl fmt::Display for RefusalReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RefusalReason::UnsupportedScheme(scheme) => write!(
                f,
                "the scheme \"{scheme}\" is not fetched; only https (and http where the fetch \
                 policy allows it) is"
            ),
            RefusalReason::PlainHttp => f.write_str(
                "plain http is refused; only https is fetched unless the fetch policy allows \
                 http (FetchPolicy::allow_http, or FetchPolicy::local_testing() for a test server)",
            ),
            RefusalReason::Credentials => {
                f.write_str("URLs with user information (user:password@) are not fetched")
            }
            RefusalReason::NoHost => f.write_str("the URL has no host"),
            RefusalReason::Address { host, ip, class } => {
                if host.trim_start_matches('[').trim_end_matches(']') == ip.to_string() {
                    write!(f, "{ip} is {}", class.describe())?;
                } else {
                    write!(f, "{host} resolves to {ip}, {}", class.describe())?;
                }
                match class {
                    _ if class.never_allowed() => f.write_str(", which is never fetched"),
                    AddressClass::Loopback => f.write_str(
                        "; loopback is fetched only when the fetch policy allows it \
                         (FetchPolicy::allow_loopback, or FetchPolicy::local_testing() for a \
                         test server)",
                    ),
                    _ => f.write_str(
                        "; only public addresses are fetched unless the fetch policy allows \
                         private addresses (FetchPolicy::allow_private_addresses)",
                    ),
                }
            }
        }
    }
}

/// Checks one address that a connection is about to be made to.
#[cfg_attr(not(feature = "web"), allow(dead_code))] // used by the HttpFetcher
pub(crate) fn check_ip(host: &str, ip: IpAddr, policy: &FetchPolicy) -> Result<(), RefusalReason> {
    let class = classify(ip);
    let allowed = match class {
        AddressClass::Public => true,
        _ if class.never_allowed() => false,
        AddressClass::Loopback => policy.allow_loopback || policy.allow_private_addresses,
        _ => policy.allow_private_addresses,
    };
    if allowed {
        Ok(())
    } else {
        Err(RefusalReason::Address {
            host: host.to_owned(),
            ip,
            class,
        })
    }
}

/// Checks a URL before a request, or a redirect before it is followed: the scheme, the absence
/// of credentials and, for an IP-literal host (which never goes through DNS, so the guarded
/// resolver never sees it), the address itself. Domain names are checked when they resolve.
#[cfg_attr(not(feature = "web"), allow(dead_code))] // used by the HttpFetcher
pub(crate) fn check_url(url: &Url, policy: &FetchPolicy) -> Result<(), RefusalReason> {
    match url.scheme() {
        "https" => {}
        "http" if policy.allow_http => {}
        "http" => return Err(RefusalReason::PlainHttp),
        other => return Err(RefusalReason::UnsupportedScheme(excerpt(other))),
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(RefusalReason::Credentials);
    }
    match url.host() {
        None => Err(RefusalReason::NoHost),
        Some(Host::Domain(_)) => Ok(()),
        Some(Host::Ipv4(ip)) => check_ip(&ip.to_string(), IpAddr::V4(ip), policy),
        Some(Host::Ipv6(ip)) => check_ip(&format!("[{ip}]"), IpAddr::V6(ip), policy),
    }
}

/// The URL as it may appear in messages and logs: without user information.
#[cfg_attr(not(feature = "web"), allow(dead_code))] // used by the HttpFetcher
pub(crate) fn display_url(url: &Url) -> String {
    if url.username().is_empty() && url.password().is_none() {
        return url.to_string();
    }
    let mut shown = url.clone();
    // Both only fail for URLs that cannot have credentials, which then have none to hide.
    let _ = shown.set_username("");
    let _ = shown.set_password(None);
    shown.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn class(text: &str) -> AddressClass {
        match text.parse::<IpAddr>() {
            Ok(ip) => classify(ip),
            Err(err) => panic!("test address {text}: {err}"),
        }
    }

    fn assert_class(class_expected: AddressClass, addresses: &[&str]) {
        for address in addresses {
            assert_eq!(class(address), class_expected, "{address}");
        }
    }

    #[test]
    fn classifies_public_addresses() {
        assert_class(
            AddressClass::Public,
            &[
                "1.1.1.1",
                "8.8.8.8",
                "9.255.255.255",
                "11.0.0.0",
                "100.63.255.255",
                "100.128.0.0",
                "126.255.255.255",
                "128.0.0.0",
                "169.253.255.255",
                "169.255.0.0",
                "172.15.255.255",
                "172.32.0.0",
                "192.0.1.1",
                "192.167.255.255",
                "192.169.0.0",
                "198.17.255.255",
                "198.20.0.0",
                "223.255.255.255",
                "2606:4700:4700::1111",
                "2a00:1450:4001::200e",
                "::ffff:8.8.8.8",
                "64:ff9b::808:808",
                "2002:808:808::1",
                "2001:200::1",
            ],
        );
    }

    #[test]
    fn classifies_unspecified_and_this_network() {
        assert_class(
            AddressClass::Unspecified,
            &[
                "0.0.0.0",
                "0.1.2.3",
                "0.255.255.255",
                "::",
                "::ffff:0.0.0.0",
            ],
        );
    }

    #[test]
    fn classifies_loopback() {
        assert_class(
            AddressClass::Loopback,
            &[
                "127.0.0.1",
                "127.0.0.0",
                "127.255.255.254",
                "127.1.2.3",
                "::1",
                "::ffff:127.0.0.1",
                "::127.0.0.1",
                "64:ff9b::7f00:1",
                "2002:7f00:1::",
            ],
        );
    }

    #[test]
    fn classifies_private_networks() {
        assert_class(
            AddressClass::Private,
            &[
                "10.0.0.0",
                "10.0.0.1",
                "10.255.255.255",
                "172.16.0.0",
                "172.20.1.1",
                "172.31.255.255",
                "192.168.0.0",
                "192.168.1.1",
                "192.168.255.255",
                "fc00::",
                "fd00::1",
                "fd00:ec2::254",
                "fdff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
                "fec0::1",
                "::ffff:10.0.0.1",
                "::ffff:172.16.0.1",
                "::ffff:192.168.1.1",
                "::10.0.0.1",
                "64:ff9b::a00:1",
                "2002:c0a8:101::1",
            ],
        );
    }

    #[test]
    fn classifies_carrier_grade_nat() {
        assert_class(
            AddressClass::SharedAddressSpace,
            &[
                "100.64.0.0",
                "100.64.0.1",
                "100.127.255.255",
                "::ffff:100.64.0.1",
            ],
        );
    }

    #[test]
    fn classifies_link_local_and_metadata() {
        assert_class(
            AddressClass::LinkLocal,
            &[
                "169.254.0.0",
                "169.254.169.254",
                "169.254.255.255",
                "fe80::1",
                "febf:ffff::1",
                "::ffff:169.254.169.254",
                "::169.254.169.254",
                "64:ff9b::a9fe:a9fe",
                "2002:a9fe:a9fe::",
            ],
        );
    }

    #[test]
    fn classifies_multicast_and_broadcast() {
        assert_class(
            AddressClass::Multicast,
            &[
                "224.0.0.1",
                "239.255.255.255",
                "ff02::1",
                "ff0e::1",
                "::ffff:224.0.0.1",
            ],
        );
        assert_class(
            AddressClass::Broadcast,
            &["255.255.255.255", "::ffff:255.255.255.255"],
        );
    }

    #[test]
    fn classifies_documentation_and_benchmarking() {
        assert_class(
            AddressClass::Documentation,
            &[
                "192.0.2.1",
                "198.51.100.7",
                "203.0.113.255",
                "2001:db8::1",
                "2001:db8:ffff::1",
                "3fff::1",
                "3fff:fff:ffff::1",
            ],
        );
        assert_class(
            AddressClass::Benchmarking,
            &["198.18.0.0", "198.19.255.255", "2001:2::1"],
        );
    }

    #[test]
    fn classifies_reserved() {
        assert_class(
            AddressClass::Reserved,
            &[
                "192.0.0.8",
                "192.88.99.1",
                "240.0.0.1",
                "254.255.255.255",
                "::8.8.8.8",
                "::ffff:0:8.8.8.8",
                "64:ff9b:1::1",
                "100::1",
                "2001::1",
                "2001:10::1",
                "2001:1ff::1",
            ],
        );
    }

    fn refused(host: &str, policy: &FetchPolicy) -> Option<AddressClass> {
        let ip = match host.parse::<IpAddr>() {
            Ok(ip) => ip,
            Err(err) => panic!("test address {host}: {err}"),
        };
        match check_ip(host, ip, policy) {
            Ok(()) => None,
            Err(RefusalReason::Address { class, .. }) => Some(class),
            Err(other) => panic!("unexpected refusal {other}"),
        }
    }

    #[test]
    fn default_policy_allows_only_public_addresses() {
        let policy = FetchPolicy::default();
        assert_eq!(refused("93.184.215.14", &policy), None);
        assert_eq!(refused("2606:4700::1", &policy), None);
        for host in [
            "127.0.0.1",
            "::1",
            "10.0.0.1",
            "169.254.169.254",
            "fe80::1",
            "::ffff:10.0.0.1",
            "100.64.0.1",
            "0.0.0.0",
        ] {
            assert!(refused(host, &policy).is_some(), "{host}");
        }
    }

    #[test]
    fn allow_loopback_allows_loopback_and_nothing_else() {
        let policy = FetchPolicy {
            allow_loopback: true,
            ..FetchPolicy::default()
        };
        assert_eq!(refused("127.0.0.1", &policy), None);
        assert_eq!(refused("::1", &policy), None);
        assert_eq!(refused("::ffff:127.0.0.1", &policy), None);
        assert_eq!(refused("10.0.0.1", &policy), Some(AddressClass::Private));
        assert_eq!(
            refused("169.254.169.254", &policy),
            Some(AddressClass::LinkLocal)
        );
        assert_eq!(refused("0.0.0.0", &policy), Some(AddressClass::Unspecified));
    }

    #[test]
    fn allow_private_never_allows_unspecified_multicast_or_broadcast() {
        let policy = FetchPolicy {
            allow_private_addresses: true,
            ..FetchPolicy::default()
        };
        assert_eq!(refused("10.0.0.1", &policy), None);
        assert_eq!(refused("127.0.0.1", &policy), None);
        assert_eq!(refused("fd00::1", &policy), None);
        assert_eq!(refused("0.0.0.0", &policy), Some(AddressClass::Unspecified));
        assert_eq!(refused("::", &policy), Some(AddressClass::Unspecified));
        assert_eq!(refused("224.0.0.1", &policy), Some(AddressClass::Multicast));
        assert_eq!(
            refused("255.255.255.255", &policy),
            Some(AddressClass::Broadcast)
        );
    }

    fn url(text: &str) -> Url {
        match Url::parse(text) {
            Ok(url) => url,
            Err(err) => panic!("test URL {text}: {err}"),
        }
    }

    #[test]
    fn rejects_plain_http_unless_allowed() {
        let policy = FetchPolicy::default();
        assert_eq!(
            check_url(&url("http://example.com/"), &policy),
            Err(RefusalReason::PlainHttp)
        );
        assert_eq!(check_url(&url("https://example.com/"), &policy), Ok(()));
        let http = FetchPolicy {
            allow_http: true,
            ..FetchPolicy::default()
        };
        assert_eq!(check_url(&url("http://example.com/"), &http), Ok(()));
    }

    #[test]
    fn rejects_other_schemes() {
        let policy = FetchPolicy::local_testing();
        for text in [
            "file:///etc/passwd",
            "ftp://example.com/",
            "gopher://example.com/",
        ] {
            assert!(
                matches!(
                    check_url(&url(text), &policy),
                    Err(RefusalReason::UnsupportedScheme(_))
                ),
                "{text}"
            );
        }
    }

    #[test]
    fn rejects_credentials_in_url_and_hides_them() {
        let with_password = url("https://alice:hunter2@example.com/did.json");
        assert_eq!(
            check_url(&with_password, &FetchPolicy::default()),
            Err(RefusalReason::Credentials)
        );
        assert_eq!(
            check_url(&url("https://alice@example.com/"), &FetchPolicy::default()),
            Err(RefusalReason::Credentials)
        );
        let shown = display_url(&with_password);
        assert!(
            !shown.contains("hunter2") && !shown.contains("alice"),
            "{shown}"
        );
    }

    #[test]
    fn rejects_ip_literal_forms_of_loopback() {
        // The URL parser normalises every IPv4 spelling (RFC 3986 §7.4, WHATWG URL host
        // parsing) before the guard sees it.
        let policy = FetchPolicy {
            allow_http: true,
            ..FetchPolicy::default()
        };
        for text in [
            "http://127.0.0.1/",
            "http://2130706433/",
            "http://0x7f.1/",
            "http://0177.0.0.1/",
            "http://127.1/",
            "http://[::1]/",
            "http://[::ffff:7f00:1]/",
            "http://[0:0:0:0:0:ffff:127.0.0.1]/",
        ] {
            assert!(
                matches!(
                    check_url(&url(text), &policy),
                    Err(RefusalReason::Address {
                        class: AddressClass::Loopback,
                        ..
                    })
                ),
                "{text}"
            );
        }
    }

    #[test]
    fn refusal_says_how_to_allow_loopback() {
        let reason = check_url(&url("https://127.0.0.1/"), &FetchPolicy::default())
            .err()
            .map(|reason| reason.to_string())
            .unwrap_or_default();
        assert!(reason.contains("loopback"), "{reason}");
        assert!(reason.contains("local_testing"), "{reason}");
    }
}
