//! Telegram: the bot answers with its name, its privacy mode, the webhook against the polling
//! Loa does, and this machine's clock against the Bot API server's.

use chrono::{DateTime, Duration, Utc};
use teloxide::{
    ApiError, RequestError,
    prelude::*,
    types::{UserId, WebhookInfo},
};

use super::{Finding, say};
use crate::{config::Settings, domain::Lang};

/// A clock further than this from Telegram's makes reminders fire late (or early).
const MAX_SKEW: Duration = Duration::seconds(30);

/// Adds what it finds to `findings`; returns the bot's user id if Telegram answered.
pub(super) async fn examine(bot: &Bot, settings: &Settings, findings: &mut Vec<Finding>) -> Option<UserId> {
    let lang = settings.default_lang;
    let me = match bot.get_me().await {
        Ok(me) => me,
        Err(error) => {
            findings.push(unreachable(lang, &error));
            return None;
        }
    };
    findings.push(Finding::ok(say(
        lang,
        format!("Telegram trả lời: bot @{}", me.username()),
        format!("Telegram answers: bot @{}", me.username()),
    )));
    findings.push(match me.can_read_all_group_messages {
        false => Finding::ok(say(
            lang,
            "Chế độ riêng tư bật: trong nhóm, bot chỉ nhận lệnh và trả lời cho nó",
            "Privacy mode is on: in groups the bot gets only commands and replies to it",
        )),
        true => Finding::problem(
            say(
                lang,
                "Chế độ riêng tư tắt: bot nhận mọi tin nhắn của người dân trong nhóm, điều Loa không cần",
                "Privacy mode is off: the bot gets every resident's message in groups, which Loa does not need",
            ),
            say(lang, "@BotFather → /setprivacy → Enable", "@BotFather → /setprivacy → Enable"),
        ),
    });
    findings.push(match bot.get_webhook_info().await {
        Ok(info) => webhook(lang, settings.webhook.as_ref().map(|webhook| webhook.url.as_str()), &info),
        Err(error) => unreachable(lang, &error),
    });
    findings.push(clock(lang, settings).await);
    Some(me.id)
}

fn unreachable(lang: Lang, error: &RequestError) -> Finding {
    match error {
        RequestError::Api(ApiError::InvalidToken) => Finding::problem(
            say(lang, "Telegram không nhận mã bot (token)", "Telegram refuses the bot token"),
            say(
                lang,
                "lấy lại mã từ @BotFather và đặt vào TELOXIDE_TOKEN",
                "copy the token from @BotFather again into TELOXIDE_TOKEN",
            ),
        ),
        // teloxide takes the token out of the URLs in its errors.
        other => Finding::problem(
            say(
                lang,
                format!("Không kết nối được Telegram: {other}"),
                format!("Telegram cannot be reached: {other}"),
            ),
            say(
                lang,
                "kiểm tra mạng, tường lửa và TELOXIDE_API_URL",
                "check the network, the firewall and TELOXIDE_API_URL",
            ),
        ),
    }
}

/// The webhook Telegram has registered against the one `LOA_WEBHOOK_URL` sets (`configured`),
/// or none while Loa polls: Telegram refuses `getUpdates` while a webhook is set.
fn webhook(lang: Lang, configured: Option<&str>, info: &WebhookInfo) -> Finding {
    let registered = info.url.as_ref().map(|url| url.as_str());
    let someone_else = || {
        say(
            lang,
            "`loa run` đặt lại webhook như cài đặt khi khởi động; nếu nó bị đổi lại, một chương trình khác \
             đang dùng mã bot này — đổi mã ở @BotFather",
            "`loa run` sets the webhook as configured when it starts; if it changes again, another program \
             uses this token — revoke it with @BotFather",
        )
    };
    match (configured, registered) {
        (None, None) => Finding::ok(say(
            lang,
            "Không có webhook: Loa nhận tin bằng cách hỏi Telegram (polling), như đã cài đặt",
            "No webhook is set: Loa asks Telegram for updates (polling), as configured",
        )),
        (None, Some(url)) => Finding::problem(
            say(
                lang,
                format!("Telegram gửi tin tới webhook {url}, trong khi Loa hỏi tin bằng polling"),
                format!("Telegram sends updates to the webhook {url}, while Loa polls for them"),
            ),
            someone_else(),
        ),
        (Some(expected), None) => Finding::problem(
            say(
                lang,
                format!("Chưa có webhook nào được đăng ký, dù LOA_WEBHOOK_URL là {expected}"),
                format!("No webhook is registered, though LOA_WEBHOOK_URL is {expected}"),
            ),
            say(
                lang,
                "khởi động Loa (`loa run`): nó đăng ký webhook; nếu Loa đang chạy, xem nhật ký (log) của nó",
                "start Loa (`loa run`), which registers it; if Loa is running, read its log",
            ),
        ),
        (Some(expected), Some(url)) if url != expected => Finding::problem(
            say(
                lang,
                format!("Webhook đăng ký là {url}, không phải {expected} như LOA_WEBHOOK_URL"),
                format!("The webhook registered is {url}, not {expected} as LOA_WEBHOOK_URL says"),
            ),
            someone_else(),
        ),
        (Some(_), Some(url)) => match &info.last_error_message {
            Some(error) => Finding::problem(
                say(
                    lang,
                    format!("Telegram không gửi được tin tới webhook {url}: {error}"),
                    format!("Telegram cannot deliver to the webhook {url}: {error}"),
                ),
                say(
                    lang,
                    "kiểm tra reverse proxy, chứng chỉ HTTPS và rằng Loa nghe ở LOA_LISTEN",
                    "check the reverse proxy, the HTTPS certificate, and that Loa listens on LOA_LISTEN",
                ),
            ),
            None => Finding::ok(say(
                lang,
                format!("Webhook {url} đã đăng ký, như cài đặt"),
                format!("The webhook {url} is registered, as configured"),
            )),
        },
    }
}

/// Compares this machine's clock with the `Date` of an answer from the Bot API server. A plain
/// request to the server's address, so that the token is not sent (nor can show in an error).
async fn clock(lang: Lang, settings: &Settings) -> Finding {
    let fix = || {
        say(
            lang,
            "bật đồng bộ giờ: `timedatectl set-ntp true`",
            "keep the clock synchronised: `timedatectl set-ntp true`",
        )
    };
    match server_time(settings).await {
        Ok((server, ours)) => {
            let skew = ours - server;
            let seconds = skew.num_seconds().abs();
            match (skew.abs() > MAX_SKEW, skew > Duration::zero()) {
                (false, _) => Finding::ok(say(
                    lang,
                    format!("Đồng hồ máy lệch {seconds} giây so với Telegram"),
                    format!("The clock is within {seconds} s of Telegram's"),
                )),
                (true, true) => Finding::problem(
                    say(
                        lang,
                        format!("Đồng hồ máy nhanh {seconds} giây so với Telegram: lời nhắc sẽ đi sớm"),
                        format!("The clock is {seconds} s ahead of Telegram's: reminders would fire early"),
                    ),
                    fix(),
                ),
                (true, false) => Finding::problem(
                    say(
                        lang,
                        format!("Đồng hồ máy chậm {seconds} giây so với Telegram: lời nhắc sẽ đi trễ"),
                        format!("The clock is {seconds} s behind Telegram's: reminders would fire late"),
                    ),
                    fix(),
                ),
            }
        }
        Err(problem) => Finding::problem(
            say(
                lang,
                format!("Không so được đồng hồ với Telegram: {problem}"),
                format!("The clock could not be compared with Telegram's: {problem}"),
            ),
            fix(),
        ),
    }
}

/// The server's time, and ours halfway through the request.
async fn server_time(settings: &Settings) -> Result<(DateTime<Utc>, DateTime<Utc>), String> {
    let client = teloxide::net::default_reqwest_settings().build().map_err(|error| error.to_string())?;
    let before = Utc::now();
    let answer = client.get(settings.api_url.as_str()).send().await.map_err(|error| error.to_string())?;
    let ours = before + (Utc::now() - before) / 2;
    let date = answer.headers().get("date").ok_or("no Date header")?;
    let date = date.to_str().map_err(|error| error.to_string())?;
    let server = DateTime::parse_from_rfc2822(date).map_err(|error| format!("{date:?}: {error}"))?;
    Ok((server.with_timezone(&Utc), ours))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn info(url: Option<&str>, last_error: Option<&str>) -> WebhookInfo {
        serde_json::from_value(serde_json::json!({
            "url": url.unwrap_or(""),
            "has_custom_certificate": false,
            "pending_update_count": 0,
            "last_error_message": last_error,
        }))
        .unwrap()
    }

    #[test]
    fn the_webhook_registered_is_the_one_configured_or_none_while_polling() {
        const OURS: &str = "https://loa.example.vn/telegram";
        assert!(webhook(Lang::En, None, &info(None, None)).is_ok());
        let polling = webhook(Lang::Vi, None, &info(Some(OURS), None));
        assert!(!polling.is_ok() && polling.text.contains(OURS), "{polling}");
        assert!(webhook(Lang::En, Some(OURS), &info(Some(OURS), None)).is_ok());
        let missing = webhook(Lang::En, Some(OURS), &info(None, None));
        assert!(missing.fix.unwrap().contains("loa run"));
        let other = webhook(Lang::En, Some(OURS), &info(Some("https://evil.example/x"), None));
        assert!(other.text.contains("https://evil.example/x") && other.fix.unwrap().contains("@BotFather"));
        let failing = webhook(Lang::En, Some(OURS), &info(Some(OURS), Some("Connection refused")));
        assert!(failing.text.ends_with("Connection refused") && failing.fix.unwrap().contains("LOA_LISTEN"));
    }
}
