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
