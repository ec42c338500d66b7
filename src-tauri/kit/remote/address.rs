//! The address of a kit folder on a web server, and the only schemes Relais will fetch.

use url::Url;

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
        crate::net::check_allowed(&url)?;
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
