//! The commands the bot understands. teloxide's derive matches `/cmd` and `/cmd@thisbot` and
//! refuses `/cmd@otherbot`; arguments are kept as text and parsed in `domain`, so that a bad
//! argument gets a reply instead of being ignored.

use teloxide::macros::BotCommands;

/// Commands for everyone, in private chats and groups.
#[derive(BotCommands, Clone, Debug, PartialEq, Eq)]
#[command(rename_rule = "lowercase")]
pub enum ResidentCommand {
    /// With a code when opened from an invitation link (`t.me/<bot>?start=<code>`).
    Start(String),
    Help,
    #[command(aliases = ["chude"])]
    Topics,
    #[command(aliases = ["dangky"])]
    Subscribe(String),
    #[command(aliases = ["huydangky"])]
    Unsubscribe(String),
    #[command(aliases = ["to"])]
    Area(String),
    Lang(String),
    #[command(aliases = ["lich"])]
    Upcoming,
    #[command(aliases = ["tinmoi"])]
    Latest,
    /// A report to the ward's desk.
    #[command(aliases = ["phananh", "gopy"])]
    Feedback,
    /// A resident's own tickets; an official's, the ward's open ones.
    #[command(aliases = ["phieu"])]
    Tickets,
    /// Erases the resident's personal data in their tickets, after a confirmation.
    #[command(aliases = ["xoadulieu"])]
    Forgetme,
}

/// Commands for ward officials, in a private chat with the bot.
#[derive(BotCommands, Clone, Debug, PartialEq, Eq)]
#[command(rename_rule = "lowercase")]
pub enum OfficialCommand {
    Officials,
    Official(String),
    #[command(aliases = ["dang"])]
    Post(String),
    #[command(aliases = ["hengio"])]
    At(String),
    Confirm,
    #[command(aliases = ["huynhac"])]
    Cancel(String),
    #[command(aliases = ["nhac"])]
    Remind(String),
    #[command(aliases = ["suanhac"])]
    EditRemind(String),
    #[command(aliases = ["dsnhac"])]
    Reminders,
    Pause(String),
    Resume(String),
    Skip(String),
    #[command(aliases = ["dsgui"])]
    Broadcasts,
    #[command(aliases = ["baocao"])]
    Report(String),
    #[command(aliases = ["thongke"])]
    Stats,
    Edit(String),
    #[command(aliases = ["thuhoi"])]
    Recall(String),
    /// `/traloi <ticket> <text>`: an answer relayed to a ticket's resident.
    #[command(rename = "traloi")]
    Answer(String),
    /// `/desk block <ticket>` (admins).
    Desk(String),
}

#[cfg(test)]
mod tests {
    use teloxide::utils::command::BotCommands;

    use super::*;

    const BOT: &str = "loa_bot";

    #[test]
    fn commands_and_their_vietnamese_aliases_parse() {
        let cases = [
            ("/topics", ResidentCommand::Topics),
            ("/chude", ResidentCommand::Topics),
            ("/subscribe waste health", ResidentCommand::Subscribe("waste health".into())),
            ("/dangky", ResidentCommand::Subscribe(String::new())),
            ("/huydangky waste", ResidentCommand::Unsubscribe("waste".into())),
            ("/to TDP5", ResidentCommand::Area("TDP5".into())),
            ("/lang en", ResidentCommand::Lang("en".into())),
            ("/phananh", ResidentCommand::Feedback),
            ("/gopy", ResidentCommand::Feedback),
            ("/feedback", ResidentCommand::Feedback),
            ("/phieu", ResidentCommand::Tickets),
            ("/xoadulieu", ResidentCommand::Forgetme),
            ("/forgetme", ResidentCommand::Forgetme),
        ];
        for (text, expected) in cases {
            assert_eq!(ResidentCommand::parse(text, BOT).ok(), Some(expected), "{text}");
        }
    }

    #[test]
    fn a_mention_of_this_bot_is_ours_and_of_another_bot_is_not() {
        assert_eq!(
            ResidentCommand::parse("/subscribe@loa_bot waste", BOT).ok(),
            Some(ResidentCommand::Subscribe("waste".into()))
        );
        assert!(ResidentCommand::parse("/subscribe@other_bot waste", BOT).is_err());
    }

    #[test]
    fn official_commands_are_not_resident_commands() {
        assert!(ResidentCommand::parse("/officials", BOT).is_err());
        assert_eq!(OfficialCommand::parse("/officials", BOT).ok(), Some(OfficialCommand::Officials));
        assert_eq!(
            OfficialCommand::parse("/traloi 12 Đã xử lý", BOT).ok(),
            Some(OfficialCommand::Answer("12 Đã xử lý".into()))
        );
        assert_eq!(OfficialCommand::parse("/thongke", BOT).ok(), Some(OfficialCommand::Stats));
    }
}
