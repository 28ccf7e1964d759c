//! Replies about acknowledgements: the toast a tap gets.

use crate::{domain::Lang, store::AckTap};

/// What a tap on «✅ Đã nhận» is answered with (a toast: at most 200 characters).
pub fn ack_toast(lang: Lang, tap: AckTap, preview: bool) -> String {
    let vi = lang == Lang::Vi;
    match (tap, preview, vi) {
        (_, true, true) => "Đây là bản xem trước: người dân sẽ bấm nút này để xác nhận đã nhận.",
        (_, true, false) => "This is a preview: residents will tap this button to say they got it.",
        (AckTap::Recorded, _, true) => "✅ Cảm ơn, phường đã ghi nhận bạn đã nhận thông báo.",
        (AckTap::Recorded, _, false) => "✅ Thank you: the ward knows you got the announcement.",
        (AckTap::Again, _, true) => "Bạn đã xác nhận rồi.",
        (AckTap::Again, _, false) => "You have already confirmed.",
        (AckTap::Recalled, _, true) => "Thông báo này đã được phường thu hồi; không cần xác nhận nữa.",
        (AckTap::Recalled, _, false) => "The ward recalled this announcement; no need to confirm it.",
        (AckTap::NotAsked, _, true) => "Thông báo này không còn nhận xác nhận.",
        (AckTap::NotAsked, _, false) => "This announcement no longer takes confirmations.",
    }
    .to_owned()
}
