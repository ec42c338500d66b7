//! The address of a kit folder on a web server, and the only schemes Relais will fetch.

use std::net::IpAddr;

use url::{Host, Url};

use super::Error;

/// A kit folder's address: https (or plain http to this computer only), no credentials,
/// always ending in `/` so file names join beneath it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KitUrl(Url);

impl KitUrl {
    /// Accepts the folder address, or the address of its kit.json (what people copy
    /// from a browser).
    pub fn parse(text: &str) -> Result<Self, Error> {
        let text = text.trim();
        let mut url = Url::parse(text).map_err(|error| Error::UrlInvalid {
            url: without_user_info(text),
            detail: error.to_string(),
        })?;
        // Before anything that could repeat the address in a message or a log.
        if !url.username().is_empty() || url.password().is_some() {
            return Err(Error::UrlCredentials {
                url: format!("{}://{}", url.scheme(), url.host_str().unwrap_or_default()),
            });
        }
        check_allowed(&url)?;
        url.set_fragment(None);
        url.set_query(None);
        let path = url.path().to_owned();
        let folder = match path.strip_suffix(super::super::MANIFEST_FILE) {
            Some(folder) if folder.ends_with('/') => folder.to_owned(),
            _ if path.ends_with('/') => path,
            _ => format!("{path}/"),
        };
        url.set_path(&folder);
        Ok(Self(url))
    }

    pub fn as_str(&self) -> &str {
        self.0.as_str()
    }

    pub fn host(&self) -> &str {
        self.0.host_str().unwrap_or_default()
    }

    /// The address of `relative` (a kit.json file path, `/`-separated) in this folder,
    /// each segment percent-encoded so a file name can never become a query or a
    /// parent folder.
    pub fn file(&self, relative: &str) -> Url {
        let mut url = self.0.clone();
        if let Ok(mut segments) = url.path_segments_mut() {
            segments.pop_if_empty().extend(relative.split('/'));
        }
        url
    }
}

impl std::fmt::Display for KitUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// https anywhere; plain http only to loopback, where nothing travels on a network.
/// Also applied to every redirect, so a server cannot downgrade the connection.
pub(crate) fn check_allowed(url: &Url) -> Result<(), Error> {
    // A redirect may carry a user name and password: never repeat them.
    let mut shown = url.clone();
    let _ = shown.set_username("");
    let _ = shown.set_password(None);
    match url.scheme() {
        "https" => Ok(()),
        "http" if is_loopback(url) => Ok(()),
        "http" => Err(Error::NotHttps {
            url: shown.as_str().to_owned(),
        }),
        scheme => Err(Error::UrlInvalid {
            url: shown.as_str().to_owned(),
            detail: format!("`{scheme}:` is not a web address; kits are fetched over https://"),
        }),
    }
}

/// `text` with anything between `://` and an `@` before the path removed, for messages
/// about an address that does not even parse.
fn without_user_info(text: &str) -> String {
    let Some((scheme, rest)) = text.split_once("://") else {
        return text.to_owned();
    };
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    match rest[..authority_end].rfind('@') {
        Some(at) => format!("{scheme}://{}", &rest[at + 1..]),
        None => text.to_owned(),
    }
}

fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(Host::Domain(name)) => name.eq_ignore_ascii_case("localhost"),
        Some(Host::Ipv4(ip)) => IpAddr::V4(ip).is_loopback(),
        Some(Host::Ipv6(ip)) => IpAddr::V6(ip).is_loopback(),
        None => false,
    }
}
