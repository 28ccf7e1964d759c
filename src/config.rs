//! Settings from the environment (and `.env`), validated before anything touches the database.
//!
//! clap reads the raw strings so that `loa --help` documents every variable; the checks here turn
//! them into typed settings and, on failure, into one line that names the variable, what was wrong
//! and the expected form.

use std::{fmt, net::SocketAddr, path::PathBuf, time::Duration};

use chrono_tz::Tz;
use clap::Args;
use teloxide::types::{ChatId, UserId};

use crate::domain::{Lang, QuietHours, parse_duration};

/// The Bot API server used when `TELOXIDE_API_URL` is not set.
const TELEGRAM_API_URL: &str = "https://api.telegram.org";

/// Raw settings as clap reads them from flags or the environment.
#[derive(Debug, Clone, Args)]
pub struct RawSettings {
    /// Bot token from BotFather (required by `loa run`; offline subcommands do without).
    #[arg(long = "token", env = "TELOXIDE_TOKEN", hide_env_values = true)]
    pub token: Option<String>,

    /// Bot API server URL; Telegram's by default. Point it at a self-hosted or test server.
    #[arg(long = "api-url", env = "TELOXIDE_API_URL")]
    pub api_url: Option<String>,

    /// SQLite database, created if missing.
    #[arg(long = "database-url", env = "DATABASE_URL", default_value = "sqlite://loa.db")]
    pub database_url: String,

    /// Comma-separated Telegram user ids who are officials with the admin role from start-up.
    #[arg(long = "admins", env = "LOA_ADMINS", default_value = "")]
    pub admins: String,

    /// IANA time zone in which officials and residents read and write times.
    #[arg(long = "timezone", env = "LOA_TIMEZONE", default_value = "Asia/Ho_Chi_Minh")]
    pub timezone: String,

    /// Default language of replies: vi or en.
    #[arg(long = "lang", env = "LOA_LANG", default_value = "vi")]
    pub lang: String,

    /// Messages per second the bot sends overall (Telegram allows about 30).
    #[arg(long = "rate-global", env = "LOA_RATE_GLOBAL", default_value = "30")]
    pub rate_global: String,

    /// Messages per minute to one group (Telegram allows 20).
    #[arg(long = "rate-per-group-min", env = "LOA_RATE_PER_GROUP_MIN", default_value = "20")]
    pub rate_per_group_min: String,

    /// Messages per second to one chat (Telegram allows 1).
    #[arg(long = "rate-per-chat-sec", env = "LOA_RATE_PER_CHAT_SEC", default_value = "1")]
    pub rate_per_chat_sec: String,

    /// Seconds to wait for Telegram to answer one send before retrying it later.
    #[arg(long = "send-timeout", env = "LOA_SEND_TIMEOUT", default_value = "15")]
    pub send_timeout: String,

    /// Local hours in which non-urgent messages are not sent, as HH:MM-HH:MM, or off.
    #[arg(long = "quiet-hours", env = "LOA_QUIET_HOURS", default_value = "22:00-06:00")]
    pub quiet_hours: String,

    /// After downtime, reminder fires missed by at most this long are still sent (e.g. 30m, 2h, 0).
    #[arg(long = "catchup", env = "LOA_CATCHUP", default_value = "30m")]
    pub catchup: String,

    /// Days that per-chat delivery records are kept; older ones are folded into per-announcement
    /// totals, which reports still show.
    #[arg(long = "keep-deliveries", env = "LOA_KEEP_DELIVERIES", default_value = "400")]
    pub keep_deliveries: String,

    /// Time a group has to tap «Đã nhận» on an announcement that asks for it, from its delivery;
    /// then its author is told (e.g. 30m, 2h). An announcement's own ack=30m overrides it.
    #[arg(long = "ack-within", env = "LOA_ACK_WITHIN", default_value = "2h")]
    pub ack_within: String,
    /// The ward's name as residents know it, e.g. "Phường Sài Đồng": in /start, the group
    /// greeting and the signature of the desk's answers. Unset: "phường" / "the ward".
    #[arg(long = "ward-name", env = "LOA_WARD_NAME", default_value = "")]
    pub ward_name: String,

    /// Chat id of the officials' group that receives residents' reports (the bot must be in
    /// it). Unset: every admin official receives them in private.
    #[arg(long = "desk-chat", env = "LOA_DESK_CHAT")]
    pub desk_chat: Option<String>,

    /// A report nobody took on («Tiếp nhận») within this long is reminded to the desk, once.
    #[arg(long = "desk-ack-within", env = "LOA_DESK_ACK_WITHIN", default_value = "8h")]
    pub desk_ack_within: String,

    /// Days that reports' personal data (name, username, photo, location) is kept; then it is
    /// erased and the report kept as anonymous statistics.
    #[arg(long = "keep-tickets", env = "LOA_KEEP_TICKETS", default_value = "365")]
    pub keep_tickets: String,

    /// The public https URL Telegram posts updates to, e.g. https://loa.example.vn/telegram.
    /// Set: a webhook instead of long polling; unset: long polling (and a webhook left from
    /// before is deleted).
    #[arg(long = "webhook-url", env = "LOA_WEBHOOK_URL")]
    pub webhook_url: Option<String>,

    /// Where the webhook listens, behind the reverse proxy that serves LOA_WEBHOOK_URL.
    #[arg(long = "listen", env = "LOA_LISTEN", default_value = "127.0.0.1:8080")]
    pub listen: String,

    /// The webhook's secret token (1-256 of A-Z a-z 0-9 _ -). Unset: one is generated once and
    /// kept in the database.
    #[arg(long = "webhook-secret", env = "LOA_WEBHOOK_SECRET", hide_env_values = true)]
    pub webhook_secret: Option<String>,

    /// Address for /healthz, /readyz and /metrics, e.g. 127.0.0.1:9464, or off. The same as
    /// LOA_LISTEN in webhook mode: one listener serves both.
    #[arg(long = "http", env = "LOA_HTTP", default_value = "off")]
    pub http: String,

    /// Log format on stderr: text (for people) or json (one object a line, for journald or Loki).
    #[arg(long = "log-format", env = "LOA_LOG_FORMAT", default_value = "text")]
    pub log_format: String,
    /// Directory where scheduled backups are written (with LOA_BACKUP_EVERY); created if missing.
    #[arg(long = "backup-dir", env = "LOA_BACKUP_DIR")]
    pub backup_dir: Option<String>,

    /// How often `loa run` writes a checked backup into LOA_BACKUP_DIR (e.g. 24h, 6h), or off.
    #[arg(long = "backup-every", env = "LOA_BACKUP_EVERY", default_value = "off")]
    pub backup_every: String,

    /// How many scheduled backups are kept; older ones are deleted.
    #[arg(long = "backup-keep", env = "LOA_BACKUP_KEEP", default_value = "7")]
    pub backup_keep: String,
}

/// Validated settings.
#[derive(Clone)]
pub struct Settings {
    /// Only `loa run` needs it: see [`Settings::token`].
    token: Option<Secret>,
    pub api_url: url::Url,
    pub database_url: String,
    pub admins: Vec<UserId>,
    pub timezone: Tz,
    pub default_lang: Lang,
    pub rates: Rates,
    pub send_timeout: Duration,
    pub quiet_hours: Option<QuietHours>,
    pub catchup: chrono::Duration,
    pub keep_deliveries: chrono::Duration,
    pub ack_within: chrono::Duration,
    /// `None`: "phường" / "the ward".
    pub ward_name: Option<String>,
    pub desk: DeskSettings,
    /// `None`: long polling.
    pub webhook: Option<WebhookSettings>,
    /// Where /healthz, /readyz and /metrics are served; `None`: nowhere.
    pub http: Option<SocketAddr>,
    pub log_format: LogFormat,
    /// `None`: no scheduled backups.
    pub backups: Option<BackupSchedule>,
}

/// Telegram posts updates to `url`; a reverse proxy passes them on to `listen`.
#[derive(Debug, Clone)]
pub struct WebhookSettings {
    pub url: url::Url,
    pub listen: SocketAddr,
    /// `None`: the one generated and kept in the database.
    pub secret: Option<Secret>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    Text,
    Json,
}

/// Scheduled backups: a checked copy every `every`, the last `keep` kept in `dir`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BackupSchedule {
    pub dir: PathBuf,
    pub every: chrono::Duration,
    pub keep: usize,
}

/// Where residents' reports go and how long they are kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DeskSettings {
    /// `None`: every admin official, in private.
    pub chat: Option<ChatId>,
    pub ack_within: chrono::Duration,
    pub keep_tickets: chrono::Duration,
}

/// Telegram's sending limits, as the delivery worker keeps them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rates {
    pub global_per_sec: u32,
    pub per_group_per_min: u32,
    pub per_chat_per_sec: u32,
}

/// A setting that failed validation: which variable, what was wrong, what is expected.
#[derive(Debug, PartialEq, Eq)]
pub struct SettingError {
    pub variable: &'static str,
    pub problem: String,
    pub expected: &'static str,
}

impl fmt::Display for SettingError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}; expected {}", self.variable, self.problem, self.expected)
    }
}

impl std::error::Error for SettingError {}

/// The bot token, or the webhook's secret: never printed, whatever formats it.
#[derive(Clone)]
pub struct Secret(String);

impl Secret {
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(redacted)")
    }
}

impl fmt::Debug for Settings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Settings")
            .field("token", &self.token)
            .field("api_url", &self.api_url.as_str())
            .field("database_url", &self.database_url)
            .field("admins", &self.admins)
            .field("timezone", &self.timezone)
            .field("default_lang", &self.default_lang)
            .field("rates", &self.rates)
            .field("send_timeout", &self.send_timeout)
            .field("quiet_hours", &self.quiet_hours)
            .field("catchup", &self.catchup)
            .field("keep_deliveries", &self.keep_deliveries)
            .field("ack_within", &self.ack_within)
            .field("ward_name", &self.ward_name)
            .field("desk", &self.desk)
            .field("webhook", &self.webhook)
            .field("http", &self.http)
            .field("log_format", &self.log_format)
            .field("backups", &self.backups)
            .finish()
    }
}

impl Settings {
    /// The bot token, which only talking to Telegram needs.
    pub fn token(&self) -> Result<&Secret, SettingError> {
        self.token.as_ref().ok_or_else(|| SettingError {
            variable: "TELOXIDE_TOKEN",
            problem: "not set".into(),
            expected: TOKEN_EXPECTED,
        })
    }
}

impl RawSettings {
    pub fn validate(self) -> Result<Settings, SettingError> {
        Ok(Settings {
            token: parse_token(self.token)?,
            api_url: parse_api_url(self.api_url.as_deref())?,
            database_url: parse_database_url(self.database_url)?,
            admins: parse_admins(&self.admins)?,
            timezone: self.timezone.trim().parse().map_err(|_| SettingError {
                variable: "LOA_TIMEZONE",
                problem: format!("{:?} is not a known time zone", self.timezone),
                expected: "an IANA zone name such as Asia/Ho_Chi_Minh",
            })?,
            default_lang: Lang::parse(&self.lang).ok_or_else(|| SettingError {
                variable: "LOA_LANG",
                problem: format!("{:?} is not a supported language", self.lang),
                expected: "vi or en",
            })?,
            rates: Rates {
                global_per_sec: positive("LOA_RATE_GLOBAL", &self.rate_global)?,
                per_group_per_min: positive("LOA_RATE_PER_GROUP_MIN", &self.rate_per_group_min)?,
                per_chat_per_sec: positive("LOA_RATE_PER_CHAT_SEC", &self.rate_per_chat_sec)?,
            },
            send_timeout: Duration::from_secs(positive("LOA_SEND_TIMEOUT", &self.send_timeout)?.into()),
            quiet_hours: QuietHours::parse(&self.quiet_hours).map_err(|_| SettingError {
                variable: "LOA_QUIET_HOURS",
                problem: format!("{:?} is not a span of local hours", self.quiet_hours),
                expected: "HH:MM-HH:MM such as 22:00-06:00, or off",
            })?,
            catchup: parse_duration(&self.catchup).map_err(|_| SettingError {
                variable: "LOA_CATCHUP",
                problem: format!("{:?} is not a duration", self.catchup),
                expected: "a duration such as 30m, 2h, 90s or 0",
            })?,
            keep_deliveries: chrono::Duration::days(
                positive("LOA_KEEP_DELIVERIES", &self.keep_deliveries)?.into(),
            ),
            ack_within: parse_duration(&self.ack_within)
                .ok()
                .filter(|within| *within > chrono::Duration::zero())
                .ok_or_else(|| SettingError {
                    variable: "LOA_ACK_WITHIN",
                    problem: format!("{:?} is not a positive duration", self.ack_within),
                    expected: "a duration such as 30m or 2h",
                })?,
            ward_name: Some(self.ward_name.trim().to_owned()).filter(|name| !name.is_empty()),
            desk: DeskSettings {
                chat: parse_desk_chat(self.desk_chat.as_deref())?,
                ack_within: parse_duration(&self.desk_ack_within)
                    .ok()
                    .filter(|within| *within > chrono::Duration::zero())
                    .ok_or_else(|| SettingError {
                        variable: "LOA_DESK_ACK_WITHIN",
                        problem: format!("{:?} is not a duration", self.desk_ack_within),
                        expected: "a duration such as 8h or 90m",
                    })?,
                keep_tickets: chrono::Duration::days(
                    positive("LOA_KEEP_TICKETS", &self.keep_tickets)?.into(),
                ),
            },
            webhook: parse_webhook(self.webhook_url.as_deref(), &self.listen, self.webhook_secret)?,
            http: parse_http(&self.http)?,
            log_format: match self.log_format.trim() {
                "text" => LogFormat::Text,
                "json" => LogFormat::Json,
                other => {
                    return Err(SettingError {
                        variable: "LOA_LOG_FORMAT",
                        problem: format!("{other:?} is not a log format"),
                        expected: "text or json",
                    });
                }
            },
            backups: parse_backups(self.backup_dir.as_deref(), &self.backup_every, &self.backup_keep)?,
        })
    }
}

const TOKEN_EXPECTED: &str = "the token BotFather gave, like 123456789:AAE...";

/// An absent token is fine until something needs it; a malformed one is refused at once.
fn parse_token(token: Option<String>) -> Result<Option<Secret>, SettingError> {
    let token = token.map(|t| t.trim().to_owned()).unwrap_or_default();
    if token.is_empty() {
        return Ok(None);
    }
    // A token is "<bot id>:<secret>". The message must not echo the value: it is a secret.
    let well_formed = token.split_once(':').is_some_and(|(id, secret)| {
        !id.is_empty() && id.bytes().all(|b| b.is_ascii_digit()) && !secret.is_empty()
    });
    if !well_formed || token.chars().any(char::is_whitespace) {
        return Err(SettingError {
            variable: "TELOXIDE_TOKEN",
            problem: "not a bot token".into(),
            expected: TOKEN_EXPECTED,
        });
    }
    Ok(Some(Secret(token)))
}

fn parse_api_url(url: Option<&str>) -> Result<url::Url, SettingError> {
    let url = url.map(str::trim).filter(|u| !u.is_empty()).unwrap_or(TELEGRAM_API_URL);
    url::Url::parse(url).ok().filter(|u| matches!(u.scheme(), "http" | "https")).ok_or_else(|| SettingError {
        variable: "TELOXIDE_API_URL",
        problem: format!("{url:?} is not an http(s) URL"),
        expected: "a URL such as https://api.telegram.org or http://127.0.0.1:8081",
    })
}

fn parse_database_url(url: String) -> Result<String, SettingError> {
    if url.starts_with("sqlite:") {
        Ok(url)
    } else {
        Err(SettingError {
            variable: "DATABASE_URL",
            problem: format!("{url:?} is not a SQLite URL"),
            expected: "sqlite://path/to/loa.db",
        })
    }
}

/// The listen address is checked even in polling mode, so that a typo shows before the day
/// the webhook is turned on.
fn parse_webhook(
    url: Option<&str>,
    listen: &str,
    secret: Option<String>,
) -> Result<Option<WebhookSettings>, SettingError> {
    let listen = socket_address("LOA_LISTEN", listen)?;
    let secret = secret.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty());
    // Telegram's rule for secret_token; the message must not echo the value.
    if secret.as_ref().is_some_and(|s| {
        s.len() > 256 || !s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
    }) {
        return Err(SettingError {
            variable: "LOA_WEBHOOK_SECRET",
            problem: "not a valid secret token".into(),
            expected: "1 to 256 characters of A-Z, a-z, 0-9, _ and -",
        });
    }
    let Some(url) = url.map(str::trim).filter(|u| !u.is_empty()) else { return Ok(None) };
    // Telegram posts to https URLs only.
    let parsed = url::Url::parse(url).ok().filter(|u| u.scheme() == "https" && u.host().is_some());
    let url = parsed.ok_or_else(|| SettingError {
        variable: "LOA_WEBHOOK_URL",
        problem: format!("{url:?} is not an https URL"),
        expected: "the public https URL Telegram posts to, such as https://loa.example.vn/telegram",
    })?;
    Ok(Some(WebhookSettings { url, listen, secret: secret.map(Secret) }))
}

fn parse_http(http: &str) -> Result<Option<SocketAddr>, SettingError> {
    match http.trim() {
        "" | "off" => Ok(None),
        address => socket_address("LOA_HTTP", address).map(Some),
    }
}

fn socket_address(variable: &'static str, address: &str) -> Result<SocketAddr, SettingError> {
    address.trim().parse().map_err(|_| SettingError {
        variable,
        problem: format!("{address:?} is not an IP address and port"),
        expected: "an address such as 127.0.0.1:8080 (port 0: any free port)",
    })
}

fn positive(variable: &'static str, value: &str) -> Result<u32, SettingError> {
    value.trim().parse::<u32>().ok().filter(|n| *n > 0).ok_or_else(|| SettingError {
        variable,
        problem: format!("{value:?} is not a positive whole number"),
        expected: "a whole number of at least 1",
    })
}

/// A chat id, as Telegram gives a group's (negative); unset or empty means no desk group.
fn parse_desk_chat(chat: Option<&str>) -> Result<Option<ChatId>, SettingError> {
    let Some(chat) = chat.map(str::trim).filter(|chat| !chat.is_empty()) else { return Ok(None) };
    chat.parse::<i64>().ok().filter(|id| *id != 0).map(|id| Some(ChatId(id))).ok_or_else(|| SettingError {
        variable: "LOA_DESK_CHAT",
        problem: format!("{chat:?} is not a chat id"),
        expected: "the officials' group's numeric chat id, such as -1001234567890",
    })
}

/// Both the directory and the interval, or neither: a directory without an interval would look
/// like backups were being made.
fn parse_backups(dir: Option<&str>, every: &str, keep: &str) -> Result<Option<BackupSchedule>, SettingError> {
    let dir = dir.map(str::trim).filter(|dir| !dir.is_empty());
    let every = match every.trim() {
        "" | "off" => None,
        text => Some(
            parse_duration(text).ok().filter(|every| *every >= chrono::Duration::minutes(1)).ok_or_else(
                || SettingError {
                    variable: "LOA_BACKUP_EVERY",
                    problem: format!("{every:?} is not an interval of a minute or more"),
                    expected: "a duration such as 24h or 6h, or off",
                },
            )?,
        ),
    };
    let keep = positive("LOA_BACKUP_KEEP", keep)? as usize;
    match (dir, every) {
        (None, None) => Ok(None),
        (Some(dir), Some(every)) => Ok(Some(BackupSchedule { dir: PathBuf::from(dir), every, keep })),
        (None, Some(_)) => Err(SettingError {
            variable: "LOA_BACKUP_DIR",
            problem: "not set, but LOA_BACKUP_EVERY is".into(),
            expected: "the directory for scheduled backups, such as /var/backups/loa",
        }),
        (Some(_), None) => Err(SettingError {
            variable: "LOA_BACKUP_EVERY",
            problem: "off, but LOA_BACKUP_DIR is set".into(),
            expected: "how often to back up, such as 24h",
        }),
    }
}

fn parse_admins(list: &str) -> Result<Vec<UserId>, SettingError> {
    list.split(',')
        .map(str::trim)
        .filter(|id| !id.is_empty())
        .map(|id| {
            id.parse::<u64>().map(UserId).map_err(|_| SettingError {
                variable: "LOA_ADMINS",
                problem: format!("{id:?} is not a Telegram user id"),
                expected: "comma-separated numeric user ids, such as 12345,67890",
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw() -> RawSettings {
        RawSettings {
            token: Some("123:abc".into()),
            api_url: None,
            database_url: "sqlite://loa.db".into(),
            admins: String::new(),
            timezone: "Asia/Ho_Chi_Minh".into(),
            lang: "vi".into(),
            rate_global: "30".into(),
            rate_per_group_min: "20".into(),
            rate_per_chat_sec: "1".into(),
            send_timeout: "15".into(),
            quiet_hours: "22:00-06:00".into(),
            catchup: "30m".into(),
            keep_deliveries: "400".into(),
            ack_within: "2h".into(),
            ward_name: String::new(),
            desk_chat: None,
            desk_ack_within: "8h".into(),
            keep_tickets: "365".into(),
            webhook_url: None,
            listen: "127.0.0.1:8080".into(),
            webhook_secret: None,
            http: "off".into(),
            log_format: "text".into(),
            backup_dir: None,
            backup_every: "off".into(),
            backup_keep: "7".into(),
        }
    }

    #[test]
    fn defaults_validate() {
        let settings = raw().validate().unwrap();
        assert_eq!(settings.api_url.as_str(), "https://api.telegram.org/");
        assert_eq!(settings.timezone, chrono_tz::Asia::Ho_Chi_Minh);
        assert_eq!(settings.default_lang, Lang::Vi);
        assert!(settings.admins.is_empty());
        assert_eq!(settings.quiet_hours.map(|q| q.to_string()).as_deref(), Some("22:00-06:00"));
        assert_eq!(settings.catchup, chrono::Duration::minutes(30));
        assert_eq!(settings.ward_name, None);
        assert_eq!(settings.desk.chat, None);
        assert_eq!(settings.desk.ack_within, chrono::Duration::hours(8));
        assert_eq!(settings.desk.keep_tickets, chrono::Duration::days(365));
        let desk = RawSettings { desk_chat: Some(" -100123 ".into()), ..raw() }.validate().unwrap();
        assert_eq!(desk.desk.chat, Some(ChatId(-100123)));
        let off = RawSettings { quiet_hours: "off".into(), ..raw() }.validate().unwrap();
        assert_eq!(off.quiet_hours, None);
        assert!(settings.webhook.is_none(), "long polling by default");
        assert_eq!(settings.http, None);
        assert_eq!(settings.log_format, LogFormat::Text);
    }

    #[test]
    fn a_webhook_url_switches_to_a_webhook_listening_where_told() {
        let raw = RawSettings {
            webhook_url: Some("https://loa.example.vn/telegram".into()),
            http: "127.0.0.1:9464".into(),
            log_format: "json".into(),
            ..raw()
        };
        let settings = raw.validate().unwrap();
        let webhook = settings.webhook.unwrap();
        assert_eq!(webhook.url.path(), "/telegram");
        assert_eq!(webhook.listen, "127.0.0.1:8080".parse().unwrap());
        assert!(webhook.secret.is_none(), "generated and kept in the database");
        assert_eq!(settings.http, Some("127.0.0.1:9464".parse().unwrap()));
        assert_eq!(settings.log_format, LogFormat::Json);
    }

    #[test]
    fn a_webhook_secret_is_checked_and_never_echoed() {
        let raw = || RawSettings { webhook_url: Some("https://loa.example.vn/t".into()), ..raw() };
        let ok = RawSettings { webhook_secret: Some("Abc_12-x".into()), ..raw() }.validate().unwrap();
        assert_eq!(ok.webhook.as_ref().unwrap().secret.as_ref().unwrap().expose(), "Abc_12-x");
        assert!(!format!("{ok:?}").contains("Abc_12-x"), "redacted in Debug");
        let bad = RawSettings { webhook_secret: Some("sec ret/+".into()), ..raw() }.validate().unwrap_err();
        assert_eq!(bad.variable, "LOA_WEBHOOK_SECRET");
        assert!(!bad.to_string().contains("sec ret"));
    }

    #[test]
    fn scheduled_backups_are_off_unless_a_directory_and_an_interval_are_given() {
        assert_eq!(raw().validate().unwrap().backups, None);
        let on =
            RawSettings { backup_dir: Some(" /var/backups/loa ".into()), backup_every: "6h".into(), ..raw() };
        let expected =
            BackupSchedule { dir: "/var/backups/loa".into(), every: chrono::Duration::hours(6), keep: 7 };
        assert_eq!(on.validate().unwrap().backups, Some(expected));
    }

    #[test]
    fn missing_or_malformed_token_is_named_but_never_echoed() {
        let without =
            RawSettings { token: None, ..raw() }.validate().expect("offline commands need no token");
        let err = without.token().unwrap_err();
        assert_eq!((err.variable, err.problem.as_str()), ("TELOXIDE_TOKEN", "not set"));
        let err = RawSettings { token: Some("s3cr3t-value".into()), ..raw() }.validate().unwrap_err();
        assert_eq!(err.variable, "TELOXIDE_TOKEN");
        assert!(!err.to_string().contains("s3cr3t"));
    }

    #[test]
    fn admins_are_a_comma_separated_id_list() {
        let settings = RawSettings { admins: " 12, 34 ,".into(), ..raw() }.validate().unwrap();
        assert_eq!(settings.admins, vec![UserId(12), UserId(34)]);
        let err = RawSettings { admins: "12,bob".into(), ..raw() }.validate().unwrap_err();
        assert_eq!(err.variable, "LOA_ADMINS");
        assert!(err.problem.contains("bob"));
    }

    #[test]
    fn bad_values_name_their_variable() {
        let cases = [
            (RawSettings { timezone: "Mars/Base".into(), ..raw() }, "LOA_TIMEZONE"),
            (RawSettings { lang: "fr".into(), ..raw() }, "LOA_LANG"),
            (RawSettings { api_url: Some("ftp://x".into()), ..raw() }, "TELOXIDE_API_URL"),
            (RawSettings { database_url: "postgres://x".into(), ..raw() }, "DATABASE_URL"),
            (RawSettings { rate_global: "0".into(), ..raw() }, "LOA_RATE_GLOBAL"),
            (RawSettings { rate_per_group_min: "-1".into(), ..raw() }, "LOA_RATE_PER_GROUP_MIN"),
            (RawSettings { rate_per_chat_sec: "fast".into(), ..raw() }, "LOA_RATE_PER_CHAT_SEC"),
            (RawSettings { send_timeout: "".into(), ..raw() }, "LOA_SEND_TIMEOUT"),
            (RawSettings { quiet_hours: "22-6".into(), ..raw() }, "LOA_QUIET_HOURS"),
            (RawSettings { catchup: "soon".into(), ..raw() }, "LOA_CATCHUP"),
            (RawSettings { keep_deliveries: "0".into(), ..raw() }, "LOA_KEEP_DELIVERIES"),
            (RawSettings { ack_within: "0".into(), ..raw() }, "LOA_ACK_WITHIN"),
            (RawSettings { desk_chat: Some("officials".into()), ..raw() }, "LOA_DESK_CHAT"),
            (RawSettings { desk_ack_within: "0".into(), ..raw() }, "LOA_DESK_ACK_WITHIN"),
            (RawSettings { keep_tickets: "0".into(), ..raw() }, "LOA_KEEP_TICKETS"),
            (RawSettings { webhook_url: Some("http://loa.example.vn/t".into()), ..raw() }, "LOA_WEBHOOK_URL"),
            (RawSettings { webhook_url: Some("loa.example.vn".into()), ..raw() }, "LOA_WEBHOOK_URL"),
            (RawSettings { listen: "localhost".into(), ..raw() }, "LOA_LISTEN"),
            (RawSettings { http: "9464".into(), ..raw() }, "LOA_HTTP"),
            (RawSettings { log_format: "logfmt".into(), ..raw() }, "LOA_LOG_FORMAT"),
            (RawSettings { backup_every: "24h".into(), ..raw() }, "LOA_BACKUP_DIR"),
            (RawSettings { backup_dir: Some("/backups".into()), ..raw() }, "LOA_BACKUP_EVERY"),
            (
                RawSettings { backup_dir: Some("/b".into()), backup_every: "daily".into(), ..raw() },
                "LOA_BACKUP_EVERY",
            ),
            (
                RawSettings { backup_dir: Some("/b".into()), backup_every: "30s".into(), ..raw() },
                "LOA_BACKUP_EVERY",
            ),
            (RawSettings { backup_keep: "0".into(), ..raw() }, "LOA_BACKUP_KEEP"),
        ];
        for (raw, variable) in cases {
            assert_eq!(raw.validate().unwrap_err().variable, variable);
        }
    }

    #[test]
    fn debug_output_redacts_the_token() {
        let settings = RawSettings { token: Some("42:very-secret".into()), ..raw() }.validate().unwrap();
        assert!(!format!("{settings:?}").contains("very-secret"));
    }
}
