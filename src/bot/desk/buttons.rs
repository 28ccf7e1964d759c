//! The desk's buttons and their callback data (at most 64 bytes, as Telegram requires):
//! `rp:…` a resident's report in progress, `dk:<ticket>:<status>` a ticket's copy at the desk,
//! `fg:yes|no` the confirmation of `/xoadulieu`. A report's buttons carry no id: a resident
//! writes one report at a time, and each button acts only at the step that shows it.

use teloxide::types::{CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup};

use crate::domain::{AreaCode, Category, ReportStep, TicketStatus};

const REPORT: &str = "rp:";
const DESK: &str = "dk:";
const FORGET: &str = "fg:";

/// A tap on one of the desk's buttons.
#[derive(Debug, Clone, PartialEq)]
pub enum DeskTap {
    /// «Phản ánh» under `/start`.
    NewReport,
    Report(ReportTap),
    Status {
        ticket: i64,
        status: TicketStatus,
    },
    Forget(bool),
}

#[derive(Debug, Clone, PartialEq)]
pub enum ReportTap {
    Continue,
    /// `None`: «Không rõ / khác».
    Area(Option<AreaCode>),
    Category(Category),
    Consent(bool),
    Cancel,
}

impl ReportTap {
    /// The step at which the button is shown; `None` for «Huỷ», shown at every step.
    pub fn step(&self) -> Option<ReportStep> {
        match self {
            ReportTap::Cancel => None,
            ReportTap::Continue => Some(ReportStep::Content),
            ReportTap::Area(_) => Some(ReportStep::Area),
            ReportTap::Category(_) => Some(ReportStep::Category),
            ReportTap::Consent(_) => Some(ReportStep::Consent),
        }
    }
}

pub fn is_desk_button(query: &CallbackQuery) -> bool {
    query
        .data
        .as_deref()
        .is_some_and(|data| [REPORT, DESK, FORGET].iter().any(|prefix| data.starts_with(prefix)))
}

impl DeskTap {
    pub fn data(&self) -> String {
        match self {
            DeskTap::NewReport => format!("{REPORT}new"),
            DeskTap::Report(tap) => format!(
                "{REPORT}{}",
                match tap {
                    ReportTap::Continue => "next".to_owned(),
                    ReportTap::Area(area) => format!("a:{}", area.as_ref().map_or("", AreaCode::as_str)),
                    ReportTap::Category(category) => format!("c:{}", category.as_str()),
                    ReportTap::Consent(yes) => if *yes { "y" } else { "n" }.to_owned(),
                    ReportTap::Cancel => "x".to_owned(),
                }
            ),
            DeskTap::Status { ticket, status } => format!("{DESK}{ticket}:{}", status.as_str()),
            DeskTap::Forget(yes) => format!("{FORGET}{}", if *yes { "yes" } else { "no" }),
        }
    }

    pub fn parse(data: &str) -> Option<DeskTap> {
        if let Some(report) = data.strip_prefix(REPORT) {
            if report == "new" {
                return Some(DeskTap::NewReport);
            }
            let tap = match report.split_once(':') {
                Some(("a", "")) => ReportTap::Area(None),
                Some(("a", area)) => ReportTap::Area(Some(AreaCode::parse(area).ok()?)),
                Some(("c", category)) => ReportTap::Category(Category::parse(category)?),
                Some(_) => return None,
                None => match report {
                    "next" => ReportTap::Continue,
                    "y" => ReportTap::Consent(true),
                    "n" => ReportTap::Consent(false),
                    "x" => ReportTap::Cancel,
                    _ => return None,
                },
            };
            return Some(DeskTap::Report(tap));
        }
        if let Some(desk) = data.strip_prefix(DESK) {
            let (ticket, status) = desk.split_once(':')?;
            return Some(DeskTap::Status {
                ticket: ticket.parse().ok()?,
                status: TicketStatus::parse(status)?,
            });
        }
        match data.strip_prefix(FORGET)? {
            "yes" => Some(DeskTap::Forget(true)),
            "no" => Some(DeskTap::Forget(false)),
            _ => None,
        }
    }
}

pub fn button(label: impl Into<String>, tap: DeskTap) -> InlineKeyboardButton {
    InlineKeyboardButton::callback(label, tap.data())
}

pub fn report_button(label: impl Into<String>, tap: ReportTap) -> InlineKeyboardButton {
    button(label, DeskTap::Report(tap))
}

/// Buttons in rows of `per_row`.
pub fn rows(buttons: Vec<InlineKeyboardButton>, per_row: usize) -> InlineKeyboardMarkup {
    InlineKeyboardMarkup::new(buttons.chunks(per_row).map(<[_]>::to_vec).collect::<Vec<_>>())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_button_fits_telegram_and_reads_back() {
        let longest_area = AreaCode::parse(&"X".repeat(AreaCode::MAX_LEN)).unwrap();
        let mut taps = vec![
            DeskTap::NewReport,
            DeskTap::Report(ReportTap::Continue),
            DeskTap::Report(ReportTap::Area(None)),
            DeskTap::Report(ReportTap::Area(Some(longest_area))),
            DeskTap::Report(ReportTap::Consent(true)),
            DeskTap::Report(ReportTap::Consent(false)),
            DeskTap::Report(ReportTap::Cancel),
            DeskTap::Forget(true),
            DeskTap::Forget(false),
        ];
        taps.extend(Category::ALL.map(|category| DeskTap::Report(ReportTap::Category(category))));
        taps.extend(
            [TicketStatus::Acknowledged, TicketStatus::Resolved, TicketStatus::Declined]
                .map(|status| DeskTap::Status { ticket: i64::MAX, status }),
        );
        for tap in taps {
            let data = tap.data();
            assert!(data.len() <= 64, "{data}");
            assert_eq!(DeskTap::parse(&data), Some(tap), "{data}");
        }
    }

    #[test]
    fn other_buttons_and_forged_data_are_not_desk_taps() {
        for data in ["cf:1:o:pin", "rp:", "rp:c:food", "rp:a:tổ", "dk:x:open", "dk:1:lost", "fg:maybe"] {
            assert_eq!(DeskTap::parse(data), None, "{data}");
        }
    }
}
