//! Long answers in pages: one message with ‹ n/m › buttons that turn it in place. A page is
//! never longer than Telegram's 4,096 characters and never cuts an entry (a line) in two. The
//! buttons name the listing and the page, so a tap builds the listing again — current data,
//! nothing kept in memory, and a tap after a restart still works.

use std::sync::Arc;

use teloxide::{
    prelude::*,
    types::{InlineKeyboardButton, InlineKeyboardMarkup},
};

use super::{
    Context, official,
    reply::{Outgoing, Reply},
    resident,
};
use crate::{domain::MAX_MESSAGE_LEN, error::Result};

const PREFIX: &str = "page:";

/// What a paged answer lists: enough to build it again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Listing {
    /// `/upcoming` of the chat the message is in.
    Upcoming,
    Official(OfficialListing),
}

/// The listings only officials see, in their own chat.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OfficialListing {
    /// `/reminders`
    Reminders,
    /// `/broadcasts`
    Broadcasts,
    /// `/report <id>`
    Report(i64),
}

impl Listing {
    /// Callback data (at most 64 bytes): `page:report:123:2`.
    fn button_data(self, page: usize) -> String {
        match self {
            Listing::Upcoming => format!("{PREFIX}upcoming:{page}"),
            Listing::Official(OfficialListing::Reminders) => format!("{PREFIX}reminders:{page}"),
            Listing::Official(OfficialListing::Broadcasts) => format!("{PREFIX}broadcasts:{page}"),
            Listing::Official(OfficialListing::Report(id)) => format!("{PREFIX}report:{id}:{page}"),
        }
    }

    fn parse(data: &str) -> Option<(Listing, usize)> {
        let rest = data.strip_prefix(PREFIX)?;
        let (what, page) = rest.rsplit_once(':')?;
        let listing = match what.split_once(':') {
            None if what == "upcoming" => Listing::Upcoming,
            None if what == "reminders" => Listing::Official(OfficialListing::Reminders),
            None if what == "broadcasts" => Listing::Official(OfficialListing::Broadcasts),
            Some(("report", id)) => Listing::Official(OfficialListing::Report(id.parse().ok()?)),
            _ => return None,
        };
        Some((listing, page.parse().ok()?))
    }
}

/// Whether a button tap turns a page.
pub fn is_page_button(query: &CallbackQuery) -> bool {
    query.data.as_deref().is_some_and(|data| data.starts_with(PREFIX))
}

/// Cuts `text` into pages of whole lines, each at most `limit` UTF-16 units (what Telegram
/// counts). A single line longer than a page, which no listing writes, is cut at a character.
pub fn paginate(text: &str, limit: usize) -> Vec<String> {
    let mut pages = vec![String::new()];
    let mut length = 0;
    for line in text.split_inclusive('\n') {
        let line_length = line.encode_utf16().count();
        if length + line_length > limit && length > 0 {
            pages.push(String::new());
            length = 0;
        }
        if line_length <= limit {
            pages.last_mut().expect("never empty").push_str(line);
            length += line_length;
            continue;
        }
        for c in line.chars() {
            if length + c.len_utf16() > limit {
                pages.push(String::new());
                length = 0;
            }
            pages.last_mut().expect("never empty").push(c);
            length += c.len_utf16();
        }
    }
    pages
}

/// Page `index` (clamped) of `text`, with the buttons to turn it when there is more than one.
pub fn page(listing: Listing, text: &str, html: bool, index: usize) -> Reply {
    let mut pages = paginate(text, MAX_MESSAGE_LEN);
    let count = pages.len();
    let index = index.min(count - 1);
    let reply = Reply { text: pages.swap_remove(index), html, keyboard: None };
    if count == 1 {
        return reply;
    }
    let mut buttons = Vec::new();
    if index > 0 {
        buttons.push(InlineKeyboardButton::callback("‹", listing.button_data(index - 1)));
    }
    // Shows where one is; tapping it shows the same page again.
    buttons
        .push(InlineKeyboardButton::callback(format!("{}/{count}", index + 1), listing.button_data(index)));
    if index + 1 < count {
        buttons.push(InlineKeyboardButton::callback("›", listing.button_data(index + 1)));
    }
    reply.with_keyboard(InlineKeyboardMarkup::new([buttons]))
}

/// A tap on ‹ or ›: builds the listing again and shows the asked page in the same message.
pub async fn turn(bot: Bot, query: CallbackQuery, ctx: Arc<Context>) -> Result<()> {
    // Best effort: a query older than Telegram keeps can no longer be answered.
    if let Err(error) = bot.answer_callback_query(query.id.clone()).await {
        tracing::info!(%error, "could not answer a button tap");
    }
    let (Some((listing, index)), Some(message)) =
        (query.data.as_deref().and_then(Listing::parse), query.message.as_ref())
    else {
        return Ok(());
    };
    let chat = message.chat().id;
    let lang = ctx.lang_of(chat).await?;
    let built = match listing {
        Listing::Upcoming => {
            resident::upcoming_text(&ctx, chat.0, lang).await.map(|text| Some((text, false)))
        }
        Listing::Official(listing) => official::listing_text(listing, query.from.id, chat, lang, &ctx).await,
    };
    match built {
        Ok(Some((text, html))) => {
            let reply = page(listing, &text, html, index);
            ctx.replies.push(chat, lang, vec![Outgoing::Edit { message_id: message.id(), reply }]);
            Ok(())
        }
        // Not an official in their own chat: the listing is not theirs to see.
        Ok(None) => Ok(()),
        Err(error) => ctx.answer(chat, lang, Err(error)),
    }
}

/// The first page of a listing, as a handler's answer.
pub fn first(listing: Listing, text: String, html: bool) -> Vec<Outgoing> {
    vec![page(listing, &text, html, 0).into()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_hold_whole_lines_within_the_limit_and_lose_nothing() {
        let lines: Vec<String> = (0..300).map(|i| format!("#{i} · Thu gom rác · tổ {}\n", i % 17)).collect();
        let text = lines.concat();
        let pages = paginate(&text, 1000);
        assert!(pages.len() > 1);
        assert!(pages.iter().all(|page| page.encode_utf16().count() <= 1000));
        assert!(pages.iter().all(|page| page.ends_with('\n')), "no line is cut");
        assert_eq!(pages.concat(), text);
    }

    #[test]
    fn a_line_longer_than_a_page_is_cut_at_a_character() {
        let text = "đ".repeat(25);
        let pages = paginate(&text, 10);
        assert_eq!(pages.iter().map(|p| p.chars().count()).collect::<Vec<_>>(), [10, 10, 5]);
    }

    #[test]
    fn a_short_text_is_one_page_without_buttons() {
        let reply = page(Listing::Upcoming, "Lịch 7 ngày tới:\n• 01/06/2026 17:30", false, 0);
        assert_eq!(reply.keyboard, None);
        assert_eq!(paginate("", 10), [""]);
    }

    #[test]
    fn button_data_fits_telegram_and_reads_back() {
        for listing in [
            Listing::Upcoming,
            Listing::Official(OfficialListing::Reminders),
            Listing::Official(OfficialListing::Broadcasts),
            Listing::Official(OfficialListing::Report(i64::MAX)),
        ] {
            let data = listing.button_data(123_456);
            assert!(data.len() <= 64, "{data}");
            assert_eq!(Listing::parse(&data), Some((listing, 123_456)));
        }
        assert_eq!(Listing::parse("page:report:x:1"), None);
        assert_eq!(Listing::parse("confirm:3"), None);
    }

    #[test]
    fn the_middle_page_has_both_arrows_and_its_number() {
        let text = "x\n".repeat(5000);
        let reply = page(Listing::Official(OfficialListing::Report(7)), &text, true, 1);
        let row = &reply.keyboard.expect("buttons").inline_keyboard[0];
        let labels: Vec<&str> = row.iter().map(|b| b.text.as_str()).collect();
        assert_eq!(labels, ["‹", "2/3", "›"]);
        assert!(reply.html);
    }
}
