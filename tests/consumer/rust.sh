#!/usr/bin/env bash
# rust.sh — a Rust crate of a user's own, in a temporary folder, that depends
# on clientcache-aws (by path, the way a checkout or vendored copy is used)
# and caches an S3 client and a DynamoDB client against the local S3/DynamoDB
# server (moto; run under scripts/with-s3-server.sh). Cargo's target folder
# is the repository's, and the lock file starts from the repository's, so
# only the new crates compile.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
: "${CLIENTCACHE_TEST_S3_ENDPOINT:?run under scripts/with-s3-server.sh}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
step() { printf 'consumer/rust: %s\n' "$*"; }

mkdir -p "$work/app/src"
cat >"$work/app/Cargo.toml" <<TOML
[package]
name = "consumer-app"
version = "0.1.0"
edition = "2024"
publish = false

[dependencies]
clientcache-aws = { path = "$root/rust/aws" }
aws-sdk-s3 = { version = "1", default-features = false, features = ["behavior-version-latest", "rt-tokio"] }
aws-sdk-dynamodb = { version = "1", default-features = false, features = ["behavior-version-latest", "rt-tokio"] }
tokio = { version = "1", features = ["macros", "rt-multi-thread"] }
TOML
cat >"$work/app/src/main.rs" <<'RS'
use clientcache_aws::{ClientParams, Session};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let endpoint = std::env::var("CLIENTCACHE_TEST_S3_ENDPOINT")?;
    let session = Session::builder().region("us-east-1").build()?;
    let params = ClientParams::new()
        .endpoint_url(&endpoint)
        .force_path_style(true)
        .credentials("testing", "testing", None);

    // S3, the typed way: built once, then the cached clone.
    let s3: aws_sdk_s3::Client = session.client(&params).await?;
    let again: aws_sdk_s3::Client = session.client(&params).await?;
    assert!(std::ptr::eq(s3.config(), again.config()), "a cached S3 client");
    s3.create_bucket().bucket("consumer-bucket").send().await?;
    s3.put_object().bucket("consumer-bucket").key("k").body(b"hello".to_vec().into()).send().await?;
    let body = s3.get_object().bucket("consumer-bucket").key("k").send().await?.body.collect().await?;
    assert_eq!(body.into_bytes().as_ref(), b"hello");

    // Any other service, through its constructor: no newtype needed.
    let params = ClientParams::new().endpoint_url(&endpoint).credentials("testing", "testing", None);
    let ddb = session.client_with("dynamodb", &params, aws_sdk_dynamodb::Client::new).await?;
    let ddb_again = session.client_with("dynamodb", &params, aws_sdk_dynamodb::Client::new).await?;
    assert!(std::ptr::eq(ddb.config(), ddb_again.config()), "a cached DynamoDB client");
    let tables = ddb.list_tables().send().await?;
    println!(
        "S3 round trip ok; DynamoDB list_tables ok ({} tables); {} clients built for 4 lookups",
        tables.table_names().len(),
        session.builds()
    );
    assert_eq!(session.builds(), 2);
    Ok(())
}
RS
cp "$root/rust/Cargo.lock" "$work/app/Cargo.lock"
step "a fresh crate depending on clientcache-aws, aws-sdk-s3 and aws-sdk-dynamodb (cargo build --release)"
(cd "$work/app" && CARGO_TARGET_DIR="$root/rust/target" cargo build --release --quiet)
out="$("$root/rust/target/release/consumer-app")"
step "run it against the local server: $out"
step "ok"
