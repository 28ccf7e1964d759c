//! What `/stats` counts: announcements, deliveries, people reached and acknowledgements, per
//! week, per topic and per area. An announcement counts in the week it was confirmed (a
//! reminder's, in the week it fired), with everything that came of it; recalled ones are left
//! out, as residents no longer see them.

use std::ops::AddAssign;

use chrono::{DateTime, NaiveDate, Utc};

use super::{AreaCode, Weeks};

/// Areas shown one per row; the others share one row, so the table stays one message.
pub const MAX_AREA_ROWS: usize = 20;
/// Topics shown one per row, for the same reason (a ward seeds six).
pub const MAX_TOPIC_ROWS: usize = 12;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub announcements: u64,
    /// Chats that received an announcement.
    pub deliveries: u64,
    /// People those deliveries reached, where known.
    pub reach: u64,
    /// People who tapped «✅ Đã nhận».
    pub acks: u64,
}

impl AddAssign for Counts {
    fn add_assign(&mut self, other: Counts) {
        self.announcements += other.announcements;
        self.deliveries += other.deliveries;
        self.reach += other.reach;
        self.acks += other.acks;
    }
}

/// One announcement and what came of it (`counts.announcements` is 1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BroadcastTally {
    pub created_at: DateTime<Utc>,
    pub topic: String,
    pub counts: Counts,
}

/// A row of the per-area table: where the receiving chats are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AreaRow {
    Area(AreaCode),
    /// Chats bound to no area: private subscribers, groups that never ran `/area`.
    Unbound,
    /// This many areas beyond `MAX_AREA_ROWS`, together.
    Others(usize),
    /// Deliveries that retention folded into totals, whose chats are no longer known.
    Folded,
}

/// A topic's row: its slug, or how many topics beyond `MAX_TOPIC_ROWS` share it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TopicRow {
    Topic(String),
    Others(usize),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stats {
    /// Each week's Monday and counts, oldest first; weeks without anything included.
    pub weeks: Vec<(NaiveDate, Counts)>,
    /// Busiest first.
    pub topics: Vec<(TopicRow, Counts)>,
    /// By area code (numbers in numeric order), then chats without an area, the rest, folded.
    pub areas: Vec<(AreaRow, Counts)>,
    pub total: Counts,
}

impl Stats {
    /// Puts each announcement in its week and topic; `areas` come counted per area.
    pub fn gather(weeks: &Weeks, broadcasts: &[BroadcastTally], areas: Vec<(AreaRow, Counts)>) -> Stats {
        let mut by_week: Vec<(NaiveDate, Counts)> =
            weeks.mondays().map(|monday| (monday, Counts::default())).collect();
        let mut topics: Vec<(String, Counts)> = Vec::new();
        let mut total = Counts::default();
        for tally in broadcasts {
            let Some(week) = weeks.index_of(tally.created_at) else { continue };
            by_week[week].1 += tally.counts;
            total += tally.counts;
            match topics.iter_mut().find(|(slug, _)| *slug == tally.topic) {
                Some((_, counts)) => *counts += tally.counts,
                None => topics.push((tally.topic.clone(), tally.counts)),
            }
        }
        topics.sort_by(|(a_slug, a), (b_slug, b)| {
            (b.announcements, b.deliveries, a_slug).cmp(&(a.announcements, a.deliveries, b_slug))
        });
        let topics = topics.into_iter().map(|(slug, counts)| (TopicRow::Topic(slug), counts)).collect();
        let topics = fold_tail(topics, MAX_TOPIC_ROWS, TopicRow::Others);
        Stats { weeks: by_week, topics, areas: area_rows(areas), total }
    }

    /// Nothing was announced in the weeks counted.
    pub fn is_empty(&self) -> bool {
        self.total == Counts::default() && self.areas.is_empty()
    }
}

/// Keeps the busiest `MAX_AREA_ROWS` areas, in area order, then the rest as one row; chats
/// without an area and folded deliveries after them.
fn area_rows(rows: Vec<(AreaRow, Counts)>) -> Vec<(AreaRow, Counts)> {
    let (mut areas, rest): (Vec<_>, Vec<_>) =
        rows.into_iter().partition(|(row, _)| matches!(row, AreaRow::Area(_)));
    areas.sort_by_key(|(_, counts)| std::cmp::Reverse(counts.deliveries));
    let mut areas = fold_tail(areas, MAX_AREA_ROWS, AreaRow::Others);
    let others = areas.pop_if(|(row, _)| matches!(row, AreaRow::Others(_)));
    areas.sort_by_key(|(row, _)| match row {
        AreaRow::Area(code) => area_order(code),
        _ => (true, 0, String::new()),
    });
    let (unbound, folded): (Vec<_>, Vec<_>) = rest.into_iter().partition(|(row, _)| *row == AreaRow::Unbound);
    areas.extend(others.into_iter().chain(unbound).chain(folded));
    areas
}

/// Numbered areas first, in numeric order (2 before 10), then named ones.
fn area_order(code: &AreaCode) -> (bool, u64, String) {
    match code.as_str().parse::<u64>() {
        Ok(number) => (false, number, String::new()),
        Err(_) => (true, 0, code.as_str().to_owned()),
    }
}

/// The first `keep` rows, and the rest added up in one row made by `others` from their number.
fn fold_tail<R>(mut rows: Vec<(R, Counts)>, keep: usize, others: fn(usize) -> R) -> Vec<(R, Counts)> {
    if rows.len() <= keep {
        return rows;
    }
    let tail = rows.split_off(keep);
    let mut sum = Counts::default();
    for (_, counts) in &tail {
        sum += *counts;
    }
    rows.push((others(tail.len()), sum));
    rows
}

#[cfg(test)]
mod tests {
    use chrono_tz::Asia::Ho_Chi_Minh;

    use super::*;

    fn utc(text: &str) -> DateTime<Utc> {
        text.parse().unwrap()
    }

    fn tally(at: &str, topic: &str, deliveries: u64, reach: u64, acks: u64) -> BroadcastTally {
        BroadcastTally {
            created_at: utc(at),
            topic: topic.into(),
            counts: Counts { announcements: 1, deliveries, reach, acks },
        }
    }

    fn counts(announcements: u64, deliveries: u64, reach: u64, acks: u64) -> Counts {
        Counts { announcements, deliveries, reach, acks }
    }

    fn area(code: &str) -> AreaRow {
        AreaRow::Area(AreaCode::parse(code).unwrap())
    }

    #[test]
    fn announcements_go_to_their_local_week_and_topic_and_old_ones_are_left_out() {
        let weeks = Weeks::ending_at(utc("2026-06-03T03:00:00Z"), Ho_Chi_Minh, 12);
        let broadcasts = [
            tally("2026-05-31T16:30:00Z", "waste", 3, 120, 10), // Sunday 23:30 local: week 11 of 12
            tally("2026-05-31T17:30:00Z", "health", 2, 80, 5),  // Monday 00:30 local: this week
            tally("2026-06-02T01:00:00Z", "waste", 4, 200, 0),
            tally("2026-03-15T16:59:00Z", "waste", 9, 900, 9), // Sunday before the first week
        ];
        let stats = Stats::gather(&weeks, &broadcasts, Vec::new());
        assert_eq!(stats.weeks.len(), 12);
        assert_eq!(stats.weeks[10].1, counts(1, 3, 120, 10));
        assert_eq!(stats.weeks[11].1, counts(2, 6, 280, 5));
        assert!(stats.weeks[..10].iter().all(|(_, c)| *c == Counts::default()));
        assert_eq!(stats.total, counts(3, 9, 400, 15));
        assert_eq!(
            stats.topics,
            [
                (TopicRow::Topic("waste".into()), counts(2, 7, 320, 10)),
                (TopicRow::Topic("health".into()), counts(1, 2, 80, 5))
            ]
        );
        assert!(!stats.is_empty());
        assert!(Stats::gather(&weeks, &broadcasts[3..], Vec::new()).is_empty());
    }

    #[test]
    fn areas_come_in_numeric_order_then_unbound_then_folded() {
        let weeks = Weeks::ending_at(utc("2026-06-03T03:00:00Z"), Ho_Chi_Minh, 12);
        let rows = vec![
            (AreaRow::Folded, counts(1, 5, 50, 0)),
            (area("10"), counts(1, 1, 10, 1)),
            (AreaRow::Unbound, counts(1, 2, 2, 0)),
            (area("B"), counts(1, 1, 10, 0)),
            (area("2"), counts(1, 1, 10, 0)),
        ];
        let stats = Stats::gather(&weeks, &[], rows);
        let order: Vec<AreaRow> = stats.areas.into_iter().map(|(row, _)| row).collect();
        assert_eq!(order, [area("2"), area("10"), area("B"), AreaRow::Unbound, AreaRow::Folded]);
    }

    #[test]
    fn areas_beyond_the_limit_share_a_row_and_keep_their_counts() {
        let weeks = Weeks::ending_at(utc("2026-06-03T03:00:00Z"), Ho_Chi_Minh, 12);
        let rows: Vec<(AreaRow, Counts)> =
            (1..=MAX_AREA_ROWS as u64 + 3).map(|n| (area(&n.to_string()), counts(1, n, 10 * n, 1))).collect();
        let stats = Stats::gather(&weeks, &[], rows);
        assert_eq!(stats.areas.len(), MAX_AREA_ROWS + 1);
        // The three with fewest deliveries (areas 1, 2, 3) are the ones put together.
        assert_eq!(stats.areas[0].0, area("4"));
        assert_eq!(stats.areas[MAX_AREA_ROWS], (AreaRow::Others(3), counts(3, 6, 60, 3)));
    }
}
