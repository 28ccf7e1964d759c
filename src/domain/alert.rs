//! Alerts to people: the troubles Loa tells the ward's admins (or its desk) about in Telegram,
//! because nobody at a ward watches its metrics; and the rules that decide when one is raised
//! and when it is over.

use chrono::Duration;
use serde::{Deserialize, Serialize};

/// At most one message about a kind of trouble in this long; a "resolved" does not count.
pub const ALERT_AT_MOST_EVERY: Duration = Duration::hours(1);

/// A kind of trouble: each is raised, told and resolved on its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum AlertKind {
    Worker,
    Scheduler,
    Broadcast,
    Rights,
    Backup,
}

impl AlertKind {
    pub fn as_str(self) -> &'static str {
        match self {
            AlertKind::Worker => "worker",
            AlertKind::Scheduler => "scheduler",
            AlertKind::Broadcast => "broadcast",
            AlertKind::Rights => "rights",
            AlertKind::Backup => "backup",
        }
    }
}

/// One trouble, with what the message about it says.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Alert {
    /// The delivery worker has failed without a break for `supervisor::ALERT_AFTER`.
    Worker,
    /// The scheduler likewise.
    Scheduler,
    /// More than a fifth of a broadcast's deliveries failed (see [`too_many_failed`]).
    /// `finished`: none of them is still owed, so the counts are final; otherwise at least
    /// `failed` failed.
    Broadcast { broadcast: i64, failed: u64, total: u64, finished: bool },
    /// Groups where Telegram refused the bot a send or a pin, oldest first.
    Rights { groups: Vec<LostRight> },
    /// A scheduled backup failed, and why.
    Backup { error: String },
}

impl Alert {
    pub fn kind(&self) -> AlertKind {
        match self {
            Alert::Worker => AlertKind::Worker,
            Alert::Scheduler => AlertKind::Scheduler,
            Alert::Broadcast { .. } => AlertKind::Broadcast,
            Alert::Rights { .. } => AlertKind::Rights,
            Alert::Backup { .. } => AlertKind::Backup,
        }
    }
}

/// A group where the bot was refused `right`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LostRight {
    pub chat: i64,
    pub title: String,
    pub right: Right,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Right {
    Send,
    Pin,
}

/// Whether `failed` of `total` deliveries is more than a fifth, the share that tells the admins.
/// Failures only grow, so once it holds it holds for good, finished or not.
pub fn too_many_failed(failed: u64, total: u64) -> bool {
    failed * 5 > total
}

/// Whether Telegram's refusal of a send (its own words) means the bot may not write in the chat
/// — as opposed to something wrong with the message. Removed from the group, blocked and the
/// like are found by `delivery::classify` as a chat that is gone; this adds the refusals of a
/// group that keeps the bot but not its right to write.
pub fn refuses_rights(error: &str) -> bool {
    let error = error.to_lowercase();
    ["rights", "write_forbidden", "send_plain_forbidden", "admin_required"]
        .iter()
        .any(|sign| error.contains(sign))
}

/// Groups listed in a rights alert whose right came back: a delivery was sent there (`chat`,
/// and `pinned` when its pin went through too). Returns whether any was taken off the list.
pub fn rights_back(groups: &mut Vec<LostRight>, chat: i64, pinned: bool) -> bool {
    let before = groups.len();
    groups.retain(|lost| lost.chat != chat || (lost.right == Right::Pin && !pinned));
    groups.len() < before
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lost(chat: i64, right: Right) -> LostRight {
        LostRight { chat, title: format!("Tổ {chat}"), right }
    }

    #[test]
    fn more_than_a_fifth_is_too_many() {
        assert!(!too_many_failed(0, 0));
        assert!(!too_many_failed(1, 5), "exactly 20 % is not more");
        assert!(too_many_failed(2, 9));
        assert!(too_many_failed(1, 1));
        assert!(!too_many_failed(200, 1000));
        assert!(too_many_failed(201, 1000));
    }

    #[test]
    fn a_refused_right_is_told_apart_from_a_bad_message() {
        for refusal in [
            "Bad Request: not enough rights to send text messages to the chat",
            "Bad Request: not enough rights to manage pinned messages in the chat",
            "Bad Request: have no rights to send a message",
            "Bad Request: CHAT_WRITE_FORBIDDEN",
            "Bad Request: need administrator rights in the channel chat",
        ] {
            assert!(refuses_rights(refusal), "{refusal}");
        }
        for other in
            ["Bad Request: message is too long", "Bad Request: wrong file identifier/HTTP URL specified"]
        {
            assert!(!refuses_rights(other), "{other}");
        }
    }

    #[test]
    fn a_send_gives_back_the_right_to_send_and_a_pin_the_right_to_pin() {
        let mut groups = vec![lost(-1, Right::Send), lost(-2, Right::Pin), lost(-3, Right::Pin)];
        assert!(rights_back(&mut groups, -1, false));
        assert!(!rights_back(&mut groups, -2, false), "sent without its pin: still cannot pin");
        assert!(rights_back(&mut groups, -2, true));
        assert!(!rights_back(&mut groups, -9, true), "a group not listed");
        assert_eq!(groups, vec![lost(-3, Right::Pin)]);
    }

    #[test]
    fn an_alert_reads_back_as_stored() {
        for alert in [
            Alert::Worker,
            Alert::Broadcast { broadcast: 12, failed: 8, total: 30, finished: true },
            Alert::Rights { groups: vec![lost(-100, Right::Pin)] },
            Alert::Backup { error: "disk full".into() },
        ] {
            let json = serde_json::to_string(&alert).unwrap();
            assert_eq!(serde_json::from_str::<Alert>(&json).unwrap(), alert, "{json}");
            assert!(json.contains(alert.kind().as_str()), "{json}");
        }
    }
}
