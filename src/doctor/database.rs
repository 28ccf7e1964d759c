//! The database: where it is and how big, its schema against this binary's migrations, and
//! SQLite's quick check. Opened read-only: the doctor changes nothing.

use std::{
    path::{Path, PathBuf},
    str::FromStr,
};

use sqlx::sqlite::SqliteConnectOptions;

use super::{Finding, say};
use crate::{
    config::Settings,
    domain::Lang,
    store::{SchemaError, SchemaState, Store},
};

/// Adds what it finds to `findings`; returns the database if the rest of the checks can read
/// it (its schema is this binary's).
pub(super) async fn examine(settings: &Settings, findings: &mut Vec<Finding>) -> Option<Store> {
    let lang = settings.default_lang;
    let path = SqliteConnectOptions::from_str(&settings.database_url)
        .map(|options| options.get_filename().to_owned())
        .unwrap_or_else(|_| PathBuf::from(&settings.database_url));
    let shown = std::fs::canonicalize(&path).unwrap_or_else(|_| path.clone());
    let shown = shown.display();
    let Ok(metadata) = std::fs::metadata(&path) else {
        findings.push(Finding::problem(
            say(
                lang,
                format!("Không có cơ sở dữ liệu tại {shown}"),
                format!("There is no database at {shown}"),
            ),
            say(
                lang,
                "kiểm tra DATABASE_URL; `loa run` tạo cơ sở dữ liệu khi chưa có",
                "check DATABASE_URL; `loa run` creates the database when there is none",
            ),
        ));
        return None;
    };
    let size = human_size(metadata.len() + wal_size(&path));
    let store = match Store::open_read_only(&settings.database_url).await {
        Ok(store) => store,
        Err(error) => {
            findings.push(Finding::problem(
                say(
                    lang,
                    format!("Không mở được cơ sở dữ liệu {shown}: {error}"),
                    format!("The database {shown} cannot be opened: {error}"),
                ),
                say(
                    lang,
                    "kiểm tra quyền đọc tệp và thư mục của nó",
                    "check the permissions of the file and its directory",
                ),
            ));
            return None;
        }
    };
    findings.push(Finding::ok(say(
        lang,
        format!("Cơ sở dữ liệu {shown}: {size}"),
        format!("Database {shown}: {size}"),
    )));
    let current = match store.schema_state().await {
        Ok(schema) => {
            let finding = schema_finding(lang, &schema);
            let current = finding.is_ok();
            findings.push(finding);
            current
        }
        Err(error) => {
            findings.push(unreadable(lang, &error.to_string()));
            false
        }
    };
    findings.push(match store.quick_check().await {
        Ok(lines) if lines == ["ok"] => {
            Finding::ok(say(lang, "Kiểm tra toàn vẹn (quick_check): ổn", "Integrity (quick_check): ok"))
        }
        Ok(lines) => unreadable(lang, &lines.join("; ")),
        Err(error) => unreadable(lang, &error.to_string()),
    });
    current.then_some(store)
}

fn schema_finding(lang: Lang, schema: &SchemaState) -> Finding {
    let version = schema.version.map_or_else(|| "—".to_owned(), |version| format!("{version:04}"));
    match &schema.pending {
        Ok(pending) if pending.is_empty() => Finding::ok(say(
            lang,
            format!("Lược đồ ở phiên bản {version}, đúng với bản Loa này"),
            format!("The schema is at version {version}, as this Loa expects"),
        )),
        Ok(pending) => {
            let list = pending.iter().map(|version| format!("{version:04}")).collect::<Vec<_>>().join(", ");
            Finding::problem(
                say(
                    lang,
                    format!(
                        "Lược đồ ở phiên bản {version}; còn {} bản cập nhật chưa áp dụng: {list}",
                        pending.len()
                    ),
                    format!(
                        "The schema is at version {version}; {} migration(s) not applied: {list}",
                        pending.len()
                    ),
                ),
                say(
                    lang,
                    "dừng Loa đang chạy, rồi chạy `loa migrate` (hoặc khởi động bản này bằng `loa run`): nó sao \
                     lưu cơ sở dữ liệu rồi áp dụng chúng",
                    "stop the Loa that is running, then run `loa migrate` (or start this one with `loa run`), \
                     which copies the database and applies them",
                ),
            )
        }
        Err(SchemaError::Newer { .. }) => Finding::problem(
            say(
                lang,
                format!("Lược đồ ở phiên bản {version}, mới hơn bản Loa này"),
                format!("The schema is at version {version}, newer than this Loa"),
            ),
            say(lang, "dùng bản Loa mới hơn đã cập nhật nó", "run the newer Loa that migrated it"),
        ),
        Err(SchemaError::Changed(changed)) => Finding::problem(
            say(
                lang,
                format!("Bản cập nhật {changed:04} trong cơ sở dữ liệu khác với của bản Loa này"),
                format!("Migration {changed:04} in the database differs from this Loa's"),
            ),
            say(
                lang,
                "dùng bản Loa đã cập nhật cơ sở dữ liệu này (bản này được dựng từ mã nguồn khác)",
                "run the Loa that migrated the database (this one was built from other sources)",
            ),
        ),
        Err(other) => unreadable(lang, &other.to_string()),
    }
}

fn unreadable(lang: Lang, problem: &str) -> Finding {
    Finding::problem(
        say(lang, format!("Cơ sở dữ liệu có lỗi: {problem}"), format!("The database is damaged: {problem}")),
        say(lang, "dừng Loa và khôi phục bản sao lưu gần nhất", "stop Loa and restore the latest backup"),
    )
}

/// What the write-ahead log holds beside the file, not yet checkpointed into it.
fn wal_size(database: &Path) -> u64 {
    let mut wal = database.as_os_str().to_owned();
    wal.push("-wal");
    std::fs::metadata(wal).map_or(0, |metadata| metadata.len())
}

fn human_size(bytes: u64) -> String {
    match bytes {
        0..1_000_000 => format!("{} KB", bytes.div_ceil(1000)),
        _ => format!("{:.1} MB", bytes as f64 / 1e6),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn schema(pending: Result<Vec<i64>, SchemaError>) -> SchemaState {
        SchemaState { version: Some(13), pending }
    }

    #[test]
    fn a_schema_behind_ahead_or_changed_is_a_problem() {
        assert!(schema_finding(Lang::En, &schema(Ok(vec![]))).is_ok());
        let behind = schema_finding(Lang::En, &schema(Ok(vec![14, 15])));
        assert_eq!(behind.text, "The schema is at version 0013; 2 migration(s) not applied: 0014, 0015");
        assert!(behind.fix.unwrap().contains("loa migrate"));
        let ahead = schema_finding(Lang::Vi, &schema(Err(SchemaError::Newer { database: 13, known: 12 })));
        assert!(ahead.text.contains("mới hơn"), "{}", ahead.text);
        let changed = schema_finding(Lang::En, &schema(Err(SchemaError::Changed(12))));
        assert!(changed.text.contains("0012") && !changed.is_ok(), "{}", changed.text);
    }

    #[test]
    fn sizes_read_as_people_write_them() {
        assert_eq!(human_size(0), "0 KB");
        assert_eq!(human_size(4096), "5 KB");
        assert_eq!(human_size(2_345_678), "2.3 MB");
    }
}
