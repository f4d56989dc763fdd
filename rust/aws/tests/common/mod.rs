//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::sync::{Arc, Mutex};

use aws_sdk_s3::config::interceptors::BeforeTransmitInterceptorContextRef;
use aws_sdk_s3::config::{ConfigBag, Intercept, RuntimeComponents};
use aws_sdk_s3::error::BoxError;

/// A signed request as it would have gone on the wire.
#[derive(Clone, Debug)]
pub struct Captured {
    pub uri: String,
    pub headers: Vec<(String, String)>,
}

impl Captured {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// An interceptor that records the signed request and stops it before it is
/// transmitted, so that what a client *would* send can be inspected without
/// any network.
#[derive(Clone, Debug, Default)]
struct Capture(Arc<Mutex<Option<Captured>>>);

impl Intercept for Capture {
    fn name(&self) -> &'static str {
        "clientcache-test-capture"
    }

    fn read_before_transmit(
        &self,
        context: &BeforeTransmitInterceptorContextRef<'_>,
        _components: &RuntimeComponents,
        _cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let request = context.request();
        let captured = Captured {
            uri: request.uri().to_owned(),
            headers: request
                .headers()
                .iter()
                .map(|(k, v)| (k.to_owned(), v.to_owned()))
                .collect(),
        };
        *self.0.lock().unwrap() = Some(captured);
        Err("clientcache test: request captured, not sent".into())
    }
}

/// What `client` would send for `HeadBucket` on `bucket`, with everything
/// (endpoint, region, credentials, addressing style, …) taken from the
/// client's own configuration.
pub async fn head_bucket_request(client: &aws_sdk_s3::Client, bucket: &str) -> Captured {
    let capture = Capture::default();
    let result = client
        .head_bucket()
        .bucket(bucket)
        .customize()
        .config_override(aws_sdk_s3::Config::builder().interceptor(capture.clone()))
        .send()
        .await;
    assert!(
        result.is_err(),
        "the capture interceptor must stop the request"
    );
    let captured = capture.0.lock().unwrap().clone();
    captured.unwrap_or_else(|| panic!("no request captured; the call failed with {result:?}"))
}

/// A one-answer HTTP server on 127.0.0.1: every request gets the same
/// response. Started by the test, served by a background thread until the
/// test process ends.
pub struct Stub {
    pub url: String,
    requests: Arc<std::sync::atomic::AtomicUsize>,
}

impl Stub {
    /// Answers every request with `status`, a `Content-Type` of
    /// `content_type` and `body`.
    pub fn start(status: &str, content_type: &str, body: &str) -> Stub {
        use std::io::{BufRead, BufReader, Read, Write};
        use std::sync::atomic::Ordering;

        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let requests = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let response = format!(
            "HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nx-amz-request-id: stub\r\nConnection: close\r\n\r\n{body}",
            body.len()
        );
        let counter = Arc::clone(&requests);
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(stream) = stream else { continue };
                let response = response.clone();
                let counter = Arc::clone(&counter);
                std::thread::spawn(move || {
                    let mut reader = BufReader::new(stream);
                    let mut length = 0usize;
                    loop {
                        let mut line = String::new();
                        if reader.read_line(&mut line).unwrap_or(0) == 0 {
                            return;
                        }
                        let line = line.trim_end();
                        if line.is_empty() {
                            break;
                        }
                        if let Some((name, value)) = line.split_once(':') {
                            if name.eq_ignore_ascii_case("content-length") {
                                length = value.trim().parse().unwrap_or(0);
                            }
                        }
                    }
                    let mut body = vec![0; length];
                    let _ = reader.read_exact(&mut body);
                    counter.fetch_add(1, Ordering::SeqCst);
                    let mut stream = reader.into_inner();
                    let _ = stream.write_all(response.as_bytes());
                    let _ = stream.flush();
                });
            }
        });
        Stub { url, requests }
    }

    /// Requests answered so far.
    pub fn requests(&self) -> usize {
        self.requests.load(std::sync::atomic::Ordering::SeqCst)
    }
}

/// Records what a session's `on_evict` is told.
#[derive(Clone, Default)]
pub struct Evictions(Arc<Mutex<Vec<(clientcache_aws::Key, clientcache_aws::RemovalCause)>>>);

impl Evictions {
    pub fn listener(
        &self,
    ) -> impl Fn(&clientcache_aws::Key, clientcache_aws::RemovalCause) + Send + Sync + 'static {
        let log = Arc::clone(&self.0);
        move |key, cause| log.lock().unwrap().push((key.clone(), cause))
    }

    pub fn all(&self) -> Vec<(clientcache_aws::Key, clientcache_aws::RemovalCause)> {
        self.0.lock().unwrap().clone()
    }
}
