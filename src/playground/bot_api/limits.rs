//! Telegram's broadcast limits, enforced with sliding windows so a benchmark
//! can see what happens when a broadcast is too eager.
//! <https://core.telegram.org/bots/faq#my-bot-is-hitting-limits-how-do-i-avoid-this>

use std::collections::{HashMap, VecDeque};
use std::time::{Duration, Instant};

const SECOND: Duration = Duration::from_secs(1);
const MINUTE: Duration = Duration::from_secs(60);

/// Messages allowed per window; every limit must be at least 1.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    pub global_per_sec: usize,
    pub per_group_per_min: usize,
    pub per_chat_per_sec: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self { global_per_sec: 30, per_group_per_min: 20, per_chat_per_sec: 1 }
    }
}

/// Which of Telegram's limits refused a message.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Limit {
    Global,
    ChatPerSecond,
    GroupPerMinute,
}

/// A refusal: the limit that refused, and Telegram's `retry_after` in whole seconds.
pub(super) struct Refused {
    pub limit: Limit,
    pub retry_after: u32,
}

pub(super) struct Limiter {
    limits: Limits,
    /// Accepted messages of the last second, oldest first.
    global: VecDeque<Instant>,
    /// Accepted messages per chat: the last minute for groups (which have a
    /// per-minute limit), the last second otherwise.
    per_chat: HashMap<i64, VecDeque<Instant>>,
}

impl Limiter {
    pub(super) fn new(limits: Limits) -> Self {
        assert!(
            limits.global_per_sec > 0 && limits.per_group_per_min > 0 && limits.per_chat_per_sec > 0,
            "a zero limit would refuse everything: {limits:?}"
        );
        Self { limits, global: VecDeque::new(), per_chat: HashMap::new() }
    }

    /// Accepts `messages` messages to `chat_id` now (an album of k is k), or
    /// says which limit refused and how many whole seconds to wait, like
    /// Telegram's `retry_after`.
    /// Amortised O(1): each message enters and leaves a window once, and only
    /// the newest `limit` entries are read.
    pub(super) fn admit(&mut self, chat_id: i64, messages: usize, now: Instant) -> Result<(), Refused> {
        let is_group = chat_id < 0;
        let chat = self.per_chat.entry(chat_id).or_default();
        expire(&mut self.global, now, SECOND);
        expire(chat, now, if is_group { MINUTE } else { SECOND });

        let wait = [
            (Limit::Global, wait_for_room(&self.global, self.limits.global_per_sec, messages, now, SECOND)),
            // An album needs room for one message in its chat's second; its
            // others then fill that second, so nothing follows them within it.
            (Limit::ChatPerSecond, wait_for_room(chat, self.limits.per_chat_per_sec, 1, now, SECOND)),
            (
                Limit::GroupPerMinute,
                is_group
                    .then(|| wait_for_room(chat, self.limits.per_group_per_min, messages, now, MINUTE))
                    .flatten(),
            ),
        ]
        .into_iter()
        .filter_map(|(limit, wait)| Some((wait?, limit)))
        .max();
        if let Some((wait, limit)) = wait {
            return Err(Refused { limit, retry_after: whole_seconds(wait) });
        }
        for _ in 0..messages {
            self.global.push_back(now);
            chat.push_back(now);
        }
        Ok(())
    }
}

fn expire(window: &mut VecDeque<Instant>, now: Instant, span: Duration) {
    while window.front().is_some_and(|sent| now - *sent >= span) {
        window.pop_front();
    }
}

/// If `window` has no room for `messages` more within `span`, how long until
/// enough of its messages leave it. An album larger than `limit` waits for an
/// empty window rather than forever.
fn wait_for_room(
    window: &VecDeque<Instant>,
    limit: usize,
    messages: usize,
    now: Instant,
    span: Duration,
) -> Option<Duration> {
    let needed = messages.clamp(1, limit);
    let mut recent = window.iter().rev().take_while(|sent| now - **sent < span);
    recent.nth(limit - needed).map(|sent| span - (now - *sent))
}

/// Telegram rounds up and never says "retry after 0".
fn whole_seconds(wait: Duration) -> u32 {
    let rounded_up = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
    rounded_up.max(1) as u32
}
