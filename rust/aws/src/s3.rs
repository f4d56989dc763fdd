//! `SdkClient` for `aws_sdk_s3::Client` (cargo feature `s3`).

use aws_config::SdkConfig;
use aws_sdk_s3::config::endpoint::{
    DefaultResolver, Endpoint, EndpointFuture, Params, ResolveEndpoint,
};
use clientcache::Value;

use crate::{Error, SdkClient, ServiceOptions};

/// S3 honours, besides the common parameters:
///
/// - `config.s3.addressing_style`: `path` (bucket in the URL path, needed by
///   most S3-compatible test servers), `virtual` (bucket in the host name)
///   or `auto` (the SDK default);
/// - `config.s3.use_accelerate_endpoint` and
///   `config.s3.use_dualstack_endpoint`: booleans;
/// - `use_ssl = false` without `endpoint_url`: the resolved endpoints are
///   used over plain `http://`.
impl SdkClient for aws_sdk_s3::Client {
    const SERVICE_NAME: &'static str = "s3";
    const API_VERSION: &'static str = "2006-03-01";

    fn build(sdk_config: &SdkConfig, options: &mut ServiceOptions) -> Result<Self, Error> {
        let mut builder = aws_sdk_s3::config::Builder::from(sdk_config);
        if let Some(s3) = options.take("s3") {
            let Value::Object(members) = s3 else {
                return Err(Error::invalid("config.s3", "must be an object"));
            };
            for (name, value) in members {
                let path = format!("config.s3.{name}");
                if matches!(value, Value::Null) {
                    continue;
                }
                let flag = || {
                    value
                        .as_bool()
                        .ok_or_else(|| Error::invalid(&path, "must be a boolean"))
                };
                match name.as_str() {
                    "addressing_style" => match value.as_str() {
                        Some("path") => builder = builder.force_path_style(true),
                        Some("virtual") => builder = builder.force_path_style(false),
                        Some("auto") => {
                            builder.set_force_path_style(None);
                        }
                        _ => return Err(Error::invalid(&path, "must be path, virtual or auto")),
                    },
                    "use_accelerate_endpoint" => builder = builder.accelerate(flag()?),
                    "use_dualstack_endpoint" => builder = builder.use_dual_stack(flag()?),
                    _ => {
                        return Err(Error::unsupported(
                            path,
                            "config.s3 takes addressing_style, use_accelerate_endpoint and use_dualstack_endpoint",
                        ));
                    }
                }
            }
        }
        if options.take_plain_http() {
            builder = builder.endpoint_resolver(PlainHttp(DefaultResolver::new()));
        }
        Ok(aws_sdk_s3::Client::from_conf(builder.build()))
    }
}

/// Resolves S3 endpoints as usual, then switches `https://` to `http://`
/// (boto3's `use_ssl=False`).
#[derive(Debug)]
struct PlainHttp(DefaultResolver);

impl ResolveEndpoint for PlainHttp {
    fn resolve_endpoint<'a>(&'a self, params: &'a Params) -> EndpointFuture<'a> {
        let resolved = self.0.resolve_endpoint(params);
        EndpointFuture::new(async move {
            let endpoint = resolved.await?;
            Ok(match endpoint.url().strip_prefix("https://") {
                Some(rest) => {
                    let url = format!("http://{rest}");
                    let mut b = Endpoint::builder().url(url);
                    for (name, values) in endpoint.headers() {
                        for value in values {
                            b = b.header(name.to_owned(), value.to_owned());
                        }
                    }
                    for (name, value) in endpoint.properties() {
                        b = b.property(name.clone(), value.clone());
                    }
                    b.build()
                }
                None => endpoint,
            })
        })
    }
}
