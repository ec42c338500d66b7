//! Name lookups through the system resolver, failing with a type of our own so a DNS
//! failure is recognised by its type, not by a message that varies between systems.

use std::net::SocketAddr;

use reqwest::dns::{Addrs, Name, Resolve, Resolving};

/// The system could not turn `host` into an address.
#[derive(Debug, thiserror::Error)]
#[error("no address for {host} ({source})")]
pub(super) struct LookupFailed {
    pub host: String,
    #[source]
    pub source: std::io::Error,
}

pub(super) struct SystemResolver;

impl Resolve for SystemResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let host = name.as_str().to_owned();
        Box::pin(async move {
            let found: std::io::Result<Vec<SocketAddr>> =
                match tokio::net::lookup_host((host.as_str(), 0)).await {
                    Ok(addresses) => Ok(addresses.collect()),
                    Err(error) => Err(error),
                };
            match found {
                Ok(addresses) if !addresses.is_empty() => {
                    Ok(Box::new(addresses.into_iter()) as Addrs)
                }
                Ok(_) => Err(Box::new(LookupFailed {
                    host,
                    source: std::io::Error::from(std::io::ErrorKind::NotFound),
                }) as _),
                Err(source) => Err(Box::new(LookupFailed { host, source }) as _),
            }
        })
    }
}
