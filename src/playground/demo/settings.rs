//! Loa's settings for the demo. They are not read from the environment or `.env`, which belong
//! to a real installation: its token, its database, its admins.

use clap::{Args, Command, FromArgMatches};

use super::ward::OFFICIAL;
use crate::{
    config::{RawSettings, Settings},
    playground::bot_api::TOKEN,
};

/// The defaults of `loa run`, except: the built-in Bot API, the demo's database, its official as
/// the admin, its ward's name, and no quiet hours, so that the demo works at any hour.
pub fn demo(api_url: &str, database_url: &str) -> Settings {
    RawSettings {
        token: Some(TOKEN.into()),
        api_url: Some(api_url.into()),
        database_url: database_url.into(),
        admins: OFFICIAL.id.to_string(),
        quiet_hours: "off".into(),
        ward_name: "Phường Sài Đồng".into(),
        ..defaults()
    }
    .validate()
    .expect("the demo's settings are valid")
}

/// Every setting at its default, as clap gives it with no flag and, here, no variable read.
fn defaults() -> RawSettings {
    let without_environment =
        RawSettings::augment_args(Command::new("loa-demo")).mut_args(|arg| arg.env(None));
    let matches = without_environment.get_matches_from(["loa-demo"]);
    RawSettings::from_arg_matches(&matches).expect("every setting has a default or is optional")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_demo_runs_at_any_hour_with_its_official_as_admin_and_otherwise_loa_runs_defaults() {
        let settings = demo("http://127.0.0.1:9/", "sqlite://demo.db");
        assert!(settings.quiet_hours.is_none());
        assert_eq!(settings.admins, [teloxide::types::UserId(OFFICIAL.id as u64)]);
        assert_eq!(settings.api_url.as_str(), "http://127.0.0.1:9/");
        assert!(settings.token().is_ok());
        assert_eq!(settings.rates.global_per_sec, 30);
        assert_eq!(settings.rates.per_group_per_min, 20);
        assert_eq!(settings.timezone, chrono_tz::Asia::Ho_Chi_Minh);
    }
}
