//! The one HTTP client, against real sockets on this computer: each kind of failure is
//! told apart by type (offline, name lookup, TLS, timeouts, a torn connection, an HTTP
//! status with Retry-After), redirects cannot leave https, bodies are bounded, and
//! proxies come from the environment.

use std::time::Duration;

use relais::net::{self, Client, Error, Options, Timeout};
use url::Url;

use crate::support::scripted::{Answer, Scripted};

fn quick() -> Options {
    Options {
        connect_timeout: Duration::from_secs(2),
        stall_timeout: Duration::from_secs(1),
        overall_timeout: None,
    }
}

fn url(text: &str) -> Url {
    Url::parse(text).expect("a test address")
}

async fn get_error(client: &Client, address: &str) -> Error {
    let target = url(address);
    match client.get(&target).await {
        Err(error) => error,
        Ok(mut response) => loop {
            match client.next_chunk(&mut response, &target).await {
                Err(error) => break error,
                Ok(None) => panic!("{address} should fail, it answered {}", response.status()),
                Ok(Some(_)) => {}
            }
        },
    }
}

#[tokio::test]
async fn a_port_where_nothing_listens_is_offline() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .unwrap()
        .port();
    let client = Client::new(quick()).unwrap();
    let error = get_error(&client, &format!("http://127.0.0.1:{port}/")).await;
    assert!(
        matches!(error, Error::Offline { .. }),
        "refused connection: {error:?}"
    );
    assert!(error.is_transient() && !error.may_have_been_applied());
}

#[tokio::test]
async fn a_name_that_does_not_resolve_is_a_lookup_failure() {
    let client = Client::new(quick()).unwrap();
    // `.invalid` never resolves (RFC 2606), with or without a network.
    let error = get_error(&client, "https://relais-test.invalid/kit.json").await;
    assert!(
        matches!(error, Error::Dns { ref host } if host == "relais-test.invalid"),
        "{error:?}"
    );
}

#[tokio::test]
async fn https_to_a_server_that_does_not_speak_tls_is_a_tls_failure() {
    use tokio::io::AsyncWriteExt;
    // Answers plain HTTP as soon as a client connects, whatever it sends.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let _ = socket
                .write_all(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n")
                .await;
        }
    });
    let client = Client::new(quick()).unwrap();
    let error = get_error(&client, &format!("https://127.0.0.1:{port}/")).await;
    assert!(matches!(error, Error::Tls { .. }), "{error:?}");
    assert!(
        !error.is_transient(),
        "a TLS failure is not retried blindly"
    );
}

#[tokio::test]
async fn a_server_that_stops_sending_times_out_as_a_stall() {
    let server = Scripted::start().await;
    server.script("/slow", vec![Answer::StallHalfway(vec![7u8; 4096])]);
    let client = Client::new(quick()).unwrap();
    let error = get_error(&client, &format!("{}/slow", server.base())).await;
    assert!(
        matches!(
            error,
            Error::Timeout {
                phase: Timeout::Stall,
                seconds: 1,
                ..
            }
        ),
        "{error:?}"
    );
    assert!(error.may_have_been_applied(), "the server had the request");
}

#[tokio::test]
async fn a_server_slower_than_the_overall_limit_times_out_as_overall() {
    let server = Scripted::start().await;
    server.script("/never", vec![Answer::Silence]);
    let client = Client::new(Options {
        stall_timeout: Duration::from_secs(30),
        overall_timeout: Some(Duration::from_millis(800)),
        ..quick()
    })
    .unwrap();
    let error = get_error(&client, &format!("{}/never", server.base())).await;
    assert!(
        matches!(
            error,
            Error::Timeout {
                phase: Timeout::Overall,
                ..
            }
        ),
        "{error:?}"
    );
}

#[tokio::test]
async fn a_connection_closed_mid_body_is_torn() {
    let server = Scripted::start().await;
    server.script("/half", vec![Answer::DieHalfway(vec![1u8; 100_000])]);
    let client = Client::new(quick()).unwrap();
    let error = get_error(&client, &format!("{}/half", server.base())).await;
    assert!(matches!(error, Error::Torn { .. }), "{error:?}");
    assert!(error.may_have_been_applied() && error.is_transient());
}

#[tokio::test]
async fn a_redirect_to_plain_http_elsewhere_is_refused() {
    let server = Scripted::start().await;
    server.script(
        "/moved",
        vec![Answer::Full {
            status: 302,
            headers: vec![("Location".into(), "http://example.org/kit/".into())],
            body: Vec::new(),
        }],
    );
    let client = Client::new(quick()).unwrap();
    let error = get_error(&client, &format!("{}/moved", server.base())).await;
    assert!(
        matches!(error, Error::NotHttps { ref url } if url == "http://example.org/kit/"),
        "{error:?}"
    );
}

#[tokio::test]
async fn plain_http_to_another_computer_is_refused_before_any_connection() {
    let client = Client::new(quick()).unwrap();
    let error = client
        .request(reqwest::Method::GET, &url("http://192.0.2.1/kit.json"))
        .expect_err("only https leaves this computer");
    assert!(matches!(error, Error::NotHttps { .. }), "{error:?}");
}

#[tokio::test]
async fn a_body_past_its_limit_is_refused_whatever_content_length_said() {
    let server = Scripted::start().await;
    server.script("/big", vec![Answer::File(vec![0u8; 10_000])]);
    let client = Client::new(quick()).unwrap();
    let target = url(&format!("{}/big", server.base()));
    let response = client.get(&target).await.unwrap();
    let error = client
        .read_bounded(response, &target, 4096)
        .await
        .unwrap_err();
    assert!(
        matches!(
            error,
            Error::TooLarge {
                max_bytes: 4096,
                ..
            }
        ),
        "{error:?}"
    );
}

#[tokio::test]
async fn a_429_says_when_to_come_back() {
    let server = Scripted::start().await;
    server.script(
        "/limited",
        vec![Answer::Full {
            status: 429,
            headers: vec![
                ("Retry-After".into(), "42".into()),
                ("X-RateLimit-Limit".into(), "300".into()),
                ("X-RateLimit-Remaining".into(), "0".into()),
                ("X-RateLimit-Reset".into(), "2026-09-21T14:18:20Z".into()),
            ],
            body: Vec::new(),
        }],
    );
    let client = Client::new(quick()).unwrap();
    let response = client
        .get(&url(&format!("{}/limited", server.base())))
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 429);
    let now = 1_790_000_000;
    assert_eq!(net::retry_after(response.headers(), now), Some(now + 42));
    let limit = net::rate_limit(response.headers(), now).expect("rate-limit headers");
    assert_eq!(
        (limit.remaining, limit.reset_at),
        (Some(0), Some(now + 300))
    );
}

#[tokio::test]
async fn requests_name_relais_and_its_version() {
    let server = Scripted::start().await;
    server.script("/", vec![Answer::Status(204)]);
    let client = Client::new(quick()).unwrap();
    client
        .get(&url(&format!("{}/", server.base())))
        .await
        .unwrap();
    let requests = server.requests_in_full();
    assert_eq!(
        requests[0].header("user-agent"),
        Some(concat!("relais/", env!("CARGO_PKG_VERSION"))),
        "the user agent says which program asks, nothing about the volunteer"
    );
    assert_eq!(requests[0].method, "GET");
    assert!(requests[0].body.is_empty());
}

/// Proxies come from the environment, as on any desktop: run in a child `relais` so the
/// variable does not leak into other tests. Two threads: one serves while the other
/// waits for the child.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_proxy_from_the_environment_carries_the_requests() {
    let proxy = Scripted::start().await;
    proxy.script("/kit/kit.json", vec![Answer::Status(404)]);
    let home = tempfile::tempdir().unwrap();
    let output = crate::support::relais(home.path())
        .env("HTTPS_PROXY", proxy.base())
        .env("HTTP_PROXY", proxy.base())
        .env_remove("NO_PROXY")
        .env_remove("no_proxy")
        .args(["kit", "import", "http://localhost:9/kit/"])
        .output()
        .unwrap();
    assert!(!output.status.success());
    let targets = proxy.requests();
    assert!(
        targets.iter().any(|target| target == "http://localhost:9/kit/kit.json"),
        "the request for localhost:9 went through the proxy, in proxy form: {targets:?}; stderr: {}",
        String::from_utf8_lossy(&output.stderr)
    );
}
