//! The HTTPS clients: one process-wide client trusting the system roots,
//! and, for `verify="<CA bundle path>"`, one that trusts exactly the
//! certificates of that PEM file.
//!
//! Both use rustls with the *ring* crypto provider. The SDK crates are
//! built without their default HTTPS client (rustls over aws-lc, whose C
//! build dominates a cold build of this crate), so every `SdkConfig` this
//! crate loads, and every credentials or region provider it creates, is
//! given one of these clients explicitly.

use std::path::Path;
use std::sync::OnceLock;

use aws_smithy_http_client::Builder;
use aws_smithy_http_client::tls::{self, rustls_provider::CryptoMode};
use aws_smithy_runtime_api::client::http::SharedHttpClient;
use rustls::pki_types::CertificateDer;
use rustls::pki_types::pem::PemObject;

use crate::Error;

/// The HTTPS client of every client built without a CA bundle, created once
/// and shared (it pools connections per endpoint).
pub(crate) fn default_client() -> SharedHttpClient {
    static CLIENT: OnceLock<SharedHttpClient> = OnceLock::new();
    CLIENT
        .get_or_init(|| {
            Builder::new()
                .tls_provider(tls::Provider::rustls(CryptoMode::Ring))
                .build_https()
        })
        .clone()
}

/// Reads and validates the bundle now, so that a bad file is a build error
/// here rather than a failure (or a panic inside the HTTP stack) on the
/// first request.
pub(crate) fn client_trusting(path: &Path) -> Result<SharedHttpClient, Error> {
    let shown = path.display();
    let pem = std::fs::read(path)
        .map_err(|e| Error::invalid("verify", format!("cannot read CA bundle {shown}: {e}")))?;
    let certs = CertificateDer::pem_slice_iter(&pem)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| {
            Error::invalid("verify", format!("CA bundle {shown} is not valid PEM: {e}"))
        })?;
    if certs.is_empty() {
        return Err(Error::invalid(
            "verify",
            format!("CA bundle {shown} holds no PEM certificate"),
        ));
    }
    let mut roots = rustls::RootCertStore::empty();
    for cert in certs {
        roots.add(cert).map_err(|e| {
            Error::invalid(
                "verify",
                format!("CA bundle {shown} holds an unusable certificate: {e}"),
            )
        })?;
    }
    let context = tls::TlsContext::builder()
        .with_trust_store(tls::TrustStore::empty().with_pem_certificate(pem))
        .build()
        .map_err(|e| Error::invalid("verify", e.to_string()))?;
    Ok(Builder::new()
        .tls_provider(tls::Provider::rustls(CryptoMode::Ring))
        .tls_context(context)
        .build_https())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The HTTPS clients are constructible with the ring provider alone
    /// (tests/params.rs also sends a request through each, which builds
    /// their TLS connector).
    #[test]
    fn https_clients_are_constructible() {
        let a = default_client();
        let b = default_client();
        assert!(format!("{a:?}").starts_with("SharedHttpClient"));
        // One shared client, not one per call.
        assert_eq!(format!("{a:?}"), format!("{b:?}"));
        let pinned = client_trusting(
            &std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
                .join("tests/fixtures/test-ca.pem"),
        )
        .unwrap();
        assert!(format!("{pinned:?}").starts_with("SharedHttpClient"));
    }
}
