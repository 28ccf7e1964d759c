//! How the demo's ward is set up: its reminders from the example plan, and its chats through
//! the bot's own paths, as people would — the groups' admin adds the bot and sends `/area` and
//! `/subscribe`, the official and a resident press Start. Each step waits for the bot's answer,
//! so that every chat reads as the conversation it was.

use std::{sync::Arc, time::Duration};

use chrono::{DateTime, Utc};
use tokio::task::JoinSet;

use super::{
    Demo,
    ward::{GROUP_ADMIN, GROUPS, OFFICIAL, Person, RESIDENT},
};
use crate::{
    config::Settings,
    domain::TopicCatalog,
    import::{ImportError, Rules, check_plan_from_today},
    store::Store,
};

/// The ward's plan, as `loa import` would load it.
const PLAN: &str = include_str!("../../../examples/plan.toml");
/// The resident lives in area 5, and follows it in private too.
const RESIDENT_AREA: &str = "5";
/// For the bot to answer one step, paced as it is under Telegram's limits.
const ANSWER_DEADLINE: Duration = Duration::from_secs(30);

/// Imports the example plan with its campaigns moved to start today, so that `/upcoming` has
/// something to say whatever the date. A second import (a kept `--db`) creates nothing new.
pub async fn import_plan(
    store: &Store,
    topics: &TopicCatalog,
    settings: &Settings,
    now: DateTime<Utc>,
) -> Result<(), ImportError> {
    let rules = Rules { topics, timezone: settings.timezone, quiet_hours: settings.quiet_hours };
    let plan = check_plan_from_today(PLAN, &rules, now)?;
    store.import_reminders(&plan.entries, now).await?;
    Ok(())
}

/// What someone does in a chat; the bot answers each with one message.
enum Step {
    AddBot,
    Say(String),
}

/// Sets every chat up, the chats side by side; returns once the bot has answered every step.
pub async fn set_up_chats(demo: &Arc<Demo>) -> Result<(), String> {
    let mut chats = JoinSet::new();
    for group in GROUPS {
        demo.telegram.set_member_status(group.id, GROUP_ADMIN.id, "administrator");
        let steps = vec![Step::AddBot, say(&format!("/area {}", group.area)), say("/subscribe")];
        chats.spawn(play(demo.clone(), group.id, GROUP_ADMIN, steps));
    }
    chats.spawn(play(demo.clone(), OFFICIAL.id, OFFICIAL, vec![say("/start")]));
    let resident = vec![say("/start"), say(&format!("/area {RESIDENT_AREA}")), say("/subscribe")];
    chats.spawn(play(demo.clone(), RESIDENT.id, RESIDENT, resident));
    while let Some(played) = chats.join_next().await {
        played.map_err(|error| format!("setting up a chat failed: {error}"))??;
    }
    Ok(())
}

fn say(text: &str) -> Step {
    Step::Say(text.to_owned())
}

async fn play(demo: Arc<Demo>, chat_id: i64, person: Person, steps: Vec<Step>) -> Result<(), String> {
    let mut answered = demo.telegram.answered();
    for step in steps {
        let before = demo.telegram.sent_to(chat_id).len();
        let (done, what) = match &step {
            Step::AddBot => (demo.transcript.add_bot(&demo.telegram, chat_id, person), "being added"),
            Step::Say(text) => (demo.transcript.say(&demo.telegram, chat_id, person, text), text.as_str()),
        };
        done.map_err(|refusal| format!("{} cannot write in chat {chat_id}: {refusal:?}", person.name))?;
        let answer = async {
            while demo.telegram.sent_to(chat_id).len() == before {
                answered.changed().await.map_err(|_| "the Bot API stopped")?;
            }
            Ok::<_, &str>(())
        };
        match tokio::time::timeout(ANSWER_DEADLINE, answer).await {
            Ok(Ok(())) => {}
            Ok(Err(stopped)) => return Err(stopped.to_owned()),
            Err(_) => {
                return Err(format!(
                    "Loa did not answer {what:?} in chat {chat_id} within {ANSWER_DEADLINE:?}"
                ));
            }
        }
    }
    Ok(())
}
