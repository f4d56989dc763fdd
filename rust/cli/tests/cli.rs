//! `clientcache-key` as the README describes it: show, diff (exit 0/1),
//! `--resource`, `-` for standard input, `lines`, and exit 2 on bad input.

use std::io::Write;
use std::process::{Command, Output, Stdio};

fn run(args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_clientcache-key"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

#[test]
fn shows_canonical_form_fingerprint_and_label() {
    let o = run(&["s3", r#"{"region_name":"us-west-2"}"#], "");
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(
        stdout(&o),
        "canonical:   {\"kind\":\"client\",\"params\":{\"region_name\":\"us-west-2\"},\"service_name\":\"s3\",\"version\":1}\n\
         fingerprint: 51d802ed30a8aab03f2a9901d39a2dc3\n\
         label:       s3(region_name=\"us-west-2\")\n"
    );
    let from_stdin = run(&["--resource", "s3", "-"], r#"{"region_name":"us-west-2"}"#);
    assert!(stdout(&from_stdin).contains(r#"{"kind":"resource","#));
    let none = run(&["sqs"], "");
    assert!(stdout(&none).contains("label:       sqs()"));
}

#[test]
fn diff_lists_paths_hides_secrets_and_sets_the_exit_status() {
    let o = run(
        &[
            "diff",
            "s3",
            r#"{"region_name":"us-west-2"}"#,
            "s3",
            r#"{"region_name":"eu-west-1","aws_session_token":"tok-SECRET"}"#,
        ],
        "",
    );
    assert_eq!(o.status.code(), Some(1));
    let text = stdout(&o);
    assert!(
        text.starts_with("51d802ed30a8aab03f2a9901d39a2dc3 != "),
        "{text}"
    );
    assert!(text.ends_with(
        "aws_session_token: (absent) -> \"***\"\nregion_name: \"us-west-2\" -> \"eu-west-1\"\n"
    ));
    assert!(!text.contains("SECRET"));
    let same = run(
        &[
            "diff",
            "s3",
            r#"{"region_name":"x","verify":null}"#,
            "s3",
            r#"{ "region_name" : "x" }"#,
        ],
        "",
    );
    assert_eq!(same.status.code(), Some(0));
    assert!(stdout(&same).starts_with("same key: "));
}

#[test]
fn lines_gives_one_canonical_form_or_error_per_line() {
    let o = run(
        &["lines", "s3"],
        "{\"config\":{\"x\":2586107838255.15625}}\n{\"regin_name\":\"x\"}\n{}\n",
    );
    assert_eq!(o.status.code(), Some(0));
    let lines: Vec<String> = stdout(&o).lines().map(str::to_owned).collect();
    assert_eq!(lines.len(), 3);
    assert_eq!(
        lines[0],
        r#"{"kind":"client","params":{"config":{"x":2586107838255.1562}},"service_name":"s3","version":1}"#
    );
    assert!(lines[1].starts_with("error: ") && lines[1].contains("regin_name"));
    assert_eq!(
        lines[2],
        r#"{"kind":"client","params":{},"service_name":"s3","version":1}"#
    );
}

#[test]
fn bad_input_exits_2_with_a_message_and_no_secret() {
    let o = run(&["s3", r#"{"aws_secret_access_key":["hunter2"]}"#], "");
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8(o.stderr).unwrap();
    assert!(
        err.contains("aws_secret_access_key") && !err.contains("hunter2"),
        "{err}"
    );
    assert_eq!(run(&["S3"], "").status.code(), Some(2));
    assert_eq!(run(&["diff", "s3"], "").status.code(), Some(2));
}
