//! Who receives Loa's alerts: the desk chat, or the admin officials in private.

use super::{Finding, finding::not_read, say};
use crate::{config::Settings, domain::Role, store::Store};

pub(super) async fn examine(store: &Store, settings: &Settings, findings: &mut Vec<Finding>) {
    let lang = settings.default_lang;
    if let Some(desk) = settings.desk.chat {
        findings.push(Finding::ok(say(
            lang,
            format!("Cảnh báo gửi tới nhóm tiếp nhận {desk}"),
            format!("Alerts go to the desk chat {desk}"),
        )));
        return;
    }
    findings.push(match store.officials().await {
        Ok(officials) => match officials.iter().filter(|official| official.role == Role::Admin).count() {
            0 => Finding::problem(
                say(
                    lang,
                    "Không ai nhận cảnh báo: chưa có cán bộ quản trị nào",
                    "Nobody receives alerts: there is no admin official",
                ),
                say(lang, "đặt LOA_ADMINS (hoặc LOA_DESK_CHAT)", "set LOA_ADMINS (or LOA_DESK_CHAT)"),
            ),
            admins => Finding::ok(say(
                lang,
                format!("Cảnh báo gửi riêng tới {admins} cán bộ quản trị (họ cần đã bấm Start với bot)"),
                format!("Alerts go to {admins} admin official(s) in private (who must have pressed Start)"),
            )),
        },
        Err(error) => not_read(lang, ("danh sách cán bộ", "The officials"), &error),
    });
}
