//! No `Debug` (`{:?}`, `{:#?}`) or `Display` output of a public type of this
//! crate that holds credentials or params shows a secret: the access key
//! id, the secret key or the session token (docs/identity.md, "The
//! outputs"). Each planted secret is searched for in every rendering.

use aws_credential_types::Credentials;
use aws_credential_types::provider::SharedCredentialsProvider;
use clientcache_aws::{ClientParams, Error, Policy, Session};

const AKID: &str = "AKIDPLANTEDSECRET01";
const SECRET: &str = "planted-secret-key-Zx9Qw8Er7Ty6";
const TOKEN: &str = "planted-session-token-Ui5Op4As3Df2";
const PROVIDER_AKID: &str = "AKIDPLANTEDPROVIDER2";
const PROVIDER_SECRET: &str = "planted-provider-secret-Gh1Jk0Lz";

type S3 = aws_sdk_s3::Client;

fn assert_clean(what: &str, rendered: &str) {
    for secret in [AKID, SECRET, TOKEN, PROVIDER_AKID, PROVIDER_SECRET] {
        assert!(
            !rendered.contains(secret),
            "{what} shows the secret {secret:?}:\n{rendered}"
        );
    }
}

fn debug_clean<T: std::fmt::Debug>(what: &str, value: &T) {
    assert_clean(&format!("{what} {{:?}}"), &format!("{value:?}"));
    assert_clean(&format!("{what} {{:#?}}"), &format!("{value:#?}"));
}

fn error_clean(what: &str, e: &Error) {
    debug_clean(what, e);
    assert_clean(&format!("{what} Display"), &e.to_string());
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        assert_clean(&format!("{what} source"), &s.to_string());
        assert_clean(&format!("{what} source {{:?}}"), &format!("{s:?}"));
        source = s.source();
    }
}

fn provider() -> SharedCredentialsProvider {
    SharedCredentialsProvider::new(Credentials::new(
        PROVIDER_AKID,
        PROVIDER_SECRET,
        Some(TOKEN.to_owned()),
        None,
        "planted",
    ))
}

fn full_params() -> ClientParams {
    ClientParams::new()
        .region_name("us-east-1")
        .credentials(AKID, SECRET, Some(TOKEN.to_owned()))
        .max_attempts(2)
}

#[test]
fn client_params_never_show_a_secret() {
    debug_clean("ClientParams with credentials", &full_params());
    debug_clean(
        "ClientParams with separate secrets",
        &ClientParams::new()
            .aws_access_key_id(AKID)
            .aws_secret_access_key(SECRET)
            .aws_session_token(TOKEN),
    );
    let with_provider = ClientParams::new().credentials_provider(provider());
    debug_clean("ClientParams with a provider", &with_provider);
    assert!(format!("{with_provider:?}").contains("instance:"));
    debug_clean(
        "merged ClientParams",
        &ClientParams::new().with_defaults(&full_params()),
    );
    let key = full_params().client_key("s3").unwrap();
    debug_clean("Key", &key);
    assert_clean("Key label", &key.label());
    assert_clean("Key canonical", key.canonical());
    let key = with_provider.client_key("s3").unwrap();
    debug_clean("Key with a provider", &key);
}

#[test]
fn sessions_and_builders_never_show_a_secret() {
    let builder =
        Session::builder()
            .region("us-east-1")
            .credentials(AKID, SECRET, Some(TOKEN.to_owned()));
    debug_clean("SessionBuilder with credentials", &builder);
    let session = builder.build().unwrap();
    debug_clean("Session with credentials", &session);
    debug_clean("Session defaults", session.defaults());

    let builder = Session::builder().defaults(ClientParams::new().credentials_provider(provider()));
    debug_clean("SessionBuilder with a provider", &builder);
    debug_clean("Session with a provider", &builder.build().unwrap());
}

#[tokio::test]
async fn errors_never_show_a_secret() {
    let session = Session::builder()
        .region("us-east-1")
        .credentials(AKID, SECRET, Some(TOKEN.to_owned()))
        .build()
        .unwrap();

    // InvalidParam: partial credentials, empty values.
    let errors = [
        session
            .client::<S3>(&ClientParams::new().aws_secret_access_key(SECRET))
            .await
            .unwrap_err(),
        session
            .client::<S3>(&ClientParams::new().aws_access_key_id(AKID))
            .await
            .unwrap_err(),
        session
            .client::<S3>(&ClientParams::new().aws_session_token(TOKEN))
            .await
            .unwrap_err(),
        // Unsupported, with the session's credentials merged in.
        session
            .client::<S3>(&ClientParams::new().verify(false))
            .await
            .unwrap_err(),
        // Static credentials and a provider at once.
        session
            .client::<S3>(
                &ClientParams::new()
                    .credentials_provider(provider())
                    .aws_access_key_id(AKID)
                    .aws_secret_access_key(SECRET),
            )
            .await
            .unwrap_err(),
        // ProfileNotFound.
        session
            .client::<S3>(&full_params().profile_name("clientcache-no-such-profile"))
            .await
            .unwrap_err(),
        // Cache: the core refuses the key (bad service name).
        session
            .client_key("Not A Service", &full_params())
            .unwrap_err(),
    ];
    for (i, e) in errors.iter().enumerate() {
        error_clean(&format!("error {i}"), e);
    }
    assert!(
        matches!(errors[5], Error::ProfileNotFound { .. }),
        "{}",
        errors[5]
    );
    assert!(matches!(errors[6], Error::Cache(_)), "{}", errors[6]);

    // ProfileFiles: a credentials file that holds the secrets and does not parse.
    let dir = std::env::temp_dir().join(format!("clientcache-aws-secrets-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let credentials = dir.join("credentials");
    std::fs::write(
        &credentials,
        format!("[broken\naws_access_key_id = {AKID}\n{SECRET}\n"),
    )
    .unwrap();
    let s = Session::builder()
        .region("us-east-1")
        .profile_files(None, Some(credentials))
        .build()
        .unwrap();
    let e = s
        .client::<S3>(&ClientParams::new().profile_name("broken"))
        .await
        .unwrap_err();
    assert!(matches!(e, Error::ProfileFiles { .. }), "{e}");
    error_clean("profile file error", &e);
    std::fs::remove_dir_all(dir).unwrap();

    // The session and its caches after all that.
    debug_clean("Session after errors", &session);
    debug_clean("SessionCache", &session.cache(Policy::Lru));
}
