//! `clientcache-key`: what an operator runs when two services did not share
//! a client. It prints a key's canonical form, fingerprint and label, or the
//! parameter paths where two keys differ (secrets shown as `***`). The rules
//! are in docs/identity.md.

use std::io::{BufRead, Read, Write};
use std::process::ExitCode;

use clientcache::{Key, Kind};

const USAGE: &str = "\
usage:
  clientcache-key [--resource] SERVICE [PARAMS_JSON]
      the canonical form, fingerprint and label of one key
  clientcache-key diff [--resource] SERVICE_A PARAMS_A SERVICE_B PARAMS_B
      the paths where two keys differ; exit status 0 when they are equal, 1 when not
  clientcache-key lines [--resource] SERVICE
      one params JSON text per input line; prints each key's canonical form
      (or `error: ...`) on its own line, for scripts

PARAMS_JSON is a JSON object in boto3's vocabulary (region_name, endpoint_url,
aws_access_key_id, ..., config); `-` reads it from standard input; omitted
means no params. Secrets never appear in the output.";

fn main() -> ExitCode {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    if args.iter().any(|a| a == "-h" || a == "--help") {
        println!("{USAGE}");
        return ExitCode::SUCCESS;
    }
    let kind = match args.iter().position(|a| a == "--resource") {
        Some(i) => {
            args.remove(i);
            Kind::Resource
        }
        None => Kind::Client,
    };
    let result = match args.first().map(String::as_str) {
        Some("diff") => diff(kind, &args[1..]),
        Some("lines") => lines(kind, &args[1..]),
        Some(_) => show(kind, &args),
        None => Err(USAGE.to_owned()),
    };
    match result {
        Ok(code) => code,
        Err(message) => {
            eprintln!("clientcache-key: {message}");
            ExitCode::from(2)
        }
    }
}

fn params_text(arg: Option<&String>) -> Result<String, String> {
    match arg.map(String::as_str) {
        None => Ok(String::new()),
        Some("-") => {
            let mut text = String::new();
            std::io::stdin()
                .read_to_string(&mut text)
                .map_err(|e| format!("reading params from standard input: {e}"))?;
            Ok(text)
        }
        Some(text) => Ok(text.to_owned()),
    }
}

fn key(kind: Kind, service: &str, params: &str) -> Result<Key, String> {
    Key::from_json(kind, service, params.as_bytes()).map_err(|e| e.to_string())
}

fn show(kind: Kind, args: &[String]) -> Result<ExitCode, String> {
    let (service, rest) = args.split_first().ok_or(USAGE)?;
    if rest.len() > 1 {
        return Err(USAGE.to_owned());
    }
    let key = key(kind, service, &params_text(rest.first())?)?;
    println!("canonical:   {}", key.canonical());
    println!("fingerprint: {}", key.fingerprint());
    println!("label:       {}", key.label());
    Ok(ExitCode::SUCCESS)
}

fn diff(kind: Kind, args: &[String]) -> Result<ExitCode, String> {
    let [service_a, params_a, service_b, params_b] = args else {
        return Err(USAGE.to_owned());
    };
    let a = key(kind, service_a, &params_text(Some(params_a))?)?;
    let b = key(kind, service_b, &params_text(Some(params_b))?)?;
    let differences = a.diff(&b);
    if differences.is_empty() {
        println!("same key: {}", a.fingerprint());
        return Ok(ExitCode::SUCCESS);
    }
    println!("{} != {}", a.fingerprint(), b.fingerprint());
    for d in differences {
        println!("{d}");
    }
    Ok(ExitCode::from(1))
}

fn lines(kind: Kind, args: &[String]) -> Result<ExitCode, String> {
    let [service] = args else {
        return Err(USAGE.to_owned());
    };
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    for line in std::io::stdin().lock().lines() {
        let line = line.map_err(|e| format!("reading standard input: {e}"))?;
        let written = match key(kind, service, &line) {
            Ok(key) => writeln!(out, "{}", key.canonical()),
            Err(message) => writeln!(out, "error: {message}"),
        };
        written.map_err(|e| format!("writing standard output: {e}"))?;
    }
    out.flush()
        .map_err(|e| format!("writing standard output: {e}"))?;
    Ok(ExitCode::SUCCESS)
}
