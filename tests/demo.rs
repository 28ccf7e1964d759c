//! `loa demo` through its page's HTTP API, as the browser uses it: the real Loa on the built-in
//! Bot API, the ward seeded, people sending, tapping and skipping time.

use std::time::Duration;

use chrono::Utc;
use loa::playground::demo::Playground;
use serde_json::{Value, json};
use tokio::{net::TcpListener, task::JoinHandle};
use tokio_util::sync::CancellationToken;

const TDP5: i64 = -1_001_000_000_005;
const TDP7: i64 = -1_001_000_000_007;
const OFFICIAL: i64 = 101;
const GROUP_ADMIN: i64 = 102;
const MEMBER: i64 = 103;
const RESIDENT: i64 = 104;
/// For the bot's answers, paced under Telegram's limits as the demo is.
const DEADLINE: Duration = Duration::from_secs(15);

struct Page {
    url: String,
    http: reqwest::Client,
    shutdown: CancellationToken,
    served: JoinHandle<Result<(), loa::playground::demo::DemoError>>,
    _dir: tempfile::TempDir,
}

impl Page {
    /// The demo on a fresh database, its page on a free port; returns once the ward is set up.
    async fn start() -> Page {
        let dir = tempfile::tempdir().unwrap();
        let database_url = format!("sqlite://{}", dir.path().join("demo.db").display());
        let shutdown = CancellationToken::new();
        let playground = Playground::start(&database_url, shutdown.clone()).await.expect("the demo starts");
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let served = tokio::spawn(playground.serve(listener, shutdown.clone()));
        Page { url, http: reqwest::Client::new(), shutdown, served, _dir: dir }
    }

    async fn get(&self, path: &str) -> Value {
        let response = self.http.get(format!("{}{path}", self.url)).send().await.unwrap();
        assert!(response.status().is_success(), "GET {path}: {}", response.status());
        response.json().await.unwrap()
    }

    async fn post(&self, path: &str, body: Value) -> reqwest::StatusCode {
        self.http.post(format!("{}{path}", self.url)).json(&body).send().await.unwrap().status()
    }

    async fn say(&self, chat: i64, from: i64, text: &str) -> reqwest::StatusCode {
        self.post(&format!("/api/chats/{chat}/messages"), json!({ "from": from, "text": text })).await
    }

    /// Polls `chat` until one of its messages satisfies `check`; returns that message.
    async fn message_in(&self, chat: i64, what: &str, check: impl Fn(&Value) -> bool) -> Value {
        let give_up = tokio::time::Instant::now() + DEADLINE;
        loop {
            let view = self.get(&format!("/api/chats/{chat}")).await;
            if let Some(found) =
                view["messages"].as_array().unwrap().iter().rev().find(|message| check(message))
            {
                return found.clone();
            }
            assert!(tokio::time::Instant::now() < give_up, "no {what} in chat {chat}: {view:#}");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// The bot's latest message in `chat` whose text contains `text`.
    async fn bot_says(&self, chat: i64, text: &str) -> Value {
        self.message_in(chat, text, |message| message["from"].is_null() && contains(message, text)).await
    }

    /// Stops the demo as Ctrl-C does, and checks that it stopped cleanly.
    async fn stop(self) {
        self.shutdown.cancel();
        let stopped = tokio::time::timeout(DEADLINE, self.served).await.expect("the demo stops");
        stopped.unwrap().expect("the demo stops without an error");
    }
}

fn contains(message: &Value, text: &str) -> bool {
    message["text"].as_str().is_some_and(|shown| shown.contains(text))
}

fn texts(view: &Value) -> Vec<String> {
    view["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|message| message["text"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn the_seeded_ward_answers_upcoming_in_a_group_with_the_plan_moved_to_today() {
    let page = Page::start().await;
    // Set up by its admin before the page was served.
    let set_up = texts(&page.get(&format!("/api/chats/{TDP5}")).await);
    assert!(set_up.iter().any(|text| text == "/area 5"), "{set_up:?}");
    assert!(set_up.iter().any(|text| text.contains("Đã gắn chat này với tổ dân phố 5")), "{set_up:?}");

    assert_eq!(page.say(TDP5, MEMBER, "/upcoming").await, 204);
    let upcoming = page.bot_says(TDP5, "Lịch 7 ngày tới").await;
    // Area 5's waste collection, Mondays, Wednesdays and Fridays.
    assert!(contains(&upcoming, "Tổ dân phố số 5: tối nay có xe thu gom rác"), "{upcoming}");
    // The summer campaign of the example plan (2027-06-01 to 08-31) runs from today instead.
    assert!(contains(&upcoming, "Phòng chống dịch bệnh"), "{upcoming}");
    assert!(!contains(&upcoming, "Tổ dân phố số 1"), "area 1's reminders are not area 5's: {upcoming}");
    page.stop().await;
}

#[tokio::test]
async fn a_plain_member_is_refused_subscribe_and_cannot_write_in_someone_elses_private_chat() {
    let page = Page::start().await;
    assert_eq!(page.say(TDP7, MEMBER, "/subscribe").await, 204);
    page.bot_says(TDP7, "chỉ quản trị viên của nhóm").await;
    let shown =
        page.message_in(TDP7, "the member's message", |message| message["from"]["id"] == MEMBER).await;
    assert_eq!(shown["from"]["name"], "Chị Lan");

    assert_eq!(page.say(OFFICIAL, MEMBER, "/post").await, 403, "the official's private chat is theirs");
    assert_eq!(page.say(RESIDENT, OFFICIAL, "/help").await, 403);
    assert_eq!(page.say(TDP7, 999, "/help").await, 400, "nobody of the ward");
    assert_eq!(page.say(-42, GROUP_ADMIN, "/help").await, 403, "not a chat of the ward");
    page.stop().await;
}

#[tokio::test]
async fn tapping_the_composed_announcements_buttons_moves_the_flow_on() {
    let page = Page::start().await;
    assert_eq!(page.say(OFFICIAL, OFFICIAL, "Tối nay 19:30 họp tổ dân phố tại nhà văn hoá.").await, 204);
    let flow = page.bot_says(OFFICIAL, "Bước 1/3").await;
    let meeting = flow["buttons"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|row| row.as_array().unwrap())
        .find(|button| button["text"] == "Họp, hội nghị")
        .expect("a button per topic");
    let tap = json!({ "from": OFFICIAL, "message_id": flow["message_id"], "data": meeting["callback_data"] });
    assert_eq!(page.post(&format!("/api/chats/{OFFICIAL}/taps"), tap).await, 204);

    // The same message, edited in place.
    let edited = page.bot_says(OFFICIAL, "Bước 2/3").await;
    assert_eq!(edited["message_id"], flow["message_id"]);
    assert!(contains(&edited, "Chủ đề: Họp, hội nghị"), "{edited}");
    let missing = json!({ "from": OFFICIAL, "message_id": 999, "data": "cf:1:a:ward" });
    assert_eq!(page.post(&format!("/api/chats/{OFFICIAL}/taps"), missing).await, 404);
    page.stop().await;
}

#[tokio::test]
async fn a_picture_from_the_computer_becomes_a_photo_the_bot_offers_to_announce_and_the_page_shows() {
    let page = Page::start().await;
    let png = b"\x89PNG\r\n\x1a\n a poster".to_vec();
    let file =
        reqwest::multipart::Part::bytes(png.clone()).file_name("ap-phich.png").mime_str("image/png").unwrap();
    let form = reqwest::multipart::Form::new()
        .text("from", OFFICIAL.to_string())
        .text("caption", "Chiến dịch diệt lăng quăng")
        .part("file", file);
    let sent =
        page.http.post(format!("{}/api/chats/{OFFICIAL}/files", page.url)).multipart(form).send().await;
    assert_eq!(sent.unwrap().status(), 204);

    let photo = page.message_in(OFFICIAL, "the photo", |message| message["kind"] == "photo").await;
    assert_eq!(photo["text"], "Chiến dịch diệt lăng quăng");
    let flow = page.bot_says(OFFICIAL, "Gửi tin này làm thông báo?").await;
    assert!(contains(&flow, "Chiến dịch diệt lăng quăng"), "{flow}");

    let url = format!("{}{}", page.url, photo["file"]["url"].as_str().unwrap());
    let served = page.http.get(url).send().await.unwrap();
    assert_eq!(served.headers()["content-type"], "image/png");
    assert_eq!(served.bytes().await.unwrap().to_vec(), png);
    page.stop().await;
}

#[tokio::test]
async fn skipping_to_the_next_reminder_moves_the_clock_just_before_it_and_it_fires() {
    let page = Page::start().await;
    let clock = page.get("/api/clock").await;
    assert_eq!(clock["offset_ms"], 0, "the demo starts on the computer's time");
    let next_at = clock["next"]["at"].as_i64().expect("a reminder reaches the ward's chats");
    let reminder_text = clock["next"]["text"].as_str().unwrap().to_owned();

    let response = page.http.post(format!("{}/api/clock/skip", page.url)).send().await.unwrap();
    let skipped: Value = response.json().await.unwrap();
    let now = Utc::now().timestamp_millis() + skipped["offset_ms"].as_i64().unwrap();
    let lead = next_at - now;
    assert!((4_000..=5_000).contains(&lead), "the clock is 5 s before the fire, not {lead} ms");
    assert!(page.get("/api/report").await.is_null(), "nothing announced yet");

    // At real speed from there: the reminder fires a few seconds later and is delivered.
    let give_up = tokio::time::Instant::now() + DEADLINE;
    let report = loop {
        let report = page.get("/api/report").await;
        if report["finished"] == true {
            break report;
        }
        assert!(tokio::time::Instant::now() < give_up, "the reminder did not fire: {report}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert!(report["delivered"].as_u64().unwrap() >= 1, "{report}");
    assert_eq!(report["failed"], json!([]));
    let ward = page.get("/api/ward").await;
    let reached =
        ward["chats"].as_array().unwrap().iter().any(|chat| contains(&chat["last"], &reminder_text));
    assert!(reached, "the reminder's text is in a chat of the ward: {ward:#}");
    page.stop().await;
}

#[tokio::test]
async fn the_page_is_served_and_told_when_the_bot_has_answered() {
    let page = Page::start().await;
    let html = page.http.get(&page.url).send().await.unwrap().text().await.unwrap();
    assert!(html.contains("<title>Loa — bản chạy thử</title>"), "{html}");
    let script = page.http.get(format!("{}/app.js", page.url)).send().await.unwrap();
    assert_eq!(script.headers()["content-type"], "text/javascript; charset=utf-8");

    let mut events = page.http.get(format!("{}/api/events", page.url)).send().await.unwrap();
    assert_eq!(events.headers()["content-type"], "text/event-stream");
    assert_eq!(page.say(RESIDENT, RESIDENT, "/help").await, 204);
    let chunk = tokio::time::timeout(DEADLINE, events.chunk()).await.expect("an event").unwrap().unwrap();
    let event = String::from_utf8_lossy(&chunk).into_owned();
    assert!(event.contains("event: changed") && event.contains("data: "), "{event}");
    drop(events);
    page.stop().await;
}

#[tokio::test]
async fn the_binary_ignores_dotenv_and_the_real_database_and_removes_its_own() {
    let dir = tempfile::tempdir().unwrap();
    let temporary = dir.path().join("tmp");
    std::fs::create_dir(&temporary).unwrap();
    let settings = "TELOXIDE_TOKEN=123:real-token\nDATABASE_URL=sqlite://real.db\nLOA_RATE_GLOBAL=many\n";
    std::fs::write(dir.path().join(".env"), settings).unwrap();
    let mut demo = tokio::process::Command::new(env!("CARGO_BIN_EXE_loa"))
        .args(["demo", "--listen", "127.0.0.1:0"])
        .current_dir(dir.path())
        .env("TMPDIR", &temporary)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let mut stdout = tokio::io::BufReader::new(demo.stdout.take().unwrap());
    let mut line = String::new();
    let printed = tokio::io::AsyncBufReadExt::read_line(&mut stdout, &mut line);
    tokio::time::timeout(DEADLINE, printed).await.expect("the demo prints its address").unwrap();
    let url = line.split_whitespace().find(|word| word.starts_with("http://127.0.0.1:")).expect(&line);

    let ward: Value = reqwest::get(format!("{url}/api/ward")).await.unwrap().json().await.unwrap();
    assert_eq!(ward["chats"].as_array().unwrap().len(), 5, "{ward}");
    let in_use = std::fs::read_dir(&temporary).unwrap().count();
    assert_eq!(in_use, 1, "its database is in a temporary directory of its own");

    let pid = demo.id().unwrap().to_string();
    assert!(tokio::process::Command::new("kill").args(["-TERM", &pid]).status().await.unwrap().success());
    let stopped = tokio::time::timeout(DEADLINE, demo.wait()).await.expect("the demo stops").unwrap();
    assert!(stopped.success(), "{stopped:?}");
    assert!(!dir.path().join("real.db").exists(), "the real database is not touched");
    assert_eq!(std::fs::read_dir(&temporary).unwrap().count(), 0, "the temporary database is removed");
}
