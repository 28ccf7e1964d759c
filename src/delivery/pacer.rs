//! Telegram's sending limits, kept on our side so that a broadcast causes no 429: a gap
//! between any two requests overall, a gap between two requests to one chat, and at most N
//! requests to one group in any minute. One pacer is shared by every message the bot sends:
//! the outbox's deliveries and the replies to people.

use std::{
    collections::{HashMap, VecDeque},
    sync::{Arc, Mutex, MutexGuard, PoisonError},
    time::Duration,
};

use tokio::time::Instant;

use crate::config::Rates;

/// Requests reach Telegram with a little jitter; pacing 3% under a chat's limits keeps a burst
/// of late-then-early arrivals inside Telegram's windows too.
const MARGIN: f64 = 1.03;
/// The overall rate is what a broadcast's length depends on, so it is kept closer to its
/// limit: any N consecutive requests (N = the rate, at most `GLOBAL_SPAN`) span at least this
/// much more than their share of a second, however late a timer woke for one of them. 2 % is
/// 20 ms of room at 30/s for requests that arrive later than they started (a busy process,
/// a slow network); it costs 1.5 % of a broadcast's rate.
const GLOBAL_MARGIN: f64 = 1.02;
/// Requests nobody waits for (the count on a «Đã nhận» button) take at most this share of the
/// overall rate. Alone they never fill Telegram's window, so the requests that arrive late
/// while a thousand taps a second are handled cannot push it over: with them paced like a
/// broadcast, the acks bench saw 1–4 × 429 per run, even with 20 ms of room.
const BACKGROUND_SHARE: f64 = 2.0 / 3.0;
const GLOBAL_SPAN: usize = 64;
const MINUTE: Duration = Duration::from_secs(60);

/// The one pacer of the process; locked only for a moment, never across an `.await`.
#[derive(Clone)]
pub struct SharedPacer(Arc<Mutex<Pacer>>);

impl SharedPacer {
    pub fn new(rates: Rates) -> SharedPacer {
        SharedPacer(Arc::new(Mutex::new(Pacer::new(rates, Instant::now()))))
    }

    pub fn lock(&self) -> MutexGuard<'_, Pacer> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

pub struct Pacer {
    /// An even share of a second: requests never bunch up.
    global_gap: Duration,
    /// The gap between two background requests (`BACKGROUND_SHARE` of the overall rate).
    background_gap: Duration,
    next_background: Instant,
    /// Starts of the last `global_span` requests, which must span `global_window`.
    recent: VecDeque<Instant>,
    global_span: usize,
    global_window: Duration,
    chat_gap: Duration,
    group_limit: usize,
    group_window: Duration,
    next_global: Instant,
    chats: HashMap<i64, ChatPace>,
}

#[derive(Default)]
struct ChatPace {
    next: Option<Instant>,
    /// Starts of recent requests to a group, within `group_window`.
    recent: VecDeque<Instant>,
}

impl Pacer {
    pub fn new(rates: Rates, now: Instant) -> Pacer {
        let gap = |per: Duration, count: u32| per.mul_f64(MARGIN) / count;
        let global_gap = Duration::from_secs(1) / rates.global_per_sec;
        let global_span = (rates.global_per_sec as usize).min(GLOBAL_SPAN);
        Pacer {
            global_gap,
            background_gap: global_gap.div_f64(BACKGROUND_SHARE),
            next_background: now,
            recent: VecDeque::with_capacity(global_span),
            global_span,
            global_window: (global_gap * global_span as u32).mul_f64(GLOBAL_MARGIN),
            chat_gap: gap(Duration::from_secs(1), rates.per_chat_per_sec),
            group_limit: rates.per_group_per_min as usize,
            group_window: MINUTE.mul_f64(MARGIN),
            next_global: now,
            chats: HashMap::new(),
        }
    }

    /// The earliest instant a request of `messages` messages (an album's items each count) to
    /// `chat` may start.
    pub fn ready_at(&self, chat: i64, is_group: bool, messages: usize) -> Instant {
        let mut global = self.next_global;
        // Room for all of them in the window: the request may start once the start that
        // would be the window's oldest with them is a window old.
        if let Some(oldest) = must_have_left(&self.recent, self.global_span, messages) {
            global = global.max(oldest + self.global_window);
        }
        self.chat_ready_at(chat, is_group, messages).map_or(global, |ready| ready.max(global))
    }

    /// The earliest instant a background request (nobody waits for it) to `chat` may start: as
    /// `ready_at`, and within its share of the overall rate.
    pub fn background_ready_at(&self, chat: i64, is_group: bool) -> Instant {
        self.ready_at(chat, is_group, 1).max(self.next_background)
    }

    /// When the limits of `chat` alone allow a request of `messages` messages to it (`None`: at
    /// once), whatever the overall rate says.
    pub fn chat_ready_at(&self, chat: i64, is_group: bool, messages: usize) -> Option<Instant> {
        let pace = self.chats.get(&chat)?;
        let mut ready = pace.next;
        if is_group && let Some(oldest) = must_have_left(&pace.recent, self.group_limit, messages) {
            let window_frees = oldest + self.group_window;
            ready = Some(ready.map_or(window_frees, |next| next.max(window_frees)));
        }
        ready
    }

    /// Records that a request to `chat` starts at `at`, carrying `messages` messages (an
    /// album's items each count, as Telegram counts them): they all take their share of the
    /// overall rate and of the group's minute.
    pub fn record(&mut self, chat: i64, is_group: bool, at: Instant, messages: usize) {
        let messages = messages.max(1);
        self.next_global = at + self.global_gap * messages as u32;
        for _ in 0..messages {
            if self.recent.len() == self.global_span {
                self.recent.pop_front();
            }
            self.recent.push_back(at);
        }
        let pace = self.chats.entry(chat).or_default();
        pace.next = Some(at + self.chat_gap);
        if is_group {
            for _ in 0..messages {
                pace.recent.push_back(at);
            }
            while pace.recent.len() > self.group_limit {
                pace.recent.pop_front();
            }
        }
    }

    /// Records a background request (see `background_ready_at`) to `chat` starting at `at`.
    pub fn record_background(&mut self, chat: i64, is_group: bool, at: Instant) {
        self.record(chat, is_group, at, 1);
        self.next_background = at + self.background_gap;
    }

    /// Forgets chats whose limits no longer hold anything back, so memory follows the chats
    /// written to lately, not every chat ever written to.
    pub fn forget_idle(&mut self, now: Instant) {
        let window = self.group_window;
        self.chats.retain(|_, pace| {
            pace.next.is_some_and(|next| next > now)
                || pace.recent.back().is_some_and(|last| *last + window > now)
        });
    }
}

/// Of `recent` starts (oldest first) under a limit of `limit` per window, the one that must
/// have left the window before `messages` more fit; `None` if they fit already. An album larger
/// than the limit waits for an empty window.
fn must_have_left(recent: &VecDeque<Instant>, limit: usize, messages: usize) -> Option<Instant> {
    let needed = messages.clamp(1, limit);
    let excess = (recent.len() + needed).checked_sub(limit + 1)?;
    recent.get(excess.min(recent.len().saturating_sub(1))).copied()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pacer(global: u32, per_group_min: u32, per_chat_sec: u32, now: Instant) -> Pacer {
        Pacer::new(
            Rates {
                global_per_sec: global,
                per_group_per_min: per_group_min,
                per_chat_per_sec: per_chat_sec,
            },
            now,
        )
    }

    /// Starts `count` requests to chats chosen by `chat_of`, each as early as allowed, and
    /// returns their start instants.
    fn schedule(
        pacer: &mut Pacer,
        count: usize,
        chat_of: impl Fn(usize) -> i64,
        is_group: bool,
    ) -> Vec<Instant> {
        (0..count)
            .map(|i| {
                let chat = chat_of(i);
                let at = pacer.ready_at(chat, is_group, 1);
                pacer.record(chat, is_group, at, 1);
                at
            })
            .collect()
    }

    /// The most starts in any window of `width` beginning at a start.
    fn most_in_window(starts: &[Instant], width: Duration) -> usize {
        starts
            .iter()
            .map(|a| starts.iter().filter(|b| **b >= *a && **b < *a + width).count())
            .max()
            .unwrap_or(0)
    }

    #[test]
    fn the_global_rate_is_kept_under_its_limit_by_no_more_than_its_margin() {
        let start = Instant::now();
        let mut pacer = pacer(30, 20, 1, start);
        let starts = schedule(&mut pacer, 300, |i| -(i as i64) - 1, true);
        assert!(most_in_window(&starts, Duration::from_secs(1)) <= 30);
        let elapsed = (*starts.last().unwrap() - start).as_secs_f64();
        let rate = 299.0 / elapsed;
        let margin_kept = 30.0 / GLOBAL_MARGIN;
        assert!((margin_kept * 0.995..30.0).contains(&rate), "{rate} msg/s, {margin_kept} expected");
    }

    #[test]
    fn background_requests_alone_take_two_thirds_of_the_rate_and_never_hold_others_back() {
        let start = Instant::now();
        let mut pacer = pacer(30, 20, 1, start);
        let starts: Vec<Instant> = (0..90)
            .map(|i| {
                let at = pacer.background_ready_at(-i - 1, true);
                pacer.record_background(-i - 1, true, at);
                at
            })
            .collect();
        assert!(most_in_window(&starts, Duration::from_secs(1)) <= 20);
        let last = *starts.last().unwrap();
        assert_eq!(pacer.ready_at(-1_000, true, 1), last + pacer.global_gap, "a send waits only its gap");
        assert!(pacer.background_ready_at(-1_000, true) > last + pacer.global_gap);
    }

    #[test]
    fn a_late_start_never_lets_the_next_ones_bunch_past_the_limit() {
        let start = Instant::now();
        let mut pacer = pacer(30, 20, 1, start);
        let mut starts = Vec::new();
        for i in 0..300 {
            let chat = -(i as i64) - 1;
            // Every seventh timer wakes 20 ms late; the worker then paces the rest from the
            // slots they were due in, as it does.
            let late = if i % 7 == 0 { Duration::from_millis(20) } else { Duration::ZERO };
            let at = pacer.ready_at(chat, true, 1) + late;
            pacer.record(chat, true, at, 1);
            starts.push(at);
            if late > Duration::ZERO {
                pacer.next_global = at;
            }
        }
        assert!(most_in_window(&starts, Duration::from_millis(1004)) <= 30);
    }

    #[test]
    fn one_chat_gets_at_most_one_message_a_second() {
        let start = Instant::now();
        let mut pacer = pacer(30, 20, 1, start);
        let starts = schedule(&mut pacer, 5, |_| 7, false);
        for pair in starts.windows(2) {
            assert!(pair[1] - pair[0] >= Duration::from_secs(1));
        }
    }

    #[test]
    fn one_group_gets_at_most_its_limit_in_any_minute() {
        let start = Instant::now();
        let mut pacer = pacer(30, 20, 30, start);
        let starts = schedule(&mut pacer, 45, |_| -5, true);
        assert!(most_in_window(&starts, MINUTE) <= 20);
        assert!(
            starts[19] - start < Duration::from_secs(2),
            "the first 20 are not held back by the minute limit"
        );
        assert!(starts[20] - start >= MINUTE, "the 21st waits for the window");
    }

    #[test]
    fn a_request_holds_back_every_other_chat_by_one_overall_gap() {
        let start = Instant::now();
        let mut pacer = pacer(30, 20, 1, start);
        assert_eq!(pacer.ready_at(-1, true, 1), start);
        pacer.record(-1, true, start, 1);
        assert_eq!(pacer.ready_at(-2, true, 1), start + pacer.global_gap);
        assert_eq!(pacer.chat_ready_at(-2, true, 1), None, "chat -2's own limits hold nothing back");
        assert_eq!(pacer.chat_ready_at(-1, true, 1), Some(start + pacer.chat_gap));
    }

    #[test]
    fn an_album_counts_as_its_items_against_the_overall_rate_and_the_group_minute() {
        let start = Instant::now();
        let mut pacer = pacer(30, 20, 1, start);
        pacer.record(-1, true, start, 3);
        assert_eq!(pacer.ready_at(-2, true, 1), start + pacer.global_gap * 3);
        for second in 1..=5 {
            pacer.record(-1, true, start + Duration::from_secs(second * 2), 3);
        }
        // 18 messages in the group's minute: an album of 3 would pass 20, so the window must
        // free the first ones before the group gets more.
        assert_eq!(pacer.chats[&-1].recent.len(), 18);
        assert!(
            pacer.chat_ready_at(-1, true, 3).unwrap() >= start + pacer.group_window,
            "20 would be passed"
        );
        assert!(pacer.chat_ready_at(-1, true, 2).unwrap() < start + pacer.group_window, "2 more still fit");
    }

    #[test]
    fn albums_mixed_with_single_messages_never_put_more_than_the_limit_in_a_second() {
        let start = Instant::now();
        let mut pacer = pacer(30, 20, 1, start);
        let mut messages = Vec::new();
        for i in 0..300 {
            // A full second of single messages, then albums of 3 among them: the window
            // must have room for a whole album, not only for its first item.
            let items = if i < 30 || i % 2 == 0 { 1 } else { 3 };
            let chat = -1 - i as i64;
            let at = pacer.ready_at(chat, true, items);
            pacer.record(chat, true, at, items);
            messages.extend(std::iter::repeat_n(at, items));
        }
        assert!(most_in_window(&messages, Duration::from_secs(1)) <= 30);
        let span = *messages.last().unwrap() - start;
        let rate = (messages.len() - 1) as f64 / span.as_secs_f64();
        // An album needs three free places in the window at once, so a mix runs a little
        // under the limit (albums alone keep to it: see the broadcast bench's album scenario).
        assert!(rate > 27.5, "still close to the limit: {rate:.2}/s");
    }

    #[test]
    fn idle_chats_are_forgotten() {
        let start = Instant::now();
        let mut pacer = pacer(30, 20, 1, start);
        pacer.record(1, false, start, 1);
        pacer.record(-2, true, start, 1);
        pacer.forget_idle(start + Duration::from_secs(2));
        assert_eq!(pacer.chats.len(), 1, "the group's minute window still holds");
        pacer.forget_idle(start + Duration::from_secs(120));
        assert!(pacer.chats.is_empty());
    }
}
