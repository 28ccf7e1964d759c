//! Records the commit Loa is built from, for `loa --version` and the start-up log: `LOA_COMMIT`
//! from the environment if set (a Docker build without `.git` can pass it in), else
//! `git rev-parse --short HEAD`, else "unknown".

use std::process::Command;

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-env-changed=LOA_COMMIT");
    let commit = std::env::var("LOA_COMMIT")
        .ok()
        .filter(|commit| !commit.trim().is_empty())
        .or_else(|| git(&["rev-parse", "--short", "HEAD"]))
        .unwrap_or_else(|| "unknown".to_owned());
    println!("cargo:rustc-env=LOA_COMMIT={}", commit.trim());
    // Build again when HEAD moves: a checkout rewrites HEAD, a commit rewrites the branch's ref
    // (or packed-refs). Paths through git itself, since a worktree keeps them elsewhere.
    let branch = git(&["symbolic-ref", "-q", "HEAD"]);
    for name in ["HEAD", "packed-refs"].into_iter().chain(branch.as_deref()) {
        if let Some(path) = git(&["rev-parse", "--git-path", name])
            && std::path::Path::new(&path).exists()
        {
            println!("cargo:rerun-if-changed={path}");
        }
    }
}

/// What git prints for `args`, trimmed; `None` without git, outside a repository, or on failure.
fn git(args: &[&str]) -> Option<String> {
    let output = Command::new("git").args(args).output().ok()?;
    let text = String::from_utf8(output.stdout).ok()?;
    (output.status.success() && !text.trim().is_empty()).then(|| text.trim().to_owned())
}
