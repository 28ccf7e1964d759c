//! Every message the bot writes to a person — replies, previews, pages turned, buttons taken
//! off — leaves through this queue. Handlers queue and return, so a chat's next update is not
//! held up. Replies share one pacer with the outbox's deliveries and go before them (a person
//! is waiting); a 429 is waited out and the request sent again, never dropped. Each chat has a
//! budget per minute (Telegram's own limits): past it, the chat gets one short "please wait"
//! and the rest is logged, not queued, so one noisy chat can neither grow memory nor starve
//! the others. Replies live in memory: after a crash a person asks again; what a command did
//! is in the database before its reply is queued. A message queued with a receipt (the desk's
//! copy of a ticket, an answer relayed to a resident) reports what became of it, so that the
//! sender can record its id or why it could not be delivered.

use std::{
    collections::{HashMap, VecDeque},
    sync::{Arc, Mutex, MutexGuard, PoisonError},
    time::Duration,
};

use chrono::Utc;
use teloxide::{
    ApiError, RequestError,
    prelude::*,
    types::{InputFile, MessageId, ParseMode},
};
use tokio::{
    sync::{Notify, oneshot},
    task::JoinSet,
    time::Instant,
};
use tokio_util::sync::CancellationToken;

use super::{reply::Outgoing, texts};
use crate::{
    config::Rates,
    delivery::{SharedPacer, classify, error_kind, send_announcement},
    domain::{Lang, MediaItem, MediaKind},
    metrics::Metrics,
    store::Outcome,
};

/// What became of a message queued with a receipt. A message dropped unsent (its chat over
/// its budget, or Loa stopping) drops its receipt instead: the receiver then gets an error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Receipt {
    /// Sent; the new message's id (none for an edit).
    Sent(Option<MessageId>),
    /// Telegram refused it for good; `chat_gone`: the bot can no longer write to the chat
    /// (blocked by the user, removed from the group).
    Failed { reason: String, chat_gone: bool },
}

const MINUTE: Duration = Duration::from_secs(60);
/// After the dispatcher stops, queued replies get this long to leave.
const DRAIN_LIMIT: Duration = Duration::from_secs(5);
/// Replies take their slots at most this far ahead (or two overall gaps, if longer): more than
/// one gap, so that the worker never finds a free slot while replies wait, and little enough
/// that a reply queued later still takes its turn among those already waiting.
const BOOKING_HORIZON: Duration = Duration::from_millis(50);

/// A handle to the queue; cheap to clone.
#[derive(Clone)]
pub struct ReplyQueue(Arc<Shared>);

struct Shared {
    bot: Bot,
    pacer: SharedPacer,
    metrics: Metrics,
    /// Messages a group may be sent in a minute, and a private chat.
    group_budget: usize,
    private_budget: usize,
    booking_horizon: Duration,
    chats: Mutex<HashMap<i64, ChatQueue>>,
    wake: Notify,
}

/// One chat's replies. Dropped once it holds nothing and its minute has passed.
struct ChatQueue {
    is_group: bool,
    waiting: VecDeque<Queued>,
    /// One request per chat at a time keeps its replies in order.
    in_flight: bool,
    /// Nothing to this chat before then (Telegram asked to wait, or a retry's backoff).
    not_before: Option<Instant>,
    /// When the messages of the last minute were accepted, for the budget.
    accepted: VecDeque<Instant>,
    told_to_wait: bool,
}

struct Queued {
    what: Outgoing,
    receipt: Option<oneshot::Sender<Receipt>>,
    attempts: u32,
    /// Chats take turns by the age of their first message.
    queued_at: Instant,
}

impl ReplyQueue {
    pub fn new(bot: Bot, pacer: SharedPacer, rates: Rates, metrics: Metrics) -> ReplyQueue {
        let private_budget = (rates.per_chat_per_sec as usize).saturating_mul(60).max(2);
        let group_budget = (rates.per_group_per_min as usize).clamp(2, private_budget);
        let booking_horizon = BOOKING_HORIZON.max(2 * Duration::from_secs(1) / rates.global_per_sec);
        ReplyQueue(Arc::new(Shared {
            bot,
            pacer,
            metrics,
            group_budget,
            private_budget,
            booking_horizon,
            chats: Mutex::new(HashMap::new()),
            wake: Notify::new(),
        }))
    }

    /// Queues `messages` for `chat`, in order, if the chat's budget has room for all of them;
    /// otherwise the chat is told once, in `lang`, to wait, and the messages are dropped.
    pub fn push(&self, chat: ChatId, lang: Lang, messages: Vec<Outgoing>) {
        self.enqueue(chat, lang, messages.into_iter().map(|what| (what, None)).collect());
    }

    /// Queues one message as `push` does, and returns its receipt.
    pub fn push_with_receipt(&self, chat: ChatId, lang: Lang, what: Outgoing) -> oneshot::Receiver<Receipt> {
        let (receipt, receiver) = oneshot::channel();
        self.enqueue(chat, lang, vec![(what, Some(receipt))]);
        receiver
    }

    fn enqueue(&self, chat: ChatId, lang: Lang, messages: Vec<(Outgoing, Option<oneshot::Sender<Receipt>>)>) {
        if messages.is_empty() {
            return;
        }
        let now = Instant::now();
        let mut chats = self.0.lock();
        let queue = chats.entry(chat.0).or_insert_with(|| ChatQueue::new(chat.0 < 0));
        while queue.accepted.front().is_some_and(|at| *at + MINUTE <= now) {
            queue.accepted.pop_front();
        }
        let budget = if queue.is_group { self.0.group_budget } else { self.0.private_budget };
        // One message of the budget is kept for the "please wait". The queue is capped too: a
        // chat held back by a long 429 does not take a new budget every minute.
        let room = (budget - 1).saturating_sub(queue.accepted.len().max(queue.waiting.len()));
        if messages.len() <= room {
            queue.told_to_wait = false;
            queue.accepted.extend(std::iter::repeat_n(now, messages.len()));
            queue.waiting.extend(messages.into_iter().map(|(what, receipt)| Queued {
                what,
                receipt,
                attempts: 0,
                queued_at: now,
            }));
        } else if !queue.told_to_wait {
            tracing::warn!(chat = chat.0, "a chat is over its reply budget; telling it to wait");
            queue.told_to_wait = true;
            queue.accepted.push_back(now);
            // First in line: it says why the rest will not come, so it should not wait for them.
            let please_wait =
                Queued { what: texts::please_wait(lang).into(), receipt: None, attempts: 0, queued_at: now };
            queue.waiting.push_front(please_wait);
        } else {
            tracing::info!(chat = chat.0, dropped = messages.len(), "over its reply budget; not sent");
            return;
        }
        drop(chats);
        self.0.wake.notify_one();
    }

    /// Sends what is queued until `stop`; then what is left, for at most `DRAIN_LIMIT`.
    pub async fn run(self, stop: CancellationToken) {
        let mut sending = JoinSet::new();
        let mut drain_until = None;
        loop {
            let next = self.start_ready(&mut sending);
            if drain_until.is_some() && sending.is_empty() && !self.0.has_waiting() {
                return;
            }
            tokio::select! {
                _ = self.0.wake.notified() => {}
                Some(_) = sending.join_next(), if !sending.is_empty() => {}
                _ = tokio::time::sleep_until(next.unwrap_or_else(Instant::now)), if next.is_some() => {}
                _ = stop.cancelled(), if drain_until.is_none() => {
                    drain_until = Some(Instant::now() + DRAIN_LIMIT);
                }
                _ = tokio::time::sleep_until(drain_until.unwrap_or_else(Instant::now)), if drain_until.is_some() => {
                    tracing::warn!("replies still queued at shutdown were not sent");
                    return;
                }
            }
        }
    }

    /// Starts the first reply of the chats whose limits allow it, oldest first, each at the
    /// next overall slot within the booking horizon; forgets chats with nothing left. Returns
    /// when to look again.
    fn start_ready(&self, sending: &mut JoinSet<()>) -> Option<Instant> {
        let now = Instant::now();
        let mut chats = self.0.lock();
        let mut pacer = self.0.pacer.lock();
        let mut next = None::<Instant>;
        let mut soonest = |at: Instant| next = Some(next.map_or(at, |next: Instant| next.min(at)));
        chats.retain(|_, queue| {
            queue.in_flight
                || !queue.waiting.is_empty()
                || queue.accepted.back().is_some_and(|at| *at + MINUTE > now)
        });
        let mut ready = Vec::new();
        for (&chat, queue) in chats.iter() {
            let Some(first) = queue.waiting.front().filter(|_| !queue.in_flight) else { continue };
            match queue.not_before.max(pacer.chat_ready_at(chat, queue.is_group, first.what.messages())) {
                Some(at) if at > now => soonest(at),
                _ => ready.push((first.queued_at, chat)),
            }
        }
        ready.sort_unstable();
        for (_, chat) in ready {
            let queue = chats.get_mut(&chat).expect("listed above");
            let messages = queue.waiting.front().map_or(1, |first| first.what.messages());
            let at = pacer.ready_at(chat, queue.is_group, messages).max(now);
            if at > now + self.0.booking_horizon {
                soonest(at - self.0.booking_horizon);
                break;
            }
            let queued = queue.waiting.pop_front().expect("not empty");
            pacer.record(chat, queue.is_group, at, queued.what.messages());
            queue.in_flight = true;
            sending.spawn(self.clone().send(ChatId(chat), queued, at));
        }
        next
    }

    async fn send(self, chat: ChatId, mut queued: Queued, at: Instant) {
        tokio::time::sleep_until(at).await;
        let result = perform(&self.0.bot, chat, &queued.what).await;
        self.0.metrics.replied(result.as_ref().err().map(error_kind));
        let mut chats = self.0.lock();
        let queue = chats.get_mut(&chat.0).expect("a chat with a request in flight is kept");
        queue.in_flight = false;
        match result {
            Ok(sent) => report(queued.receipt, Receipt::Sent(sent)),
            Err(error) => {
                queued.attempts += 1;
                // Only the wait is taken from this: wall-clock time is as good as any.
                let now = Utc::now();
                match classify(&error, queued.attempts, now) {
                    // A message whose answer was lost (a timeout) may arrive twice; better than not at all.
                    Outcome::Retry { at, .. } => {
                        let wait = (at - now).to_std().unwrap_or_default();
                        tracing::info!(chat = chat.0, %error, ?wait, "a reply will be sent again");
                        queue.not_before = Some(Instant::now() + wait);
                        queue.waiting.push_front(queued);
                    }
                    Outcome::Failed { error: reason, chat_gone } => {
                        tracing::warn!(chat = chat.0, %error, "a reply could not be sent");
                        report(queued.receipt, Receipt::Failed { reason, chat_gone });
                    }
                    _ => tracing::warn!(chat = chat.0, %error, "a reply could not be sent"),
                }
            }
        }
        drop(chats);
        self.0.wake.notify_one();
    }
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, HashMap<i64, ChatQueue>> {
        self.chats.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Whether any chat has a message still to send.
    fn has_waiting(&self) -> bool {
        self.lock().values().any(|queue| !queue.waiting.is_empty())
    }
}

impl ChatQueue {
    fn new(is_group: bool) -> ChatQueue {
        ChatQueue {
            is_group,
            waiting: VecDeque::new(),
            in_flight: false,
            not_before: None,
            accepted: VecDeque::new(),
            told_to_wait: false,
        }
    }
}

/// Tells whoever waits for a receipt; nobody may be waiting any more.
fn report(receipt: Option<oneshot::Sender<Receipt>>, what: Receipt) {
    if let Some(receipt) = receipt {
        let _ = receipt.send(what);
    }
}

/// Makes the request; returns the new message's id, if it made one.
async fn perform(bot: &Bot, chat: ChatId, what: &Outgoing) -> Result<Option<MessageId>, RequestError> {
    let result = match what {
        Outgoing::Send(reply) => {
            let mut request = bot.send_message(chat, &reply.text);
            request.parse_mode = reply.html.then_some(ParseMode::Html);
            request.reply_markup = reply.keyboard.clone().map(Into::into);
            request.await.map(|sent| Some(sent.id))
        }
        Outgoing::Media { item, caption } => send_media(bot, chat, item, caption).await.map(Some),
        Outgoing::Buttons { message_id, keyboard } => {
            let mut request = bot.edit_message_reply_markup(chat, *message_id);
            request.reply_markup = Some(keyboard.clone());
            request.await.map(|_| None)
        }
        Outgoing::Edit { message_id, reply } => {
            let mut request = bot.edit_message_text(chat, *message_id, &reply.text);
            request.parse_mode = reply.html.then_some(ParseMode::Html);
            request.reply_markup = reply.keyboard.clone();
            request.await.map(|_| None)
        }
        Outgoing::Delete { message_id } => bot.delete_message(chat, *message_id).await.map(|_| None),
        Outgoing::RemoveButtons { message_id } => {
            bot.edit_message_reply_markup(chat, *message_id).await.map(|_| None)
        }
        Outgoing::Announcement { rendered, media, button } => {
            // A preview half sent is sent again whole: the official sees it twice at worst.
            let sent = send_announcement(bot, chat, rendered, media, button.as_ref()).await;
            sent.map(|ids| ids.first().copied()).map_err(|failure| failure.error)
        }
        // Uploaded again on a retry: a picture is drawn for one person, so its file id is not
        // worth keeping.
        Outgoing::Picture { png, caption } => {
            let file = InputFile::memory(png.clone()).file_name("chart.png");
            bot.send_photo(chat, file).caption(caption).await.map(|sent| Some(sent.id))
        }
    };
    match result {
        // The same page twice, or buttons already gone: nothing to change is not a failure.
        Err(RequestError::Api(ApiError::MessageNotModified)) => Ok(None),
        other => other,
    }
}

/// One photo or video with a plain-text caption and buttons (the desk's copy of a ticket).
async fn send_media(
    bot: &Bot,
    chat: ChatId,
    item: &MediaItem,
    caption: &super::Reply,
) -> Result<MessageId, RequestError> {
    let file = InputFile::file_id(item.file_id.clone().into());
    let keyboard = caption.keyboard.clone();
    let sent = match item.kind {
        MediaKind::Photo => {
            let mut request = bot.send_photo(chat, file).caption(&caption.text);
            request.reply_markup = keyboard.map(Into::into);
            request.await?
        }
        MediaKind::Video => {
            let mut request = bot.send_video(chat, file).caption(&caption.text);
            request.reply_markup = keyboard.map(Into::into);
            request.await?
        }
        // Residents attach photos and videos only; anything else would still show, as a file.
        _ => {
            let mut request = bot.send_document(chat, file).caption(&caption.text);
            request.reply_markup = keyboard.map(Into::into);
            request.await?
        }
    };
    Ok(sent.id)
}
