//! `verify="<CA bundle path>"`: an HTTPS client that trusts exactly the
//! certificates of that PEM file.

use std::path::Path;

use aws_smithy_http_client::Builder;
use aws_smithy_http_client::tls::{self, rustls_provider::CryptoMode};
use aws_smithy_runtime_api::client::http::SharedHttpClient;
use rustls::pki_types::CertificateDer;
use rustls::pki_types::pem::PemObject;

use crate::Error;

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
        .tls_provider(tls::Provider::rustls(CryptoMode::AwsLc))
        .tls_context(context)
        .build_https())
}
