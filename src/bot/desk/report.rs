//! A resident's report, step by step: words, a photo or video and a location in any order,
//! then «Tiếp tục», the area, the category and whether the ward may contact them. Each step is
//! saved in `ticket_drafts` before Loa answers, so a restart in the middle loses nothing. The
//! questions are one message edited in place, as composing is for officials.

use std::sync::Arc;

use chrono::Duration;
use teloxide::types::{InlineKeyboardMarkup, Message, MessageId, User, UserId};

use super::{
    buttons::{ReportTap, report_button, rows},
    to_desk,
};
use crate::{
    bot::{Context, Outgoing, Reply, texts},
    domain::{Category, DAILY_TICKETS, Lang, MAX_REPORT_LEN, Piece, ReportStep},
    error::Result,
    store::{Contact, TicketDraft},
};

const DAY: Duration = Duration::hours(24);

/// `/phananh` or «Phản ánh»: a new report, unless the resident may not open one now. The first
/// time, the privacy notice comes first.
pub async fn start(resident: UserId, lang: Lang, ctx: &Context) -> Result<Vec<Outgoing>> {
    if let Some(refusal) = refusal(resident, lang, ctx).await? {
        return Ok(vec![refusal.into()]);
    }
    let mut messages = Vec::new();
    if !ctx.store.has_tickets(resident).await? {
        messages.push(texts::privacy_notice(lang, ctx.desk.keep_tickets).into());
    }
    ctx.store.start_ticket_draft(resident, ctx.clock.now()).await?;
    let cancel = InlineKeyboardMarkup::new([[report_button(texts::cancel_button(lang), ReportTap::Cancel)]]);
    messages.push(Reply::from(texts::report_start(lang)).with_keyboard(cancel).into());
    Ok(messages)
}

/// Why `resident` may not open a ticket now: blocked, or over the daily limit.
async fn refusal(resident: UserId, lang: Lang, ctx: &Context) -> Result<Option<String>> {
    if ctx.store.is_blocked_from_desk(resident).await? {
        return Ok(Some(texts::report_blocked(lang)));
    }
    let opened = ctx.store.tickets_opened_since(resident, ctx.clock.now() - DAY).await?;
    Ok((opened >= DAILY_TICKETS).then(|| texts::report_limit(lang, DAILY_TICKETS)))
}

/// A message while the resident's report is open: words, a photo or video, a location are
/// added; anything else is refused with the reason. Past the first step, the question is
/// asked again.
pub async fn add(
    message: &Message,
    mut draft: TicketDraft,
    lang: Lang,
    ctx: &Context,
) -> Result<Vec<Outgoing>> {
    if draft.step != ReportStep::Content {
        return Ok(vec![question(&draft, lang, ctx).await?.into()]);
    }
    let piece = match Piece::from_message(message) {
        Ok(piece) => piece,
        Err(error) => return Ok(vec![texts::report_piece_refused(lang, &error).into()]),
    };
    if let Some(text) = piece.text {
        let body = if draft.body.is_empty() { text } else { format!("{}\n{text}", draft.body) };
        if body.chars().count() > MAX_REPORT_LEN {
            return Ok(vec![texts::report_too_long(lang, MAX_REPORT_LEN).into()]);
        }
        draft.body = body;
    }
    // One photo or video, one location: a later one replaces the earlier.
    draft.media = piece.media.or(draft.media);
    draft.location = piece.location.or(draft.location);
    ctx.store.save_ticket_draft(&draft, ctx.clock.now()).await?;
    Ok(vec![question(&draft, lang, ctx).await?.into()])
}

/// A tap on a report's button, in the resident's private chat; `message` is the tapped one.
/// Returns a note for a tap that cannot act, or what to show.
pub async fn tap(
    user: &User,
    tap: ReportTap,
    message: MessageId,
    lang: Lang,
    ctx: &Arc<Context>,
) -> Result<(Option<String>, Vec<Outgoing>)> {
    let resident = user.id;
    let Some(mut draft) = ctx.store.ticket_draft(resident).await? else {
        return Ok((Some(texts::report_over(lang)), Vec::new()));
    };
    if tap.step().is_some_and(|step| step != draft.step) {
        return Ok((Some(texts::use_the_buttons(lang)), Vec::new()));
    }
    let edit = |reply: Reply| vec![Outgoing::Edit { message_id: message, reply }];
    match tap {
        ReportTap::Cancel => {
            ctx.store.drop_ticket_draft(resident).await?;
            return Ok((None, edit(texts::report_cancelled(lang).into())));
        }
        ReportTap::Continue if draft.body.trim().is_empty() => {
            return Ok((None, vec![texts::report_needs_text(lang).into()]));
        }
        ReportTap::Continue => {
            let known = ctx.store.known_areas().await?;
            draft.step = if known.is_empty() { ReportStep::Category } else { ReportStep::Area };
        }
        ReportTap::Area(area) => {
            draft.area = area;
            draft.step = ReportStep::Category;
        }
        ReportTap::Category(category) => {
            draft.category = Some(category);
            draft.step = ReportStep::Consent;
        }
        ReportTap::Consent(agreed) => return finish(user, draft, agreed, message, lang, ctx).await,
    }
    ctx.store.save_ticket_draft(&draft, ctx.clock.now()).await?;
    Ok((None, edit(question(&draft, lang, ctx).await?)))
}

/// The last answer: the report becomes a ticket and goes to the desk.
async fn finish(
    user: &User,
    draft: TicketDraft,
    agreed: bool,
    message: MessageId,
    lang: Lang,
    ctx: &Arc<Context>,
) -> Result<(Option<String>, Vec<Outgoing>)> {
    // Checked again: other reports may have been sent from another device meanwhile.
    if let Some(refusal) = refusal(user.id, lang, ctx).await? {
        ctx.store.drop_ticket_draft(user.id).await?;
        return Ok((None, vec![Outgoing::Edit { message_id: message, reply: refusal.into() }]));
    }
    let category = draft.category.unwrap_or(Category::Other);
    let contact = agreed.then(|| Contact { name: user.full_name(), username: user.username.clone() });
    let ticket = ctx.store.open_ticket(&draft, category, contact.as_ref(), ctx.clock.now()).await?;
    // The ticket stands whatever happens next: until its card reaches the desk it is owed,
    // and sent again at the next start.
    if let Err(error) = to_desk::post(ctx, ticket, None).await {
        tracing::warn!(%error, ticket, "could not send a ticket to the desk");
    }
    let opened = texts::ticket_opened(lang, ticket, ctx.desk.ack_within);
    Ok((None, vec![Outgoing::Edit { message_id: message, reply: opened.into() }]))
}

/// What the report asks at its step, with the buttons to answer.
async fn question(draft: &TicketDraft, lang: Lang, ctx: &Context) -> Result<Reply> {
    let cancel = || report_button(texts::cancel_button(lang), ReportTap::Cancel);
    Ok(match draft.step {
        ReportStep::Content => {
            let next = report_button(texts::continue_button(lang), ReportTap::Continue);
            Reply::from(texts::report_so_far(lang, draft)).with_keyboard(rows(vec![next, cancel()], 2))
        }
        ReportStep::Area => {
            let mut buttons: Vec<_> = ctx
                .store
                .known_areas()
                .await?
                .into_iter()
                .map(|area| {
                    report_button(texts::report_area_button(lang, area.as_str()), ReportTap::Area(Some(area)))
                })
                .collect();
            buttons.push(report_button(texts::unknown_area_button(lang), ReportTap::Area(None)));
            buttons.push(cancel());
            Reply::from(texts::choose_area(lang)).with_keyboard(rows(buttons, 3))
        }
        ReportStep::Category => {
            let mut buttons: Vec<_> = Category::ALL
                .into_iter()
                .map(|category| {
                    report_button(texts::category_name(lang, category), ReportTap::Category(category))
                })
                .collect();
            buttons.push(cancel());
            Reply::from(texts::choose_category(lang)).with_keyboard(rows(buttons, 2))
        }
        ReportStep::Consent => {
            let buttons = vec![
                report_button(texts::consent_button(lang, true), ReportTap::Consent(true)),
                report_button(texts::consent_button(lang, false), ReportTap::Consent(false)),
                cancel(),
            ];
            Reply::from(texts::consent_question(lang)).with_keyboard(rows(buttons, 1))
        }
    })
}
