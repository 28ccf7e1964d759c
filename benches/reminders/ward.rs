//! The seeded ward both scenarios start from: 1,000 groups and 10,000 reminders in a fresh
//! SQLite file, written through the library.

use std::{
    collections::{HashMap, HashSet},
    time::{Duration, Instant},
};

use chrono::{DateTime, TimeDelta, Timelike, Utc};
use chrono_tz::{Asia::Ho_Chi_Minh, Tz};
use loa::{
    domain::{AreaCode, Content, PostRequest, Schedule, TopicSelection, When, Window},
    store::{ChatInfo, ChatKind, NewReminder, Store},
};
use sqlx::sqlite::SqlitePool;
use tempfile::TempDir;

use crate::support::fake_telegram::FakeTelegram;

/// Named in LOA_ADMINS; the bench sends no command.
pub const ADMIN: i64 = 42;
/// Group i is FIRST_GROUP - i, bound to area i + 1.
const FIRST_GROUP: i64 = -1_000_001;
/// Reminders due at D, one per group.
pub const DUE: usize = 1_000;
/// Reminders due later.
pub const LATER: usize = 9_000;
const TOPICS: [&str; 6] = ["waste", "health", "civic", "security", "meeting", "general"];
/// The ward's zone (LOA_TIMEZONE's default), in which D is the start of a minute.
pub const ZONE: Tz = Ho_Chi_Minh;
const BODY: &str = "Đề nghị các hộ gia đình để rác sinh hoạt tại điểm tập kết từ 18:00 đến 20:00, \
phân loại rác tái chế, không vứt rác xuống cống, ao hồ. Xe thu gom đi qua các ngõ trong tổ.";
/// The later reminders are next due at least this long after D.
const LATER_AFTER: TimeDelta = TimeDelta::hours(1);

/// What was seeded, in a temporary directory that also holds loa's log.
pub struct Ward {
    pub dir: TempDir,
    pub database_url: String,
    pub groups: Vec<i64>,
    /// When the `due-<i>` reminders fire.
    pub d: DateTime<Utc>,
    /// The `later-<j>` reminders' next fires (unix milliseconds) by import key.
    later: HashMap<String, i64>,
}

impl Ward {
    /// Seeds the groups, then the reminders, with D the start of the first minute at least `lead`
    /// after the groups are seeded.
    pub async fn seed(lead: Duration) -> Result<Ward, String> {
        let dir = tempfile::tempdir().map_err(|e| format!("temp dir: {e}"))?;
        let database_url = format!("sqlite://{}", dir.path().join("loa.db").display());
        let groups: Vec<i64> = (0..DUE as i64).map(|i| FIRST_GROUP - i).collect();
        let seeding = Instant::now();
        let store = Store::connect(&database_url).await.map_err(|e| format!("seed: {e}"))?;
        seed_groups(&store, &groups).await?;
        let d = start_of_minute_after(Utc::now() + lead);
        let later = seed_reminders(&store, d).await?;
        store.pool().close().await;
        eprintln!(
            "  seeded {} groups and {} reminders in {:.1} s; D = {} ({} local), in {:.1} s",
            groups.len(),
            DUE + LATER,
            seeding.elapsed().as_secs_f64(),
            d.format("%H:%M:%S UTC"),
            d.with_timezone(&ZONE).format("%H:%M"),
            (d - Utc::now()).as_seconds_f64()
        );
        Ok(Ward { dir, database_url, groups, d, later })
    }

    /// Seeded reminders other than `due-<i>` that fired, were counted as missed, or whose next
    /// fire changed.
    pub async fn later_moved(&self, db: &SqlitePool) -> Result<usize, String> {
        let rows: Vec<(String, String, Option<i64>, i64)> = sqlx::query_as(
            "SELECT import_key, status, next_fire_at, missed FROM reminders WHERE import_key LIKE 'later-%'",
        )
        .fetch_all(db)
        .await
        .map_err(|e| format!("the later reminders: {e}"))?;
        let unchanged = rows
            .iter()
            .filter(|(key, status, next, missed)| {
                status == "active" && *missed == 0 && next.is_some() && self.later.get(key) == next.as_ref()
            })
            .count();
        let fired = scalar_count(
            db,
            "SELECT count(*) FROM broadcasts b JOIN reminders r ON r.id = b.reminder_id
             WHERE r.import_key LIKE 'later-%'",
            &[],
        )
        .await?;
        Ok(self.later.len() - unchanged + fired)
    }
}

/// D: the first start of a minute in the ward's zone at or after `earliest`.
fn start_of_minute_after(earliest: DateTime<Utc>) -> DateTime<Utc> {
    let local = earliest.with_timezone(&ZONE);
    let minute = local.with_second(0).and_then(|t| t.with_nanosecond(0)).expect("a valid local time");
    let minute = if minute < local { minute + TimeDelta::minutes(1) } else { minute };
    minute.to_utc()
}

/// Records the groups as if each group's admin had sent `/area <i + 1>` and `/subscribe <topic>`,
/// through the library's own calls.
async fn seed_groups(store: &Store, groups: &[i64]) -> Result<(), String> {
    let now = Utc::now();
    for (i, &id) in groups.iter().enumerate() {
        let chat = ChatInfo { id, kind: ChatKind::Group, title: format!("Tổ dân phố {}", i + 1) };
        store.touch_chat(&chat, now).await.map_err(|e| format!("seed chat {id}: {e}"))?;
        store.set_area(id, Some(&area(i))).await.map_err(|e| format!("seed area {id}: {e}"))?;
        let topic = TopicSelection::Some(vec![TOPICS[i % TOPICS.len()].into()]);
        store.subscribe(id, &topic, now).await.map_err(|e| format!("seed subscription {id}: {e}"))?;
    }
    Ok(())
}

fn area(i: usize) -> AreaCode {
    AreaCode::parse(&(i + 1).to_string()).expect("a number is an area code")
}

/// A post that reaches group i and no other: its topic, its area only.
pub fn post_to_group(i: usize, body: String) -> PostRequest {
    PostRequest {
        topic: TOPICS[i % TOPICS.len()].into(),
        areas: vec![area(i)],
        pin: false,
        urgent: false,
        text_apart: false,
        ack: None,
        body,
    }
}

/// A reminder for group i with `when`, next due at `at`; `when` must give `at` as its fire.
pub fn reminder_for_group(
    i: usize,
    when: String,
    at: DateTime<Utc>,
    import_key: Option<String>,
) -> Result<NewReminder, String> {
    if schedule(&when)?.next_fire_after(at - TimeDelta::seconds(1), ZONE) != Some(at) {
        return Err(format!("{when} does not fire at {at}"));
    }
    let request = post_to_group(i, format!("Tổ dân phố {}: {BODY}", i + 1));
    Ok(NewReminder {
        when,
        window: Window::default(),
        content: Content::text(request.body.clone()),
        request,
        next_fire_at: Some(at),
        import_key,
    })
}

/// Imports the reminders in one transaction: `due-<i>` at D for group i, `later-<j>` next due at
/// least an hour after D. Returns the later ones' next fires by import key.
async fn seed_reminders(store: &Store, d: DateTime<Utc>) -> Result<HashMap<String, i64>, String> {
    let when = When::Daily { at: d.with_timezone(&ZONE).time() }.to_storage();
    let mut plan = Vec::with_capacity(DUE + LATER);
    for i in 0..DUE {
        plan.push(reminder_for_group(i, when.clone(), d, Some(format!("due-{i}")))?);
    }
    let mut later = HashMap::with_capacity(LATER);
    for j in 0..LATER {
        let (hour, minute) = (6 + j % 16, (j * 7) % 60);
        let token = match j % 4 {
            0 => format!("daily@{hour:02}:{minute:02}"),
            1 => format!("{}@{hour:02}:{minute:02}", ["mon,wed,fri", "tue,thu", "sat", "cn"][j / 4 % 4]),
            2 => format!("monthly-{}@{hour:02}:{minute:02}", 1 + j % 28),
            _ => format!("\"0 {minute} {hour} * * *\""),
        };
        let when = When::parse(&token).map_err(|e| format!("{token}: {e}"))?.to_storage();
        let next = schedule(&when)?
            .next_fire_after(d + LATER_AFTER, ZONE)
            .ok_or_else(|| format!("{when} never fires after D"))?;
        let key = format!("later-{j}");
        later.insert(key.clone(), next.timestamp_millis());
        let body = format!("Nhắc việc {}: {BODY}", j + 1);
        plan.push(NewReminder {
            when,
            window: Window::default(),
            content: Content::text(body.clone()),
            request: PostRequest {
                topic: TOPICS[j % TOPICS.len()].into(),
                // Every third one is ward-wide.
                areas: if j % 3 == 0 { Vec::new() } else { vec![area(j % DUE)] },
                pin: j % 5 == 0,
                urgent: false,
                text_apart: false,
                ack: None,
                body,
            },
            next_fire_at: Some(next),
            import_key: Some(key),
        });
    }
    let ids = store.import_reminders(&plan, Utc::now()).await.map_err(|e| format!("import: {e}"))?;
    let created = ids.iter().flatten().count();
    if created != plan.len() {
        return Err(format!("the import created {created} of {} reminders", plan.len()));
    }
    Ok(later)
}

fn schedule(when: &str) -> Result<Schedule, String> {
    let when = When::parse(when).map_err(|e| format!("{when}: {e}"))?;
    Ok(Schedule { when, from: None, to: None, skipped: Default::default() })
}

/// The `due-<i>` reminders still active, never missed, and next due at `at`.
pub async fn due_reminders_next_at(db: &SqlitePool, at: DateTime<Utc>) -> Result<usize, String> {
    scalar_count(
        db,
        "SELECT count(*) FROM reminders
         WHERE import_key LIKE 'due-%' AND status = 'active' AND next_fire_at = ?1 AND missed = 0",
        &[at.timestamp_millis()],
    )
    .await
}

/// What the fake received for `groups`: the first sendMessage to each, and the counts that
/// should be zero.
pub struct Receipts {
    pub first_send: HashMap<i64, Instant>,
    /// Groups that received no message, more than one, and messages to other chats.
    pub lost: usize,
    pub duplicates: usize,
    pub stray: usize,
}

impl Receipts {
    pub fn of(fake: &FakeTelegram, groups: &[i64]) -> Receipts {
        let group_set: HashSet<i64> = groups.iter().copied().collect();
        let mut first_send: HashMap<i64, Instant> = HashMap::new();
        for call in fake.calls_to("sendMessage") {
            if let Some(chat) = call.body["chat_id"].as_i64().filter(|chat| group_set.contains(chat)) {
                first_send.entry(chat).or_insert(call.at);
            }
        }
        let mut received: HashMap<i64, usize> = groups.iter().map(|&chat| (chat, 0)).collect();
        let mut stray = 0;
        for message in fake.sent_messages() {
            match received.get_mut(&message.chat_id) {
                Some(count) => *count += 1,
                None => stray += 1,
            }
        }
        Receipts {
            first_send,
            lost: received.values().filter(|n| **n == 0).count(),
            duplicates: received.values().filter(|n| **n > 1).count(),
            stray,
        }
    }

    /// Messages beyond one per group.
    pub fn extra(&self) -> usize {
        self.duplicates + self.stray
    }
}

pub async fn scalar(db: &SqlitePool, sql: &'static str, binds: &[i64]) -> Result<Option<i64>, String> {
    let mut query = sqlx::query_scalar(sql);
    for bind in binds {
        query = query.bind(*bind);
    }
    query.fetch_one(db).await.map_err(|e| format!("{sql}: {e}"))
}

pub async fn scalar_count(db: &SqlitePool, sql: &'static str, binds: &[i64]) -> Result<usize, String> {
    Ok(scalar(db, sql, binds).await?.unwrap_or(0) as usize)
}
