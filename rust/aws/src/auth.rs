//! Invalidation on authentication failure: every client a session builds
//! sends its requests through [`Watched`], a thin layer over the HTTP client
//! of its `SdkConfig`. When a response says that the request's credentials
//! are expired or not valid (an error code of [`AUTH_ERROR_CODES`]), the
//! layer calls the hook the session gave it, which drops that client from
//! its cache. The response itself goes on to the SDK unchanged, so the
//! caller gets the SDK's own error.
//!
//! Why the HTTP client and not an interceptor on the service config: the
//! `SdkConfig` is the one thing every constructor reads, including
//! `aws_sdk_*::Client::new(&SdkConfig)` handed to
//! [`Session::client_with`](crate::Session::client_with); a service
//! config's interceptors can only be set through each service crate's own
//! config builder.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use aws_smithy_async::future::timeout::Timeout;
use aws_smithy_async::rt::sleep::{AsyncSleep, SharedAsyncSleep};

use aws_smithy_runtime_api::client::http::{
    HttpClient, HttpConnector, HttpConnectorFuture, HttpConnectorSettings, SharedHttpClient,
    SharedHttpConnector,
};
use aws_smithy_runtime_api::client::orchestrator::{HttpRequest, HttpResponse};
use aws_smithy_runtime_api::client::result::ConnectorError;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_runtime_api::http::Headers;
use aws_smithy_types::body::SdkBody;
use aws_smithy_types::byte_stream::ByteStream;

/// The error codes that mean "the credentials this client signs with are
/// expired or not valid": a response carrying one of them (HTTP 400, 401 or
/// 403) removes the client that sent the request from its session's cache.
///
/// | code | typically from |
/// |---|---|
/// | `ExpiredToken` | S3, STS and other XML services: the session token has expired |
/// | `ExpiredTokenException` | JSON services (DynamoDB, Kinesis, …): the same |
/// | `RequestExpired` | EC2 and query services: the signed request is too old |
/// | `InvalidClientTokenId` | STS, IAM and query services: unknown access key id or token |
/// | `UnrecognizedClientException` | JSON services: unknown access key id or token |
/// | `InvalidAccessKeyId` | S3: unknown access key id |
/// | `SignatureDoesNotMatch` | most services: the secret does not match the key id |
/// | `InvalidToken` | S3: a malformed or otherwise invalid session token |
/// | `TokenRefreshRequired` | S3: the session token must be refreshed |
pub const AUTH_ERROR_CODES: &[&str] = &[
    "ExpiredToken",
    "ExpiredTokenException",
    "RequestExpired",
    "InvalidClientTokenId",
    "UnrecognizedClientException",
    "InvalidAccessKeyId",
    "SignatureDoesNotMatch",
    "InvalidToken",
    "TokenRefreshRequired",
];

/// Error bodies larger than this are not read (auth errors are a few
/// hundred bytes); their code is then only taken from the headers.
const MAX_ERROR_BODY: u64 = 64 * 1024;

/// How long reading such a body may take. The SDK's stalled-stream
/// protection only starts after the connector returns, so this bounds a
/// server that sends the headers of an error and then stalls.
const ERROR_BODY_TIMEOUT: Duration = Duration::from_secs(10);

/// What to do when a response of the watched client carries an auth error
/// code (the code is passed along).
pub(crate) type Hook = Arc<dyn Fn(&str) + Send + Sync>;

/// `http_client` with every response checked for an auth error.
pub(crate) fn watch(http_client: SharedHttpClient, hook: Hook) -> SharedHttpClient {
    SharedHttpClient::new(Watched {
        inner: http_client,
        hook,
    })
}

struct Watched {
    inner: SharedHttpClient,
    hook: Hook,
}

impl fmt::Debug for Watched {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("clientcache_aws::Watched")
            .field("inner", &self.inner)
            .finish_non_exhaustive()
    }
}

impl HttpClient for Watched {
    fn http_connector(
        &self,
        settings: &HttpConnectorSettings,
        components: &RuntimeComponents,
    ) -> SharedHttpConnector {
        SharedHttpConnector::new(WatchedConnector {
            inner: self.inner.http_connector(settings, components),
            hook: Arc::clone(&self.hook),
            sleep: components.sleep_impl(),
        })
    }

    fn connector_metadata(
        &self,
    ) -> Option<aws_smithy_runtime_api::client::connector_metadata::ConnectorMetadata> {
        self.inner.connector_metadata()
    }
}

struct WatchedConnector {
    inner: SharedHttpConnector,
    hook: Hook,
    sleep: Option<SharedAsyncSleep>,
}

impl fmt::Debug for WatchedConnector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("clientcache_aws::WatchedConnector")
            .field("inner", &self.inner)
            .finish_non_exhaustive()
    }
}

impl HttpConnector for WatchedConnector {
    fn call(&self, request: HttpRequest) -> HttpConnectorFuture {
        let sent = self.inner.call(request);
        let hook = Arc::clone(&self.hook);
        let sleep = self.sleep.clone();
        HttpConnectorFuture::new(async move {
            let mut response = sent.await?;
            if let Some(code) = auth_error(&mut response, sleep).await? {
                hook(&code);
            }
            Ok(response)
        })
    }
}

/// The auth error code `response` carries, if any. A body that has to be
/// read for it is read into memory and put back, byte for byte.
async fn auth_error(
    response: &mut HttpResponse,
    sleep: Option<SharedAsyncSleep>,
) -> Result<Option<String>, ConnectorError> {
    if !matches!(response.status().as_u16(), 400 | 401 | 403) {
        return Ok(None);
    }
    if let Some(code) = header_code(response.headers()) {
        return Ok(is_auth_error(&code).then_some(code));
    }
    let code = match response.body().bytes() {
        Some(bytes) => body_code(bytes),
        None => {
            let small = response
                .body()
                .content_length()
                .is_none_or(|n| n <= MAX_ERROR_BODY);
            if !small {
                return Ok(None);
            }
            let collect = ByteStream::new(response.take_body()).collect();
            let collected = match sleep {
                Some(sleep) => Timeout::new(collect, sleep.sleep(ERROR_BODY_TIMEOUT))
                    .await
                    .map_err(|_| {
                        ConnectorError::timeout(
                            format!(
                                "the body of an HTTP {} response did not arrive within {ERROR_BODY_TIMEOUT:?}",
                                response.status().as_u16()
                            )
                            .into(),
                        )
                    })?,
                None => collect.await,
            };
            let bytes = collected
                .map_err(|e| ConnectorError::io(e.into()))?
                .into_bytes();
            let code = body_code(&bytes);
            *response.body_mut() = SdkBody::from(bytes);
            code
        }
    };
    Ok(code.filter(|c| is_auth_error(c)))
}

fn is_auth_error(code: &str) -> bool {
    AUTH_ERROR_CODES.contains(&code)
}

/// `x-amzn-ErrorType` (JSON protocols): `Code` or `Code:http://…`, possibly
/// with a `namespace#` prefix.
fn header_code(headers: &Headers) -> Option<String> {
    let value = headers.get("x-amzn-errortype")?;
    let code = shape_name(value.split(':').next().unwrap_or(value));
    (!code.is_empty()).then(|| code.to_owned())
}

/// `com.amazonaws.dynamodb#ExpiredTokenException` → `ExpiredTokenException`.
fn shape_name(code: &str) -> &str {
    code.rsplit('#').next().unwrap_or(code).trim()
}

/// The error code of an error body: the first `<Code>` element of an XML
/// body (S3's `<Error>`, the query protocols' `<ErrorResponse>`, EC2's
/// `<Response><Errors>`), or the `__type` / `code` member of a JSON body.
fn body_code(body: &[u8]) -> Option<String> {
    let text = std::str::from_utf8(body).ok()?.trim_start();
    if text.starts_with('<') {
        let start = text.find("<Code>")? + "<Code>".len();
        let len = text[start..].find("</Code>")?;
        let code = text[start..start + len].trim();
        return (!code.is_empty()).then(|| code.to_owned());
    }
    if text.starts_with('{') {
        let value: serde_json::Value = serde_json::from_str(text).ok()?;
        let object = value.as_object()?;
        let code = ["__type", "code", "Code"]
            .iter()
            .find_map(|name| object.get(*name).and_then(serde_json::Value::as_str))?;
        let code = shape_name(code.split(':').next().unwrap_or(code));
        return (!code.is_empty()).then(|| code.to_owned());
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_from_every_protocol() {
        let s3 = br#"<?xml version="1.0" encoding="UTF-8"?>
<Error><Code>ExpiredToken</Code><Message>The provided token has expired.</Message></Error>"#;
        assert_eq!(body_code(s3).as_deref(), Some("ExpiredToken"));
        let query = br#"<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <Error><Type>Sender</Type><Code>InvalidClientTokenId</Code><Message>m</Message></Error>
</ErrorResponse>"#;
        assert_eq!(body_code(query).as_deref(), Some("InvalidClientTokenId"));
        let ec2 =
            br#"<Response><Errors><Error><Code>RequestExpired</Code></Error></Errors></Response>"#;
        assert_eq!(body_code(ec2).as_deref(), Some("RequestExpired"));
        let json =
            br#"{"__type":"com.amazon.coral.service#UnrecognizedClientException","message":"m"}"#;
        assert_eq!(
            body_code(json).as_deref(),
            Some("UnrecognizedClientException")
        );
        let rest_json = br#"{"code":"ExpiredTokenException","message":"m"}"#;
        assert_eq!(
            body_code(rest_json).as_deref(),
            Some("ExpiredTokenException")
        );
        assert_eq!(body_code(b""), None);
        assert_eq!(body_code(b"not an error body"), None);
        assert_eq!(
            body_code(b"<Error><Message>no code</Message></Error>"),
            None
        );

        let mut headers = Headers::new();
        headers.insert(
            "x-amzn-ErrorType",
            "ExpiredTokenException:http://internal.amazon.com/coral/com.amazon.coral.service/",
        );
        assert_eq!(
            header_code(&headers).as_deref(),
            Some("ExpiredTokenException")
        );
    }

    #[test]
    fn only_credential_errors_count() {
        for code in AUTH_ERROR_CODES {
            assert!(is_auth_error(code));
        }
        for code in ["AccessDenied", "NoSuchBucket", "ThrottlingException", ""] {
            assert!(!is_auth_error(code));
        }
    }
}
