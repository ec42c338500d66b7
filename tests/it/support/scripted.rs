//! A loopback HTTP/1.1 server answering from a script: for what a real server cannot be
//! made to do on demand (a 5xx, a 429 with Retry-After, a connection torn or stalled
//! halfway, a wrong protocol). Each path has a list of answers used once each in order;
//! the last one answers every later request. Every request is logged whole.

use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};

#[derive(Clone, Debug)]
pub enum Answer {
    File(Vec<u8>),
    Status(u16),
    /// Any status, with headers and a body.
    Full {
        status: u16,
        headers: Vec<(String, String)>,
        body: Vec<u8>,
    },
    /// Announces the whole file, sends the first half, then closes the connection.
    DieHalfway(Vec<u8>),
    /// Announces the whole file, sends the first half, then says nothing more.
    StallHalfway(Vec<u8>),
    /// Reads the request and never answers.
    Silence,
    /// Sends the request on to the real server at this address, waits for its whole
    /// answer, then closes the connection without passing it on: the request was carried
    /// out, its answer is lost. (One request at a time: it forwards the last one logged.)
    ForwardThenDrop(String),
}

/// A JSON answer with its status.
pub fn json(status: u16, value: serde_json::Value) -> Answer {
    Answer::Full {
        status,
        headers: vec![("Content-Type".into(), "application/json".into())],
        body: serde_json::to_vec(&value).expect("JSON serializes"),
    }
}

/// One request as the server read it.
#[derive(Clone, Debug)]
pub struct Request {
    pub method: String,
    /// As sent on the request line: a path, or a whole URL when sent to a proxy.
    pub target: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Request {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }
}

#[derive(Clone)]
pub struct Scripted {
    pub port: u16,
    script: Arc<Mutex<HashMap<String, Vec<Answer>>>>,
    log: Arc<Mutex<Vec<Request>>>,
}

impl Scripted {
    pub async fn start() -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("a loopback port");
        let server = Self {
            port: listener.local_addr().expect("its address").port(),
            script: Arc::default(),
            log: Arc::default(),
        };
        let running = server.clone();
        tokio::spawn(async move {
            while let Ok((socket, _)) = listener.accept().await {
                tokio::spawn(running.clone().answer(socket));
            }
        });
        server
    }

    pub fn base(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// The kit folder address the kit tests use.
    pub fn url(&self) -> String {
        format!("{}/kit/", self.base())
    }

    /// Every file of a built kit, served normally under `/kit/`.
    pub fn publish(&self, kit: &Path) {
        let mut script = self.script.lock().expect("script lock");
        script.clear();
        for entry in std::fs::read_dir(kit).expect("read the kit folder") {
            let entry = entry.expect("a kit file");
            let path = format!("/kit/{}", entry.file_name().to_string_lossy());
            script.insert(
                path,
                vec![Answer::File(
                    std::fs::read(entry.path()).expect("read a kit file"),
                )],
            );
        }
    }

    pub fn script(&self, path: &str, answers: Vec<Answer>) {
        self.script
            .lock()
            .expect("script lock")
            .insert(path.to_owned(), answers);
    }

    /// Stops answering `path` (a 404 from now on).
    pub fn forget(&self, path: &str) {
        self.script.lock().expect("script lock").remove(path);
    }

    /// The paths requested so far, in order.
    pub fn requests(&self) -> Vec<String> {
        self.log
            .lock()
            .expect("log lock")
            .iter()
            .map(|request| request.target.clone())
            .collect()
    }

    pub fn requests_in_full(&self) -> Vec<Request> {
        self.log.lock().expect("log lock").clone()
    }

    async fn answer(self, mut socket: tokio::net::TcpStream) {
        let mut head = Vec::new();
        let mut byte = [0u8; 1];
        while !head.ends_with(b"\r\n\r\n") && head.len() < 64 * 1024 {
            if socket.read(&mut byte).await.unwrap_or(0) == 0 {
                return;
            }
            head.push(byte[0]);
        }
        let head = String::from_utf8_lossy(&head).into_owned();
        let mut lines = head.split("\r\n");
        let mut request_line = lines.next().unwrap_or_default().split_whitespace();
        let method = request_line.next().unwrap_or_default().to_owned();
        let target = request_line.next().unwrap_or("/").to_owned();
        let headers: Vec<(String, String)> = lines
            .filter_map(|line| line.split_once(':'))
            .map(|(name, value)| (name.trim().to_owned(), value.trim().to_owned()))
            .collect();
        let length = headers
            .iter()
            .find(|(name, _)| name.eq_ignore_ascii_case("content-length"))
            .and_then(|(_, value)| value.parse::<usize>().ok())
            .unwrap_or(0);
        let mut body = vec![0u8; length];
        if length > 0 && socket.read_exact(&mut body).await.is_err() {
            return;
        }
        // A proxied request names the whole URL; the script is keyed by path.
        let path = target
            .split_once("://")
            .and_then(|(_, rest)| rest.find('/').map(|at| rest[at..].to_owned()))
            .unwrap_or_else(|| target.clone());
        let path = path.split('?').next().unwrap_or_default().to_owned();
        self.log.lock().expect("log lock").push(Request {
            method,
            target,
            headers,
            body,
        });
        let answer = {
            let mut script = self.script.lock().expect("script lock");
            match script.get_mut(&path) {
                Some(answers) if answers.len() > 1 => Some(answers.remove(0)),
                Some(answers) => answers.first().cloned(),
                None => None,
            }
        };
        let head = |status: u16, extra: &[(String, String)], length: usize| {
            let mut text = format!(
                "HTTP/1.1 {status} Scripted\r\nContent-Length: {length}\r\nConnection: close\r\n"
            );
            for (name, value) in extra {
                text.push_str(&format!("{name}: {value}\r\n"));
            }
            text.push_str("\r\n");
            text.into_bytes()
        };
        let _ = match answer {
            None => socket.write_all(&head(404, &[], 0)).await,
            Some(Answer::Status(code)) => socket.write_all(&head(code, &[], 0)).await,
            Some(Answer::Full {
                status,
                headers,
                body,
            }) => {
                let mut bytes = head(status, &headers, body.len());
                bytes.extend_from_slice(&body);
                socket.write_all(&bytes).await
            }
            Some(Answer::File(body)) => {
                let mut bytes = head(200, &[], body.len());
                bytes.extend_from_slice(&body);
                socket.write_all(&bytes).await
            }
            Some(Answer::DieHalfway(body)) => {
                let mut bytes = head(200, &[], body.len());
                bytes.extend_from_slice(&body[..body.len() / 2]);
                let _ = socket.write_all(&bytes).await;
                socket.shutdown().await
            }
            Some(Answer::StallHalfway(body)) => {
                let mut bytes = head(200, &[], body.len());
                bytes.extend_from_slice(&body[..body.len() / 2]);
                let _ = socket.write_all(&bytes).await;
                tokio::time::sleep(Duration::from_secs(60)).await;
                Ok(())
            }
            Some(Answer::Silence) => {
                tokio::time::sleep(Duration::from_secs(60)).await;
                Ok(())
            }
            Some(Answer::ForwardThenDrop(base)) => {
                let request = self.log.lock().expect("log lock").last().cloned();
                if let Some(request) = request {
                    forward(&base, &request).await;
                }
                socket.shutdown().await
            }
        };
    }
}

/// `request` sent to `base` as it came; the answer read whole and dropped.
async fn forward(base: &str, request: &Request) {
    let method = reqwest::Method::from_bytes(request.method.as_bytes()).expect("an HTTP method");
    let mut outgoing = reqwest::Client::new().request(method, format!("{base}{}", request.target));
    for (name, value) in &request.headers {
        if !name.eq_ignore_ascii_case("host") && !name.eq_ignore_ascii_case("content-length") {
            outgoing = outgoing.header(name.as_str(), value.as_str());
        }
    }
    let answer = outgoing
        .body(request.body.clone())
        .send()
        .await
        .expect("the real server answers");
    let _ = answer.bytes().await;
}
