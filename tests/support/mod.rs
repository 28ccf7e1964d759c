// Every tests/*.rs binary compiles this module on its own and uses only part
// of it, so unused items are expected rather than dead.
#![allow(dead_code)]

pub mod cli;
pub mod desk;
pub mod fake_telegram;
pub mod old_databases;
pub mod test_app;
pub mod updates;
pub mod ward;
