//! Databases as earlier versions of Loa left them: the schema up to one migration, applied as
//! the Loa of that time applied it, and a ward's rows written with the SQL of the migration that
//! introduced their tables. Later migrations only add columns and tables, so each era's SQL stays
//! valid at every later step; columns added later take their defaults, as they did on real
//! databases.
//!
//! The ward, seen from the test clock (Monday 2026-06-01, 15:00 in Hà Nội):
//! - four groups of residential areas 5, 7, 9 and 12, one group that removed the bot, and
//!   resident Lan in private; an admin and an editor;
//! - broadcast 1, a dengue notice confirmed at 14:40, delivered to areas 5 and 7 and still owed
//!   to areas 9 and 12 and to Lan (from 0002 on);
//! - reminders mid-campaign (from 0003 on): waste collection in area 5 every Mon, Wed and Fri at
//!   17:30 from May to August, last fired on Friday and next due today at 17:30, with a holiday
//!   skipped; the summer dengue campaign every Saturday at 08:00, imported from a plan; a paused
//!   monthly meeting.

use std::path::Path;

use loa::store::MIGRATOR;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePool};

/// A group whose broadcast 1 was still owed, and the chats that had it already.
pub const OWED_BROADCAST: [i64; 3] = [-1003, -1004, 501];
pub const HAD_BROADCAST: [i64; 2] = [-1001, -1002];
/// The group of area 5, to which the waste reminder goes.
pub const AREA_5: i64 = -1001;
/// The waste reminder's next fire (Monday 2026-06-01 17:30 in Hà Nội) and the one after it
/// (Wednesday 17:30), in unix milliseconds.
pub const WASTE_NEXT_FIRE: i64 = 1_780_309_800_000;
pub const WASTE_FIRE_AFTER: i64 = 1_780_482_600_000;

/// Rows that a database has from migration `since` on, and queries that read them back as one
/// text each, to compare before and after an upgrade.
pub struct Era {
    pub since: i64,
    pub rows: &'static str,
    pub witnesses: &'static [&'static str],
}

pub const ERAS: [Era; 3] = [
    Era {
        since: 1,
        rows: "
            INSERT INTO chats (id, kind, title, area, lang, active, joined_at, left_at) VALUES
                (-1001, 'group',      'TDP 5 Sài Đồng',        '5',  NULL, 1, 1772416800000, NULL),
                (-1002, 'supergroup', 'Tổ dân phố 7',          '7',  NULL, 1, 1772416800000, NULL),
                (-1003, 'group',      'TDP 9 — khu tập thể',   '9',  'en', 1, 1772416800000, NULL),
                (-1004, 'group',      'Tổ 12 phường Sài Đồng', '12', NULL, 1, 1772416800000, NULL),
                (-1005, 'group',      'TDP 3 (cũ)',            '3',  NULL, 0, 1772416800000, 1776654000000),
                (501,   'private',    'Nguyễn Thị Lan',        NULL, NULL, 1, 1772416800000, NULL);
            INSERT INTO subscriptions (chat_id, topic, created_at) VALUES
                (-1001, 'waste', 1772416800000), (-1001, 'health', 1772416800000),
                (-1002, 'waste', 1772416800000), (-1002, 'health', 1772416800000),
                (-1003, 'health', 1772416800000), (-1004, 'health', 1772416800000),
                (-1005, 'health', 1772416800000), (501, 'health', 1772416800000);
            INSERT INTO officials (user_id, role, added_by, added_at) VALUES
                (42, 'admin', NULL, 1772416800000), (43, 'editor', 42, 1772416800000);",
        witnesses: &[
            "SELECT group_concat(id || '|' || kind || '|' || title || '|' || coalesce(area, '-') || '|'
                 || coalesce(lang, '-') || '|' || active || '|' || joined_at, ';')
             FROM (SELECT * FROM chats ORDER BY id)",
            "SELECT group_concat(chat_id || '|' || topic, ';') FROM (SELECT * FROM subscriptions ORDER BY chat_id, topic)",
            "SELECT group_concat(user_id || '|' || role, ';') FROM (SELECT * FROM officials ORDER BY user_id)",
        ],
    },
    Era {
        since: 2,
        rows: "
            INSERT INTO broadcasts (id, created_at, created_by, topic, areas, pin, urgent, body, revision, not_before)
            VALUES (1, 1780299600000, 42, 'health', '[]', 0, 0,
                    'Phòng chống sốt xuất huyết: các hộ gia đình kiểm tra, đậy kín dụng cụ chứa nước, thả cá diệt bọ gậy.',
                    1, 1780299600000);
            INSERT INTO deliveries (broadcast_id, chat_id, urgent, state, attempts, next_attempt_at, message_id, sent_at, sent_revision)
            VALUES (1, -1001, 0, 'sent',    1, 1780299600000, 7001, 1780299601000, 1),
                   (1, -1002, 0, 'sent',    1, 1780299600000, 7002, 1780299601500, 1),
                   (1, -1003, 0, 'pending', 0, 1780299600000, NULL, NULL, NULL),
                   (1, -1004, 0, 'pending', 0, 1780299600000, NULL, NULL, NULL),
                   (1, 501,   0, 'pending', 0, 1780299600000, NULL, NULL, NULL);
            INSERT INTO audit_log (at, user_id, action, detail) VALUES (1780299600000, 42, 'confirm', 'broadcast 1');",
        witnesses: &[
            "SELECT group_concat(id || '|' || topic || '|' || areas || '|' || body || '|' || revision, ';')
             FROM (SELECT * FROM broadcasts ORDER BY id)",
            "SELECT group_concat(at || '|' || user_id || '|' || action || '|' || detail, ';') FROM audit_log",
        ],
    },
    Era {
        since: 3,
        rows: "
            INSERT INTO reminders (id, created_by, created_at, schedule, window_from, window_to, topic, areas,
                                   pin, urgent, body, status, next_fire_at, import_key)
            VALUES (1, 42, 1777086000000, 'mon,wed,fri@17:30', '2026-05-01', '2026-08-31', 'waste', '[\"5\"]', 0, 0,
                    'Mang rác ra điểm tập kết 18:00–20:00, không để rác qua đêm.', 'active', 1780309800000, NULL),
                   (2, 0, 1777086000000, 'sat@08:00', '2026-06-01', '2026-08-31', 'health', '[]', 1, 0,
                    'Tổng vệ sinh, diệt bọ gậy, lăng quăng phòng sốt xuất huyết.', 'active', 1780707600000,
                    'sot-xuat-huyet-he'),
                   (3, 43, 1777086000000, 'monthly-15@08:00', NULL, NULL, 'meeting', '[]', 0, 0,
                    'Họp tổ dân phố tại nhà văn hoá.', 'paused', 1781485200000, NULL);
            INSERT INTO reminder_skips (reminder_id, day) VALUES (1, '2026-09-02');
            INSERT INTO broadcasts (id, created_at, created_by, topic, areas, pin, urgent, body, revision, not_before,
                                    reminder_id, fire_at, late)
            VALUES (2, 1780050600000, 42, 'waste', '[\"5\"]', 0, 0,
                    'Mang rác ra điểm tập kết 18:00–20:00, không để rác qua đêm.', 1, 1780050600000,
                    1, 1780050600000, 0);
            INSERT INTO deliveries (broadcast_id, chat_id, urgent, state, attempts, next_attempt_at, message_id, sent_at, sent_revision)
            VALUES (2, -1001, 0, 'sent', 1, 1780050600000, 6990, 1780050601000, 1);",
        witnesses: &[
            "SELECT group_concat(id || '|' || schedule || '|' || coalesce(window_from, '-') || '|' || coalesce(window_to, '-')
                 || '|' || topic || '|' || areas || '|' || body || '|' || status || '|' || next_fire_at
                 || '|' || coalesce(import_key, '-'), ';')
             FROM (SELECT * FROM reminders ORDER BY id)",
            "SELECT group_concat(reminder_id || '|' || day, ';') FROM reminder_skips",
        ],
    },
];

/// Creates the database `path` at schema `version`, with the rows of every era it reached.
pub async fn database_at(path: &Path, version: i64) {
    let pool = connect(path).await;
    MIGRATOR.run_to(version, &pool).await.expect("the migrations up to the step");
    for era in ERAS.iter().filter(|era| era.since <= version) {
        sqlx::raw_sql(era.rows).execute(&pool).await.expect("the era's rows");
    }
    pool.close().await;
}

/// The rows of every era that schema `version` reached in the database `path`, each witness as
/// one text.
pub async fn witnesses(path: &Path, version: i64) -> Vec<String> {
    let pool = read_only(path).await;
    let mut read = Vec::new();
    for query in ERAS.iter().filter(|era| era.since <= version).flat_map(|era| era.witnesses) {
        read.push(sqlx::query_scalar(*query).fetch_one(&pool).await.expect("a witness"));
    }
    pool.close().await;
    read
}

/// The newest migration applied in the database at `path`.
pub async fn schema_of(path: &Path) -> i64 {
    let pool = read_only(path).await;
    let version =
        sqlx::query_scalar("SELECT max(version) FROM _sqlx_migrations").fetch_one(&pool).await.unwrap();
    pool.close().await;
    version
}

/// The versions of the migrations this Loa carries, oldest first.
pub fn steps() -> Vec<i64> {
    MIGRATOR.iter().map(|migration| migration.version).collect()
}

async fn connect(path: &Path) -> SqlitePool {
    let options = SqliteConnectOptions::new()
        .filename(path)
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal);
    SqlitePool::connect_with(options).await.expect("the old database")
}

async fn read_only(path: &Path) -> SqlitePool {
    SqlitePool::connect_with(SqliteConnectOptions::new().filename(path).read_only(true))
        .await
        .expect("a database")
}
