//! Pure types and parsers: no I/O, so every rule here is unit-tested directly.

mod ack;
mod alert;
mod announcement;
mod area;
mod compose;
mod content;
mod desk;
mod fold;
mod lang;
mod local_time;
mod quiet_hours;
mod reminder;
mod role;
mod schedule;
mod stats;
mod topic;
mod weeks;

pub use ack::{
    AckError, AckRequest, ack_button_data, ack_label, ack_overdue_text, ack_reminder_text, album_ack_prompt,
    parse_ack_button,
};
pub use alert::{
    ALERT_AT_MOST_EVERY, Alert, AlertKind, LostRight, Right, refuses_rights, rights_back, too_many_failed,
};
pub use announcement::{PostError, PostRequest, Window};
pub use area::{AreaArg, AreaCode, AreaError};
pub use compose::{FlowStatus, QuickTime, SendTimeError, Step, parse_send_time};
pub use content::{
    Content, ContentError, MAX_MESSAGE_LEN, Media, MediaItem, MediaKind, Rendered, gist, max_text_len, render,
};
pub use desk::{
    Category, DAILY_TICKETS, MAX_REPORT_LEN, MAX_VIDEO_BYTES, Piece, PieceError, ReportStep, TicketStatus,
};
pub use fold::fold;
pub use lang::Lang;
pub use local_time::{TimeError, local_to_utc, parse_date, parse_duration, parse_time};
pub use quiet_hours::{QuietHours, QuietHoursError};
pub use reminder::{ReminderRefusal, plan_reminder};
pub use role::Role;
pub use schedule::{CronExpr, Schedule, When, WhenError, WindowError, split_when};
pub use stats::{AreaRow, BroadcastTally, Counts, MAX_AREA_ROWS, MAX_TOPIC_ROWS, Stats, TopicRow};
pub use topic::{Topic, TopicCatalog, TopicSelection, UnknownTopics};
pub use weeks::Weeks;
