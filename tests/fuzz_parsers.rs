//! Bad input never crashes anything: every parser of commands, settings and plans is fed
//! arbitrary Unicode, near-valid tokens joined at random and 10,000-character arguments. Each
//! must return a value that keeps its invariants, or an error the bot turns into a reply.
//!
//! The seed is fixed, so a run in CI is the run on the laptop; failures are not persisted.

use std::time::{Duration as Elapsed, Instant};

use chrono::{DateTime, Duration, NaiveTime, TimeZone, Timelike, Utc};
use chrono_tz::{Asia::Ho_Chi_Minh, Europe::Berlin, Tz};
use loa::{
    bot::texts,
    domain::{
        AreaArg, AreaCode, Lang, PostRequest, QuietHours, ReminderRefusal, Role, Schedule, Topic,
        TopicCatalog, TopicSelection, UnknownTopics, When, Window, fold, max_text_len, parse_date,
        parse_duration, parse_time, plan_reminder, split_when,
    },
    import::{ImportError, Rules, check_plan},
};
use proptest::{
    prelude::*,
    sample::select,
    test_runner::{RngAlgorithm, RngSeed},
};

/// Cases per property where a case costs microseconds, and where it may plan a reminder.
const MANY: u32 = 4096;
const FEWER: u32 = 1024;

fn config(cases: u32) -> ProptestConfig {
    ProptestConfig {
        cases,
        rng_algorithm: RngAlgorithm::ChaCha,
        rng_seed: RngSeed::Fixed(0x10a_f022),
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

/// Longer than this for one plan, on a debug build, is a search gone astray, not a slow machine.
const PLANNING_TIME_LIMIT: Elapsed = Elapsed::from_secs(2);

// ---- Generators -------------------------------------------------------------------------

/// Pieces of commands as people get them almost right, and the characters that break naive
/// parsers: combining marks, invisible and control characters, RTL marks, emoji, lone quotes.
const TOKENS: &[&str] = &[
    "daily@",
    "daily@17:30",
    "hangngay@7:05",
    "mon,wed,fri@17:30",
    "t2,t4",
    "t2,t4,t6@17:30",
    "th7@06:15",
    "cn@",
    "T8@",
    "monthly-",
    "monthly-15@08:00",
    "tháng-31@23:59",
    "thang-",
    "tha\u{301}ng-5@8:00",
    "monthly--1",
    "@",
    "@daily",
    "@hourly",
    "17:30",
    "7:05",
    "25:00",
    "23:59",
    "24:00",
    "00:00",
    ":",
    "\"0 30 17 * * *\"",
    "“0 30 17 * * Mon,Wed,Fri”",
    "\"0 0 * * * *\"",
    "\"* * * * * *\"",
    "\"0 */30 * * * *\"",
    "\"0,30 0 8 * * *\"",
    "\"0 0 9 29 2 Mon\"",
    "\"0 0 0 31 2 *\"",
    "\"",
    "“",
    "”",
    "*",
    "*/10",
    "0-59",
    "?",
    "L",
    "15W",
    "5#3",
    "MON-FRI",
    "waste",
    "HEALTH",
    "civic",
    "security",
    "meeting",
    "general",
    "rac",
    "rác",
    "RÁC",
    "ra\u{301}c",
    "rac-thai",
    "y-tế",
    "Y-TE",
    "yte",
    "sức-khỏe",
    "nếp-sống",
    "an-ninh",
    "ANTT",
    "họp",
    "hoi-nghi",
    "thông-báo",
    "chung",
    "thoi-tiet",
    "đ",
    "Đ",
    "area=",
    "area=5,tdp7",
    "area=,",
    "AREA=tdp-05",
    "from=",
    "to=",
    "from=2026-06-01",
    "to=2026-08-31",
    "to=2026-02-30",
    "FROM=2030-01-01",
    "pin",
    "ghim",
    "urgent",
    "khan",
    "--",
    "=",
    ",",
    "-",
    "tdp",
    "TDP-",
    "5",
    "05",
    "0",
    "12A",
    "none",
    "không",
    "khong",
    "off",
    "22:00-06:00",
    "06:00-06:00",
    "vi",
    "EN",
    "admin",
    "editor",
    "90s",
    "30m",
    "2h",
    "18446744073709551615",
    "9223372036854775807h",
    "2026-06-01",
    "2027-08-31",
    "0000-01-01",
    "9999-12-31",
    "１２:３０",
    "Thu gom ra\u{301}c",
    "Thu gom rác",
    "Họp tổ dân phố",
    "lăng quăng",
    "sốt xuất huyết",
    "\u{200B}",
    "\u{200D}",
    "\u{FEFF}",
    "\u{200F}",
    "\u{202E}",
    "\u{0}",
    "\u{7}",
    "\u{1B}[31m",
    "\r\n",
    "\u{85}",
    "\u{A0}",
    "\u{2028}",
    "📢",
    "👨‍👩‍👧",
    "🇻🇳",
];

/// What comes between tokens: nothing (so that tokens glue), blanks of every kind, or separators.
const GLUE: &[&str] = &["", " ", " ", " ", "  ", "\n", "\t", "\u{3000}", "\u{A0}", ",", "@", "=", "-"];

/// What a 10,000-character argument is made of.
const FILLERS: &[&str] =
    &["a", "ă", "9", " ", ",", "=", "@", "-", "\"", "“", "\u{200B}", "ra\u{301}", "😀", "* ", "tdp", "5,"];

const LONG_CHARS: usize = 10_000;

/// Any characters at all, control characters and unassigned code points included.
fn arbitrary_text() -> impl Strategy<Value = String> {
    prop::collection::vec(any::<char>(), 0..64).prop_map(String::from_iter)
}

fn near_valid(tokens: std::ops::Range<usize>) -> impl Strategy<Value = String> {
    prop::collection::vec((select(TOKENS), select(GLUE)), tokens)
        .prop_map(|pieces| pieces.into_iter().flat_map(|(token, glue)| [token, glue]).collect())
}

/// Near-valid text with a 10,000-character argument in the middle.
fn long_text() -> impl Strategy<Value = String> {
    (near_valid(0..3), select(FILLERS), near_valid(0..3)).prop_map(|(head, filler, tail)| {
        let filler = filler.repeat(LONG_CHARS / filler.chars().count());
        format!("{head}{filler}{tail}")
    })
}

/// Blanks, and look-alikes of blanks that are not (zero-width space, BOM), around an input.
const PADDING: &[&str] = &["", "", " ", "\t", "\n ", "\u{3000}", "\u{200B}", "\u{FEFF}", "\u{200F}"];

/// A valid example, padded, after up to three edits that each insert a token or a character at
/// some place, or delete the character there: inputs a slip of the finger away from valid.
fn near(examples: &'static [&'static str]) -> impl Strategy<Value = String> {
    let insert = prop_oneof![
        select(TOKENS).prop_map(str::to_owned),
        select(&["0", "1", "9", ":", "-", "@", ",", "=", " ", "\"", "”"][..]).prop_map(str::to_owned),
        any::<char>().prop_map(String::from),
    ];
    let edits = prop::collection::vec((any::<prop::sample::Index>(), proptest::option::of(insert)), 0..3);
    (select(examples), edits, select(PADDING), select(PADDING)).prop_map(|(example, edits, before, after)| {
        let mut text: Vec<String> = example.chars().map(String::from).collect();
        for (at, insert) in edits {
            match insert {
                Some(insert) => text.insert(at.index(text.len() + 1), insert),
                None if !text.is_empty() => drop(text.remove(at.index(text.len()))),
                None => {}
            }
        }
        format!("{before}{}{after}", text.concat())
    })
}

/// Input for one parser: its own near-valid examples half of the time, anything else otherwise.
fn input_near(examples: &'static [&'static str]) -> impl Strategy<Value = String> {
    prop_oneof![input(), near(examples)]
}

const POSTS: &[&str] = &[
    "waste area=5,tdp7 pin Thu gom ra\u{301}c 18:00–20:00.",
    "HEALTH urgent -- pin là chữ đầu",
    "meeting from=2026-06-01 to=2026-08-31 Họp tổ dân phố",
    "general khan ghim 📢 Thông báo",
    "rác area=5 ghim Thu gom rác",
    "Y-TẾ khan Phun thuốc diệt muỗi",
];
const SCHEDULES: &[&str] = &[
    "daily@17:30 waste Mang rác ra",
    "t2,t4,t6@17:30 waste area=5 Mang rác ra",
    "tháng-15@08:00 meeting Họp",
    "“0 30 17 * * Mon,Wed,Fri” waste Thu gom rác",
    "\"0 0 * * * *\" general Mỗi giờ",
];
const DATES: &[&str] = &["2026-06-01", "2028-02-29", "0000-01-01", "9999-12-31"];
const TIMES: &[&str] = &["17:30", "7:05", "00:00", "23:59"];
const DURATIONS: &[&str] = &["90s", "30m", "2h", "0", "5H"];
const QUIET_HOURS: &[&str] = &["22:00-06:00", "off", "OFF", "13:00-13:30"];
const WORDS: &[&str] = &["vi", "EN", "admin", "Editor"];
const SELECTIONS: &[&str] = &[
    "waste health",
    "Waste,HEALTH civic waste",
    "security,,meeting",
    "rac",
    "rác Y-TẾ,suc-khoe waste",
    "nếp-sống an-ninh HOP thông-báo",
];

/// Area codes written every which way: prefixes, dashes, zeros, letters, glued together.
fn area_text() -> impl Strategy<Value = String> {
    let pieces =
        select(&["tdp", "TDP", "Tdp", "-", "0", "5", "05", "12", "a", "Z", "khu", " ", "ß", "ı"][..]);
    prop::collection::vec(pieces, 1..6).prop_map(|pieces| pieces.concat())
}

/// What a parser is fed: mostly near-valid, some of it anything, a little of it very long.
fn input() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => arbitrary_text(),
        2 => any::<String>(),
        8 => near_valid(0..10),
        1 => long_text(),
    ]
}

/// Six cron fields chosen per position, mostly valid, so that many parse; or any number of
/// fields chosen anywhere. Quoted either way, or not at all.
fn cron_text() -> impl Strategy<Value = String> {
    let seconds = select(&["0", "30", "*", "*/10", "0,30", "59", "60", "5-3"][..]);
    let minutes = select(&["0", "30", "*", "*/30", "0-59/20", "15,45"][..]);
    let hours = select(&["*", "8", "17", "8-17", "0-23/2", "23", "25", "*/0"][..]);
    let days = select(&["*", "?", "1", "15", "29", "31", "L", "15W", "LW", "1-7", "32"][..]);
    let months = select(&["*", "2", "JAN-MAR", "4,6,9,11", "12", "13", "dec"][..]);
    let weekdays = select(&["*", "?", "MON-FRI", "Sun", "7", "5#5", "FRI#5", "5L", "0-6", "Mon;"][..]);
    let six = (seconds, minutes, hours, days, months, weekdays)
        .prop_map(|(s, m, h, d, mo, w)| format!("{s} {m} {h} {d} {mo} {w}"));
    let fields = prop::collection::vec(select(TOKENS), 0..9).prop_map(|fields| fields.join(" "));
    let quotes = select(&[("\"", "\""), ("“", "”"), ("“", "\""), ("", ""), ("\"", "")][..]);
    (prop_oneof![4 => six, 1 => fields], quotes)
        .prop_map(|(cron, (open, close))| format!("{open}{cron}{close}"))
}

/// Schedule tokens that mostly parse, for planning.
fn schedule_text() -> impl Strategy<Value = String> {
    let at = (0u32..25, 0u32..61).prop_map(|(h, m)| format!("{h}:{m:02}"));
    let repeat =
        select(&["daily", "hangngay", "mon,wed,fri", "t2,t4,t6", "cn", "sat", "monthly-31", "tháng-29"][..]);
    prop_oneof![(repeat, at).prop_map(|(repeat, at)| format!("{repeat}@{at}")), cron_text(), near_valid(1..3),]
}

// ---- What every answer must satisfy ------------------------------------------------------

fn catalog() -> TopicCatalog {
    let topic = |slug: &str, name_vi: &str, name_en: &str| Topic {
        slug: slug.into(),
        name_vi: name_vi.into(),
        name_en: name_en.into(),
    };
    TopicCatalog::new(vec![
        topic("waste", "Thu gom rác, vệ sinh môi trường", "Waste collection and sanitation"),
        topic("health", "Phòng chống dịch bệnh", "Disease prevention"),
        topic("civic", "Nếp sống văn minh", "Civic life and rules"),
        topic("security", "An ninh trật tự", "Public order and safety"),
        topic("meeting", "Họp, hội nghị", "Meetings"),
        topic("general", "Thông báo chung", "General notices"),
    ])
}

/// Every word that names a topic, with the topic's slug: the slugs and the Vietnamese words.
fn typed_topic_words() -> Vec<(String, String)> {
    let catalog = catalog();
    let words = catalog.all().iter().flat_map(|topic| {
        let vietnamese = topic.vietnamese_words().iter().map(|word| word.to_string());
        std::iter::once(topic.slug.clone()).chain(vietnamese).map(|word| (topic.slug.clone(), word))
    });
    words.collect()
}

/// Marks a letter may carry, as composed letters; each folds back to the letter.
const MARKED: &[(char, &str)] = &[
    ('a', "áàảãạăắằâấầ"),
    ('e', "éèẻẽẹêếề"),
    ('i', "íìỉĩị"),
    ('o', "óòỏõọôốồơớờ"),
    ('u', "úùủũụưứừ"),
    ('y', "ýỳỷỹỵ"),
    ('d', "đ"),
];

/// `word` as someone may type it: each letter bare or marked (one byte of `choices` per letter
/// says which mark, whether in upper case, and whether a combining acute follows a bare one).
fn decorate(word: &str, choices: &[u8]) -> String {
    let letter = |(c, choice): (char, &u8)| {
        let marks = MARKED.iter().find(|(base, _)| *base == c).map_or("", |(_, marks)| marks);
        let marked = marks.chars().nth(usize::from(*choice & 0x3F) % (marks.chars().count() + 1));
        let mut typed = marked.unwrap_or(c).to_string();
        if choice & 0x80 != 0 {
            typed = typed.to_uppercase();
        }
        if choice & 0x40 != 0 && marked.is_none() && c.is_ascii_alphabetic() {
            typed.push('\u{301}');
        }
        typed
    };
    word.chars().zip(choices.iter().cycle()).map(letter).collect()
}

/// Monday 2026-06-01, 15:00 in Hà Nội.
fn now() -> DateTime<Utc> {
    Ho_Chi_Minh.with_ymd_and_hms(2026, 6, 1, 15, 0, 0).unwrap().to_utc()
}

/// An error is only as good as the reply it becomes: in both languages, something to read.
fn assert_explained(reply: impl Fn(Lang) -> String) -> Result<(), TestCaseError> {
    for lang in Lang::ALL {
        prop_assert!(!reply(lang).trim().is_empty(), "an empty reply in {lang:?}");
    }
    Ok(())
}

fn is_whole_minute(time: NaiveTime) -> bool {
    time.second() == 0 && time.nanosecond() == 0
}

fn assert_area(code: &AreaCode) -> Result<(), TestCaseError> {
    let text = code.as_str();
    prop_assert!(!text.is_empty() && text.len() <= AreaCode::MAX_LEN, "{text:?}");
    prop_assert!(text.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '-'), "{text:?}");
    prop_assert_eq!(AreaCode::parse(text), Ok(code.clone()), "a stored code must read back as itself");
    Ok(())
}

fn assert_post(request: &PostRequest, input: &str, catalog: &TopicCatalog) -> Result<(), TestCaseError> {
    prop_assert!(catalog.get(&request.topic).is_some(), "unknown topic {:?}", request.topic);
    let body = &request.body;
    prop_assert!(!body.is_empty() && body.trim() == body, "{body:?}");
    prop_assert!(body.encode_utf16().count() <= max_text_len(catalog, false));
    prop_assert!(input.trim_end().ends_with(body.as_str()), "the text is kept exactly as written");
    prop_assert!(request.areas.is_sorted() && request.areas.windows(2).all(|pair| pair[0] != pair[1]));
    request.areas.iter().try_for_each(assert_area)
}

fn assert_when(when: &When) -> Result<(), TestCaseError> {
    prop_assert_eq!(When::parse(&when.to_storage()), Ok(when.clone()), "{}", when.to_storage());
    match when {
        When::Daily { at } => prop_assert!(is_whole_minute(*at)),
        When::Weekly { days, at } => prop_assert!(!days.is_empty() && is_whole_minute(*at)),
        When::Monthly { day, at } => prop_assert!((1..=31).contains(day) && is_whole_minute(*at)),
        When::Cron(cron) => prop_assert!(!cron.source().is_empty()),
    }
    Ok(())
}

/// Plans `when` and checks the answer against the schedule itself: the fires are in order,
/// after `now`, inside the window and an hour apart; a refusal is the one the rules call for.
fn assert_planned(when: &When, window: Window, zone: Tz, now: DateTime<Utc>) -> Result<(), TestCaseError> {
    let started = Instant::now();
    let planned = plan_reminder(when.clone(), window, true, now, zone, None, 3);
    let took = started.elapsed();
    prop_assert!(took < PLANNING_TIME_LIMIT, "planning {} took {took:?}", when.to_storage());
    let schedule =
        Schedule { when: when.clone(), from: window.from, to: window.to, skipped: Default::default() };
    let today = now.with_timezone(&zone).date_naive();
    match planned {
        Ok((planned, fires)) => {
            prop_assert_eq!(&planned, &schedule);
            prop_assert!((1..=3).contains(&fires.len()));
            prop_assert!(fires[0] > now && fires.is_sorted());
            prop_assert!(fires.windows(2).all(|pair| pair[1] - pair[0] >= Duration::hours(1)), "{fires:?}");
            for fire in &fires {
                let date = fire.with_timezone(&zone).date_naive();
                prop_assert!(
                    window.from.is_none_or(|from| date >= from) && window.to.is_none_or(|to| date <= to)
                );
            }
            prop_assert!(at_least_an_hour_apart(&schedule.fire_times_of_day()));
        }
        Err(ReminderRefusal::TooFrequent { .. }) => {
            prop_assert!(matches!(when, When::Cron(_)));
            prop_assert!(!at_least_an_hour_apart(&schedule.fire_times_of_day()));
        }
        Err(ReminderRefusal::Window(_)) => {
            prop_assert!(Schedule::validate_window(window.from, window.to, today).is_err());
        }
        Err(ReminderRefusal::NeverInWindow) => {
            prop_assert!(window.to.is_some(), "an open-ended schedule always fires again");
        }
        Err(refusal @ ReminderRefusal::QuietHours { .. }) => {
            return Err(TestCaseError::fail(format!("urgent reminders ignore quiet hours: {refusal:?}")));
        }
    }
    Ok(())
}

/// Whether sorted wall times of a day, read as a daily cycle, are at least an hour apart.
fn at_least_an_hour_apart(times: &[NaiveTime]) -> bool {
    let hour = Duration::hours(1);
    let wraps = match (times.first(), times.last()) {
        (Some(first), Some(last)) if times.len() > 1 => *first - *last + Duration::days(1) >= hour,
        _ => true,
    };
    wraps && times.windows(2).all(|pair| pair[1] - pair[0] >= hour)
}

// ---- The properties ----------------------------------------------------------------------

proptest! {
    #![proptest_config(config(MANY))]

    #[test]
    fn post_requests_parse_or_explain(args in input_near(POSTS)) {
        let catalog = catalog();
        match PostRequest::parse(&args, &catalog) {
            Ok(request) => {
                assert_post(&request, &args, &catalog)?;
                // Without from= or to=, a reminder's arguments read as the same post.
                let with_window = PostRequest::parse_with_window(&args, &catalog);
                prop_assert_eq!(with_window, Ok((request, Window::default())));
            }
            Err(error) => assert_explained(|lang| texts::post_error(lang, &error, &catalog))?,
        }
    }

    #[test]
    fn reminder_arguments_parse_or_explain(args in input_near(POSTS)) {
        let catalog = catalog();
        match PostRequest::parse_with_window(&args, &catalog) {
            Ok((request, window)) => {
                assert_post(&request, &args, &catalog)?;
                for date in [window.from, window.to].into_iter().flatten() {
                    let written = date.format("%Y-%m-%d").to_string();
                    prop_assert!(args.contains(&written), "{written} is not in the arguments");
                }
            }
            Err(error) => assert_explained(|lang| texts::post_error(lang, &error, &catalog))?,
        }
    }

    #[test]
    fn area_codes_parse_to_canonical_codes(text in prop_oneof![input(), area_text()]) {
        match AreaCode::parse(&text) {
            Ok(code) => assert_area(&code)?,
            Err(error) => assert_explained(|lang| texts::area_invalid(lang, &error))?,
        }
        match AreaArg::parse(&text) {
            Ok(AreaArg::Show) => prop_assert!(text.trim().is_empty()),
            Ok(AreaArg::Clear) => prop_assert!(!text.trim().is_empty()),
            Ok(AreaArg::Set(code)) => assert_area(&code)?,
            Err(error) => assert_explained(|lang| texts::area_invalid(lang, &error))?,
        }
    }

    #[test]
    fn schedules_parse_to_tokens_that_read_back(token in prop_oneof![input(), cron_text()]) {
        match When::parse(&token) {
            Ok(when) => assert_when(&when)?,
            Err(error) => assert_explained(|lang| texts::when_error(lang, &error))?,
        }
    }

    #[test]
    fn a_schedule_splits_off_the_front_of_the_arguments(args in prop_oneof![input_near(SCHEDULES), cron_text()]) {
        match split_when(&args) {
            Ok((when, rest)) => {
                assert_when(&when)?;
                prop_assert!(args.ends_with(rest) && rest.trim_start() == rest, "{rest:?}");
            }
            Err(error) => assert_explained(|lang| texts::when_error(lang, &error))?,
        }
    }

    #[test]
    fn dates_read_back_as_written(text in input_near(DATES)) {
        match parse_date(&text) {
            Ok(date) => prop_assert_eq!(date.format("%Y-%m-%d").to_string(), text.trim()),
            Err(error) => assert_explained(|lang| texts::time_error(lang, &error))?,
        }
    }

    #[test]
    fn times_are_whole_minutes_as_written(text in input_near(TIMES)) {
        match parse_time(&text) {
            Ok(time) => {
                prop_assert!(is_whole_minute(time));
                prop_assert_eq!(time.format("%H:%M").to_string(), format!("{:0>5}", text.trim()));
            }
            Err(error) => assert_explained(|lang| texts::time_error(lang, &error))?,
        }
    }

    #[test]
    fn durations_are_whole_seconds(text in input_near(DURATIONS)) {
        match parse_duration(&text) {
            Ok(duration) => {
                prop_assert!(duration >= Duration::zero() && duration.subsec_nanos() == 0);
                prop_assert_eq!(parse_duration(&format!("{}s", duration.num_seconds())), Ok(duration));
            }
            Err(error) => assert_explained(|lang| texts::time_error(lang, &error))?,
        }
    }

    #[test]
    fn quiet_hours_are_two_different_minutes_or_off(text in input_near(QUIET_HOURS)) {
        // A setting: the error is told at start-up, in English, by its Display.
        match QuietHours::parse(&text) {
            Ok(None) => prop_assert!(text.trim().eq_ignore_ascii_case("off")),
            Ok(Some(quiet)) => {
                prop_assert!(quiet.start != quiet.end);
                prop_assert!(is_whole_minute(quiet.start) && is_whole_minute(quiet.end));
                prop_assert_eq!(QuietHours::parse(&quiet.to_string()), Ok(Some(quiet)));
            }
            Err(error) => prop_assert!(!error.to_string().is_empty()),
        }
    }

    #[test]
    fn languages_and_roles_are_their_codes(text in input_near(WORDS)) {
        let word = text.trim();
        match Lang::parse(&text) {
            Some(lang) => prop_assert!(word.eq_ignore_ascii_case(lang.code())),
            None => prop_assert!(Lang::ALL.iter().all(|lang| !word.eq_ignore_ascii_case(lang.code()))),
        }
        match Role::parse(&text) {
            Some(role) => prop_assert!(word.eq_ignore_ascii_case(role.as_str())),
            None => prop_assert!(["admin", "editor"].iter().all(|role| !word.eq_ignore_ascii_case(role))),
        }
    }

    #[test]
    fn topic_selections_name_known_topics_once(args in input_near(SELECTIONS)) {
        let catalog = catalog();
        match catalog.parse_selection(&args) {
            Ok(TopicSelection::All) => {
                prop_assert!(args.split(|c: char| c == ',' || c.is_whitespace()).all(str::is_empty));
            }
            Ok(TopicSelection::Some(slugs)) => {
                prop_assert!(!slugs.is_empty());
                prop_assert!(slugs.iter().all(|slug| catalog.get(slug).is_some()));
                prop_assert!(slugs.iter().enumerate().all(|(i, slug)| !slugs[..i].contains(slug)));
            }
            Err(UnknownTopics(unknown)) => {
                prop_assert!(!unknown.is_empty() && unknown.iter().all(|word| catalog.find(word).is_none()));
                assert_explained(|lang| texts::unknown_topics(lang, &catalog, &unknown))?;
            }
        }
    }

    #[test]
    fn typed_topic_words_name_their_topic_however_they_are_marked(
        (slug, word) in select(typed_topic_words()),
        choices in prop::collection::vec(any::<u8>(), 1..8),
    ) {
        let catalog = catalog();
        let typed = decorate(&word, &choices);
        prop_assert_eq!(catalog.find(&typed).map(|t| t.slug.as_str()), Some(slug.as_str()), "{}", typed);
        prop_assert_eq!(catalog.parse_selection(&typed), Ok(TopicSelection::Some(vec![slug.clone()])));
        let request = PostRequest::parse(&format!("{typed} ghim Nội dung"), &catalog);
        prop_assert_eq!(request.map(|request| (request.topic, request.pin)), Ok((slug, true)));
    }

    #[test]
    fn folded_words_are_lower_case_without_marks_and_fold_to_themselves(text in input()) {
        let folded = fold(&text);
        prop_assert_eq!(fold(&folded), folded.clone());
        prop_assert!(!folded.chars().any(|c| ('\u{300}'..='\u{36F}').contains(&c)), "{folded:?}");
        prop_assert!(!folded.chars().any(|c| "ĐđÁáẾếƠơƯư".contains(c)), "{folded:?}");
        if let Some(topic) = catalog().find(&text) {
            prop_assert!(topic.slug == folded || topic.vietnamese_words().contains(&folded.as_str()));
        }
    }
}

proptest! {
    #![proptest_config(config(FEWER))]

    #[test]
    fn every_schedule_that_parses_plans_quickly_and_correctly(
        token in schedule_text(),
        zone in select(&[Ho_Chi_Minh, Berlin][..]),
        now_days in 0i64..(20 * 365),
        from in proptest::option::of(-400i64..800),
        to in proptest::option::of(-100i64..800),
    ) {
        let Ok(when) = When::parse(&token) else { return Ok(()) };
        let now = Utc.with_ymd_and_hms(2020, 1, 1, 0, 0, 0).unwrap() + Duration::days(now_days)
            + Duration::seconds(now_days * 7919 % 86_400);
        assert_planned(&when, Window::default(), zone, now)?;
        let today = now.with_timezone(&zone).date_naive();
        let window = Window {
            from: from.map(|days| today + Duration::days(days)),
            to: to.map(|days| today + Duration::days(days)),
        };
        assert_planned(&when, window, zone, now)?;
    }

    #[test]
    fn import_plans_check_or_list_their_problems(text in prop_oneof![input(), plan_text()]) {
        let catalog = catalog();
        let rules = Rules { topics: &catalog, timezone: Ho_Chi_Minh, quiet_hours: QuietHours::parse("22:00-06:00").unwrap() };
        match check_plan(&text, &rules, now()) {
            Ok(plan) => {
                let mut keys: Vec<&str> = plan.entries.iter().filter_map(|e| e.import_key.as_deref()).collect();
                prop_assert_eq!(keys.len(), plan.entries.len(), "every entry has a key");
                keys.extend(plan.skipped.iter().map(|(key, _)| key.as_str()));
                let count = keys.len();
                keys.sort_unstable();
                keys.dedup();
                prop_assert_eq!(keys.len(), count, "keys are unique");
                for entry in &plan.entries {
                    let when = When::parse(&entry.when);
                    prop_assert_eq!(when.map(|when| when.to_storage()), Ok(entry.when.clone()));
                    prop_assert!(entry.next_fire_at.is_some_and(|next| next > now()));
                    let body = &entry.request.body;
                    prop_assert!(catalog.get(&entry.request.topic).is_some());
                    prop_assert!(!body.is_empty() && body.trim() == body);
                    prop_assert!(body.encode_utf16().count() <= max_text_len(&catalog, false));
                    entry.request.areas.iter().try_for_each(assert_area)?;
                }
                for (_, reason) in &plan.skipped {
                    prop_assert!(reason.starts_with("its window ended on "), "{reason}");
                }
            }
            Err(ImportError::Toml(error)) => prop_assert!(!error.to_string().is_empty()),
            Err(ImportError::Invalid(problems)) => {
                prop_assert!(!problems.is_empty() && problems.iter().all(|p| p.starts_with("reminder ")));
            }
            Err(other) => return Err(TestCaseError::fail(format!("checking touched the file system or the store: {other}"))),
        }
    }
}

// ---- Plans ---------------------------------------------------------------------------------

/// A TOML string holding `text`, escaped as TOML wants; or, now and then, not escaped.
fn toml_string(text: String) -> impl Strategy<Value = String> {
    let escaped: String = text
        .chars()
        .map(|c| match c {
            '"' | '\\' => format!("\\{c}"),
            c if c.is_control() => format!("\\u{:04X}", c as u32),
            c => c.to_string(),
        })
        .collect();
    prop_oneof![39 => Just(format!("\"{escaped}\"")), 1 => Just(format!("\"{text}\""))]
}

fn field(name: &'static str, value: impl Strategy<Value = String>) -> impl Strategy<Value = String> {
    value.prop_flat_map(toml_string).prop_map(move |value| format!("{name} = {value}\n"))
}

/// Mostly a value from `valid`, sometimes near-valid text.
fn mostly(valid: &'static [&'static str]) -> impl Strategy<Value = String> {
    prop_oneof![6 => select(valid).prop_map(str::to_owned), 1 => near_valid(1..3)]
}

/// A date around `now()`: ended, current or coming campaigns, and some that are not dates.
fn plan_date() -> impl Strategy<Value = String> {
    let around_now = (-400i64..400)
        .prop_map(|days| (now().date_naive() + Duration::days(days)).format("%Y-%m-%d").to_string());
    prop_oneof![9 => around_now, 1 => near_valid(1..2)]
}

/// A schedule outside quiet hours (22:00-06:00) most of the time.
fn plan_when() -> impl Strategy<Value = String> {
    let daytime = (6u32..22, 0u32..60, select(&["daily", "t2,t4,t6", "cn", "thang-15", "monthly-31"][..]))
        .prop_map(|(h, m, repeat)| format!("{repeat}@{h:02}:{m:02}"));
    prop_oneof![4 => daytime, 1 => schedule_text()]
}

/// One `[[reminder]]`, mostly valid, with some fields left out and now and then a stray line.
fn plan_entry() -> impl Strategy<Value = String> {
    let key = select(&["a", "b", "c", "rac-tdp1", "sốt xuất huyết", ""][..]).prop_map(str::to_owned);
    let topic = mostly(&[
        "waste", "health", "civic", "security", "meeting", "general", "rác", "Y-TẾ", "Waste", "benh",
    ]);
    let areas = prop::collection::vec(mostly(&["5", "tdp7", "12A", "TDP-05", "tổ 5"]), 0..3)
        .prop_flat_map(|codes| codes.into_iter().map(toml_string).collect::<Vec<_>>())
        .prop_map(|codes| format!("areas = [{}]\n", codes.join(", ")));
    let text = prop_oneof![
        6 => mostly(&["Thu gom ra\u{301}c", "Họp tổ dân phố tại nhà văn hoá.", "📢 Diệt bọ gậy\nlăng quăng"]),
        1 => long_text(),
    ];
    let flag = |name: &'static str| {
        select(&["true", "false", "true", "false", "true", "false", "\"yes\""][..])
            .prop_map(move |value| format!("{name} = {value}\n"))
    };
    let stray = prop_oneof![
        20 => Just(""),
        1 => select(&["key = 1\n", "colour = \"red\"\n", "[[reminder]]\n", "when = \n", "text = '''\n"][..]),
    ];
    (
        field("key", key),
        proptest::option::weighted(0.97, field("when", plan_when())),
        proptest::option::weighted(0.97, field("topic", topic)),
        proptest::option::of(areas),
        proptest::option::of(field("from", plan_date())),
        proptest::option::of(field("to", plan_date())),
        proptest::option::of(flag("pin")),
        proptest::option::of(flag("urgent")),
        proptest::option::weighted(0.97, field("text", text)),
        stray,
    )
        .prop_map(|(key, when, topic, areas, from, to, pin, urgent, text, stray)| {
            let fields = [when, topic, areas, from, to, pin, urgent, text].into_iter().flatten();
            format!("[[reminder]]\n{key}{}{stray}\n", fields.collect::<String>())
        })
}

fn plan_text() -> impl Strategy<Value = String> {
    prop::collection::vec(plan_entry(), 1..4).prop_map(|entries| entries.concat())
}
