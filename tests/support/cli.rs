//! The built `loa` binary, run as an operator would run it.

use std::{path::Path, process::Output};

/// Runs `loa args` in `dir` (so no developer's `.env` is read) on the database `dir/loa.db`,
/// with only `vars` set besides.
pub async fn loa(dir: &Path, args: &[&str], vars: &[(&str, &str)]) -> Output {
    tokio::process::Command::new(env!("CARGO_BIN_EXE_loa"))
        .args(args)
        .current_dir(dir)
        .env_clear()
        .env("DATABASE_URL", format!("sqlite://{}", dir.join("loa.db").display()))
        .envs(vars.iter().copied())
        .output()
        .await
        .expect("loa runs")
}

pub fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}
