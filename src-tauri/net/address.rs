//! Which addresses Relais will talk to: https anywhere; plain http only to this computer
//! (local test servers, self-hosted bridges), where nothing travels on a network.

use std::net::IpAddr;

use url::{Host, Url};

use super::Error;

/// Checked before the first request and on every redirect, so a server cannot downgrade
/// the connection. Errors never repeat a user name or password.
pub fn check_allowed(url: &Url) -> Result<(), Error> {
    match url.scheme() {
        "https" => Ok(()),
        "http" if is_loopback(url) => Ok(()),
        "http" => Err(Error::NotHttps {
            url: without_credentials(url),
        }),
        scheme => Err(Error::NotWeb {
            url: without_credentials(url),
            scheme: scheme.to_owned(),
        }),
    }
}

/// A server's address as a volunteer types it ("mastodon.social", "https://piaille.fr",
/// " bsky.social/ ") made whole: https when no scheme is given, and a trailing slash so
/// API paths join under it rather than replace its last segment.
pub fn server_address(text: &str) -> Option<Url> {
    let text = text.trim();
    if text.is_empty() || text.chars().any(char::is_whitespace) {
        return None;
    }
    let text = if text.contains("://") {
        text.to_owned()
    } else {
        format!("https://{text}")
    };
    let mut url = Url::parse(&text).ok()?;
    url.host_str()?;
    if !url.path().ends_with('/') {
        let path = format!("{}/", url.path());
        url.set_path(&path);
    }
    url.set_query(None);
    url.set_fragment(None);
    Some(url)
}

/// `url` as it may be shown: no user name, no password.
pub fn without_credentials(url: &Url) -> String {
    let mut shown = url.clone();
    let _ = shown.set_username("");
    let _ = shown.set_password(None);
    shown.as_str().to_owned()
}

pub fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(Host::Domain(name)) => name.eq_ignore_ascii_case("localhost"),
        Some(Host::Ipv4(ip)) => IpAddr::V4(ip).is_loopback(),
        Some(Host::Ipv6(ip)) => IpAddr::V6(ip).is_loopback(),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn allowed(text: &str) -> bool {
        check_allowed(&Url::parse(text).unwrap()).is_ok()
    }

    #[test]
    fn a_server_typed_without_its_scheme_is_an_https_address_with_a_trailing_slash() {
        let shown = |text: &str| server_address(text).map(|url| url.to_string());
        assert_eq!(
            shown("mastodon.social").as_deref(),
            Some("https://mastodon.social/")
        );
        assert_eq!(
            shown(" https://piaille.fr ").as_deref(),
            Some("https://piaille.fr/")
        );
        assert_eq!(
            shown("https://example.org/masto").as_deref(),
            Some("https://example.org/masto/")
        );
        assert_eq!(
            shown("http://127.0.0.1:3000").as_deref(),
            Some("http://127.0.0.1:3000/")
        );
        assert_eq!(shown(""), None);
        assert_eq!(shown("mon serveur"), None);
    }

    #[test]
    fn https_anywhere_and_plain_http_only_on_this_computer() {
        assert!(allowed("https://kits.example.org/a/"));
        assert!(allowed("http://127.0.0.1:8080/"));
        assert!(allowed("http://[::1]/"));
        assert!(allowed("http://localhost/"));
        assert!(!allowed("http://192.168.1.10/"));
        assert!(!allowed("http://example.org/"));
        assert!(!allowed("ftp://example.org/"));
    }

    #[test]
    fn refusals_never_repeat_a_password() {
        let error = check_allowed(&Url::parse("http://camille:s3cret@example.org/kit/").unwrap())
            .unwrap_err();
        assert!(!error.to_string().contains("s3cret"), "{error}");
    }
}
