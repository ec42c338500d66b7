//! The one-shot listener the volunteer's browser comes back to after signing in: on
//! 127.0.0.1 only, on a port the system picks, for one sign-in. It takes the first
//! request to /callback, checks its `state`, answers with a short page, and closes.

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

use super::Error;
use crate::messages::{Lang, Message};

const SIGNED_IN_PAGE: &str = "mastodon.page.signed_in";
const REFUSED_PAGE: &str = "mastodon.page.refused";

/// The catalogue keys of the pages the browser is shown, for the catalogue test.
pub fn page_codes() -> Vec<String> {
    vec![SIGNED_IN_PAGE.to_owned(), REFUSED_PAGE.to_owned()]
}

/// Requests for anything but /callback (a favicon) before giving up.
const MAX_STRAY_REQUESTS: usize = 16;
const MAX_REQUEST_HEAD: usize = 16 * 1024;

pub struct Loopback {
    listener: TcpListener,
    pub port: u16,
}

/// What the browser brought back.
enum Back {
    Code(String),
    Denied,
    WrongState,
    Stray,
}

impl Loopback {
    pub async fn bind() -> Result<Self, Error> {
        let listener =
            TcpListener::bind(("127.0.0.1", 0))
                .await
                .map_err(|error| Error::NoListener {
                    detail: error.kind().to_string(),
                })?;
        let port = listener
            .local_addr()
            .map_err(|error| Error::NoListener {
                detail: error.kind().to_string(),
            })?
            .port();
        Ok(Self { listener, port })
    }

    /// Waits for the browser, however long: the caller bounds the wait. The page the
    /// browser shows then is in `lang`.
    pub async fn code(self, state: &str, lang: Lang) -> Result<String, Error> {
        let page = Message::new(SIGNED_IN_PAGE).render(lang);
        let refused_page = Message::new(REFUSED_PAGE).render(lang);
        let (page, refused_page) = (page.as_str(), refused_page.as_str());
        for _ in 0..MAX_STRAY_REQUESTS {
            let Ok((mut socket, _)) = self.listener.accept().await else {
                continue;
            };
            let back = read_back(&mut socket, state).await;
            let (status, text) = match &back {
                Back::Code(_) => ("200 OK", page),
                Back::Denied | Back::WrongState => ("400 Bad Request", refused_page),
                Back::Stray => ("404 Not Found", ""),
            };
            respond(&mut socket, status, text).await;
            match back {
                Back::Code(code) => return Ok(code),
                Back::Denied => return Err(Error::AuthorizationDenied),
                Back::WrongState => return Err(Error::StateMismatch),
                Back::Stray => {}
            }
        }
        Err(Error::StateMismatch)
    }
}

async fn read_back(socket: &mut TcpStream, state: &str) -> Back {
    let mut head = Vec::new();
    let mut buffer = [0u8; 2048];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") && head.len() < MAX_REQUEST_HEAD {
        match socket.read(&mut buffer).await {
            Ok(0) | Err(_) => break,
            Ok(n) => head.extend_from_slice(&buffer[..n]),
        }
    }
    let head = String::from_utf8_lossy(&head);
    let Some(target) = head
        .lines()
        .next()
        .and_then(|line| line.strip_prefix("GET "))
        .and_then(|rest| rest.split(' ').next())
    else {
        return Back::Stray;
    };
    let Ok(url) = url::Url::parse(&format!("http://127.0.0.1{target}")) else {
        return Back::Stray;
    };
    if url.path() != "/callback" {
        return Back::Stray;
    }
    let value = |name: &str| {
        url.query_pairs()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.into_owned())
    };
    if value("state").as_deref() != Some(state) {
        return Back::WrongState;
    }
    match value("code") {
        Some(code) if !code.is_empty() => Back::Code(code),
        _ => Back::Denied,
    }
}

async fn respond(socket: &mut TcpStream, status: &str, text: &str) {
    let body = format!(
        "<!doctype html><meta charset=utf-8><title>Relais</title>\
         <body style=\"font:18px system-ui;margin:3em\"><p>{}</p></body>",
        escape(text)
    );
    let answer = format!(
        "HTTP/1.1 {status}\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {}\r\nConnection: close\r\nCache-Control: no-store\r\n\r\n{body}",
        body.len()
    );
    // The browser may already have gone: nothing more to do then.
    let _ = socket.write_all(answer.as_bytes()).await;
    let _ = socket.shutdown().await;
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}
