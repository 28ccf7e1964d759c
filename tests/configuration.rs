//! The binary refuses bad settings before it touches the database: one line, exit status 2.

use std::process::{Command, Output};

/// Runs `loa` in an empty directory (so no developer's `.env` is read) with only `vars` set.
fn run_loa(vars: &[(&str, &str)], args: &[&str]) -> (Output, tempfile::TempDir) {
    let dir = tempfile::tempdir().expect("temp dir");
    let database = format!("sqlite://{}", dir.path().join("loa.db").display());
    let output = Command::new(env!("CARGO_BIN_EXE_loa"))
        .args(args)
        .current_dir(dir.path())
        .env_clear()
        .env("DATABASE_URL", database)
        .envs(vars.iter().copied())
        .output()
        .expect("loa runs");
    (output, dir)
}

fn stderr_lines(output: &Output) -> Vec<String> {
    String::from_utf8_lossy(&output.stderr).lines().map(str::to_owned).collect()
}

#[test]
fn without_a_token_it_names_the_variable_and_exits_with_status_2() {
    let (output, dir) = run_loa(&[], &[]);
    assert_eq!(output.status.code(), Some(2));
    let lines = stderr_lines(&output);
    assert_eq!(lines.len(), 1, "one line: {lines:?}");
    assert!(lines[0].contains("TELOXIDE_TOKEN") && lines[0].contains("not set"), "{lines:?}");
    assert!(lines[0].contains("expected"), "says the expected form: {lines:?}");
    assert!(!dir.path().join("loa.db").exists(), "the database was not touched");
}

#[test]
fn a_malformed_token_is_refused_without_echoing_it() {
    let (output, _dir) = run_loa(&[("TELOXIDE_TOKEN", "hunter2-secret")], &["run"]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("TELOXIDE_TOKEN"), "{stderr}");
    assert!(!stderr.contains("hunter2"), "the token is never printed: {stderr}");
}

#[test]
fn each_invalid_value_is_named_in_one_line() {
    let token = ("TELOXIDE_TOKEN", "123:abc");
    let cases = [
        (("LOA_LANG", "fr"), "vi or en"),
        (("LOA_TIMEZONE", "Asia/Atlantis"), "IANA"),
        (("LOA_ADMINS", "12,bob"), "numeric user ids"),
        (("TELOXIDE_API_URL", "not a url"), "URL"),
        (("LOA_WEBHOOK_URL", "http://loa.example.vn/telegram"), "https URL"),
        (("LOA_LISTEN", "localhost"), "127.0.0.1:8080"),
        (("LOA_HTTP", "9464"), "127.0.0.1:8080"),
        (("LOA_WEBHOOK_SECRET", "a secret with spaces"), "1 to 256 characters"),
        (("LOA_LOG_FORMAT", "xml"), "text or json"),
        (("LOA_BACKUP_EVERY", "daily"), "24h"),
        (("LOA_BACKUP_DIR", "/var/backups/loa"), "how often"),
    ];
    for ((variable, value), expected) in cases {
        let (output, dir) = run_loa(&[token, (variable, value)], &[]);
        assert_eq!(output.status.code(), Some(2), "{variable}");
        let lines = stderr_lines(&output);
        assert_eq!(lines.len(), 1, "{variable}: {lines:?}");
        assert!(lines[0].contains(variable) && lines[0].contains(expected), "{lines:?}");
        assert!(!lines[0].contains("panicked"), "{lines:?}");
        assert!(!dir.path().join("loa.db").exists(), "{variable}: the database was not touched");
    }
}

#[test]
fn help_documents_the_subcommands_and_every_setting() {
    let (output, _dir) = run_loa(&[], &["--help"]);
    assert!(output.status.success());
    let help = String::from_utf8_lossy(&output.stdout);
    for item in [
        "run",
        "TELOXIDE_TOKEN",
        "TELOXIDE_API_URL",
        "DATABASE_URL",
        "LOA_ADMINS",
        "LOA_TIMEZONE",
        "LOA_LANG",
        "LOA_WEBHOOK_URL",
        "LOA_LISTEN",
        "LOA_HTTP",
        "LOA_LOG_FORMAT",
    ] {
        assert!(help.contains(item), "{item} missing from --help:\n{help}");
    }
}

#[test]
fn with_json_logs_each_line_on_stderr_is_a_json_object() {
    // Nothing listens on port 1: Loa cannot reach the Bot API and stops with an error.
    let vars = [
        ("TELOXIDE_TOKEN", "123:abc"),
        ("TELOXIDE_API_URL", "http://127.0.0.1:1"),
        ("LOA_LOG_FORMAT", "json"),
    ];
    let (output, _dir) = run_loa(&vars, &["run"]);
    assert_eq!(output.status.code(), Some(1));
    let lines = stderr_lines(&output);
    assert!(!lines.is_empty());
    for line in &lines {
        let event: serde_json::Value =
            serde_json::from_str(line).unwrap_or_else(|_| panic!("not JSON: {line}"));
        assert!(event["level"].is_string() && event["message"].is_string(), "{line}");
    }
    let last: serde_json::Value = serde_json::from_str(lines.last().unwrap()).unwrap();
    assert_eq!(
        (last["level"].as_str(), last["message"].as_str()),
        (Some("ERROR"), Some("loa stopped on an error"))
    );
    assert!(!lines.iter().any(|line| line.contains("123:abc")), "the token is never logged");
}

#[test]
fn an_address_already_in_use_stops_it_before_it_talks_to_telegram() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let address = taken.local_addr().unwrap().to_string();
    let vars =
        [("TELOXIDE_TOKEN", "123:abc"), ("TELOXIDE_API_URL", "http://127.0.0.1:1"), ("LOA_HTTP", &address)];
    let (output, _dir) = run_loa(&vars, &["run"]);
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains(&format!("cannot listen on {address}")), "{stderr}");
    assert!(!stderr.contains("Bot API") && !stderr.contains("telegram"), "it stopped first: {stderr}");
}

#[test]
fn version_names_the_release_and_the_commit_it_was_built_from() {
    let (output, _dir) = run_loa(&[], &["--version"]);
    assert!(output.status.success());
    let git = Command::new("git")
        .args(["rev-parse", "--short", "HEAD"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output();
    let commit = match git {
        Ok(git) if git.status.success() => String::from_utf8_lossy(&git.stdout).trim().to_owned(),
        _ => "unknown".to_owned(),
    };
    let version = String::from_utf8_lossy(&output.stdout);
    assert_eq!(version, format!("loa {} ({commit})\n", env!("CARGO_PKG_VERSION")));
}
