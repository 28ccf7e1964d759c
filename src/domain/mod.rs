//! Pure types and parsers: no I/O, so every rule here is unit-tested directly.

mod announcement;
mod area;
mod lang;
mod role;
mod topic;

pub use announcement::{MAX_MESSAGE_LEN, PostError, PostRequest, max_body_len, render};
pub use area::{AreaArg, AreaCode, AreaError};
pub use lang::Lang;
pub use role::Role;
pub use topic::{Topic, TopicCatalog, TopicSelection, UnknownTopics};
