//! The flow's buttons and their callback data: `cf:<flow>:<step>:<action>`. Each button names
//! its flow and the step it was shown at, so a tap after the flow moved on (a double tap, an
//! old message) is recognised and changes nothing. At most 64 bytes, as Telegram requires:
//! ids are numbers, area codes at most 20 characters, topic slugs short words.

use teloxide::types::{CallbackQuery, InlineKeyboardButton};

use crate::domain::{AreaCode, QuickTime, Step};

const PREFIX: &str = "cf:";

/// What a button asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    Topic(String),
    WholeWard,
    ToggleArea(AreaCode),
    AreasChosen,
    TogglePin,
    ToggleUrgent,
    /// Media's words, too long for a caption, go as a text message of their own.
    ToggleTextApart,
    /// Residents are asked to tap «✅ Đã nhận».
    ToggleAck,
    /// Opens the send-time choices.
    ChooseTime,
    QuickTime(QuickTime),
    TypeTime,
    Preview,
    /// From the preview this is «Sửa» (Edit): back to the options.
    Back,
    Cancel,
}

impl Action {
    /// Whether the flow shows this button at `step`; forged data aside, it does.
    pub fn shown_at(&self, step: Step) -> bool {
        match self {
            Action::Cancel => true,
            Action::Back => step.back().is_some(),
            Action::Topic(_) => step == Step::Topic,
            Action::WholeWard | Action::ToggleArea(_) | Action::AreasChosen => step == Step::Audience,
            Action::TogglePin
            | Action::ToggleUrgent
            | Action::ToggleTextApart
            | Action::ToggleAck
            | Action::ChooseTime
            | Action::Preview => step == Step::Options,
            Action::QuickTime(_) | Action::TypeTime => step == Step::When,
        }
    }
}

/// One tap on a flow's button.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tap {
    pub flow: i64,
    /// The step the button was shown at.
    pub step: Step,
    pub action: Action,
}

/// Whether a button tap belongs to a composing flow.
pub fn is_flow_button(query: &CallbackQuery) -> bool {
    query.data.as_deref().is_some_and(|data| data.starts_with(PREFIX))
}

/// A button of flow `flow` at `step`.
pub fn button(label: impl Into<String>, flow: i64, step: Step, action: Action) -> InlineKeyboardButton {
    InlineKeyboardButton::callback(label, Tap { flow, step, action }.data())
}

impl Tap {
    pub fn data(&self) -> String {
        let action = match &self.action {
            Action::Topic(slug) => format!("t:{slug}"),
            Action::WholeWard => "ward".into(),
            Action::ToggleArea(area) => format!("a:{area}"),
            Action::AreasChosen => "areas".into(),
            Action::TogglePin => "pin".into(),
            Action::ToggleUrgent => "urgent".into(),
            Action::ToggleTextApart => "apart".into(),
            Action::ToggleAck => "ack".into(),
            Action::ChooseTime => "when".into(),
            Action::QuickTime(choice) => format!("q:{}", quick_code(*choice)),
            Action::TypeTime => "type".into(),
            Action::Preview => "view".into(),
            Action::Back => "back".into(),
            Action::Cancel => "x".into(),
        };
        format!("{PREFIX}{}:{}:{action}", self.flow, step_code(self.step))
    }

    pub fn parse(data: &str) -> Option<Tap> {
        let mut parts = data.strip_prefix(PREFIX)?.splitn(3, ':');
        let flow = parts.next()?.parse().ok()?;
        let step = parts.next().and_then(step_from_code)?;
        let action = parts.next()?;
        let action = match action.split_once(':') {
            Some(("t", slug)) => Action::Topic(slug.to_owned()),
            Some(("a", area)) => Action::ToggleArea(AreaCode::parse(area).ok()?),
            Some(("q", choice)) => Action::QuickTime(quick_from_code(choice)?),
            Some(_) => return None,
            None => match action {
                "ward" => Action::WholeWard,
                "areas" => Action::AreasChosen,
                "pin" => Action::TogglePin,
                "urgent" => Action::ToggleUrgent,
                "apart" => Action::ToggleTextApart,
                "ack" => Action::ToggleAck,
                "when" => Action::ChooseTime,
                "type" => Action::TypeTime,
                "view" => Action::Preview,
                "back" => Action::Back,
                "x" => Action::Cancel,
                _ => return None,
            },
        };
        Some(Tap { flow, step, action })
    }
}

fn step_code(step: Step) -> &'static str {
    match step {
        Step::Content => "c",
        Step::Topic => "t",
        Step::Audience => "a",
        Step::Options => "o",
        Step::When => "w",
        Step::TypedTime => "h",
        Step::Preview => "p",
    }
}

fn step_from_code(code: &str) -> Option<Step> {
    Step::ALL.into_iter().find(|step| step_code(*step) == code)
}

fn quick_code(choice: QuickTime) -> &'static str {
    match choice {
        QuickTime::Now => "now",
        QuickTime::InAnHour => "1h",
        QuickTime::Tonight => "19",
        QuickTime::TomorrowMorning => "7",
    }
}

fn quick_from_code(code: &str) -> Option<QuickTime> {
    QuickTime::ALL.into_iter().find(|choice| quick_code(*choice) == code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_button_fits_telegram_and_reads_back() {
        let longest_area = AreaCode::parse(&"X".repeat(AreaCode::MAX_LEN)).unwrap();
        let mut actions = vec![
            Action::Topic("security".into()),
            Action::WholeWard,
            Action::ToggleArea(longest_area),
            Action::ToggleArea(AreaCode::parse("TDP5").unwrap()),
            Action::AreasChosen,
            Action::TogglePin,
            Action::ToggleUrgent,
            Action::ChooseTime,
            Action::TypeTime,
            Action::Preview,
            Action::Back,
            Action::Cancel,
        ];
        actions.extend(QuickTime::ALL.map(Action::QuickTime));
        for step in Step::ALL {
            for action in &actions {
                let tap = Tap { flow: i64::MAX, step, action: action.clone() };
                let data = tap.data();
                assert!(data.len() <= 64, "{data}");
                assert_eq!(Tap::parse(&data), Some(tap), "{data}");
            }
        }
    }

    #[test]
    fn other_buttons_and_forged_data_are_not_taps() {
        for data in
            ["confirm:3", "page:report:1:2", "cf:", "cf:x:o:pin", "cf:1:z:pin", "cf:1:o:fly", "cf:1:o:q:2h"]
        {
            assert_eq!(Tap::parse(data), None, "{data}");
        }
        assert_eq!(Tap::parse("cf:1:a:a:tổ"), None, "not an area code");
    }
}
