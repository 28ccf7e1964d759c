//! The demo's ward: who is in it, and its chats.

use serde::Serialize;

use crate::playground::updates;

/// Someone the page lets you be.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Person {
    pub id: i64,
    pub name: &'static str,
    /// Who they are in the ward, as the page says it.
    pub role: &'static str,
}

/// A group chat of the ward.
#[derive(Debug, Clone, Copy)]
pub struct Group {
    pub id: i64,
    pub title: &'static str,
    /// What its admin sends as `/area`.
    pub area: &'static str,
}

/// An admin official from the settings (`LOA_ADMINS`): posts announcements in private.
pub const OFFICIAL: Person =
    Person { id: 101, name: "Cán bộ phường – Hiền", role: "Cán bộ phường" };
/// The tổ trưởng, a Telegram admin of every group: may change a group's settings.
pub const GROUP_ADMIN: Person =
    Person { id: 102, name: "Tổ trưởng – ông Tâm", role: "Quản trị nhóm" };
/// A member of every group without any right.
pub const MEMBER: Person = Person { id: 103, name: "Chị Lan", role: "Thành viên nhóm" };
/// A resident who talks to the bot in private, and is in the groups too.
pub const RESIDENT: Person = Person { id: 104, name: "Anh Minh", role: "Người dân" };

pub const PEOPLE: [Person; 4] = [OFFICIAL, GROUP_ADMIN, MEMBER, RESIDENT];

/// Supergroups, as residential groups usually are (ids -100…).
pub const GROUPS: [Group; 3] = [
    Group { id: -1_001_000_000_005, title: "Tổ dân phố 5", area: "5" },
    Group { id: -1_001_000_000_007, title: "Tổ dân phố 7", area: "7" },
    Group { id: -1_001_000_000_101, title: "Chung cư Sài Đồng A", area: "SDA" },
];

/// People with a private chat with the bot; a private chat's id is its person's.
pub const PRIVATE_CHATS: [Person; 2] = [OFFICIAL, RESIDENT];

pub fn person(id: i64) -> Option<Person> {
    PEOPLE.into_iter().find(|person| person.id == id)
}

/// A chat of the ward, as the page lists it.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Chat {
    pub id: i64,
    /// A group's title; a private chat is named after its person.
    pub title: &'static str,
    /// "group" or "private".
    pub kind: &'static str,
    /// Whose private chat it is.
    pub owner: Option<i64>,
}

/// The groups, then the private chats.
pub fn chats() -> impl Iterator<Item = Chat> {
    let groups =
        GROUPS.into_iter().map(|group| Chat { id: group.id, title: group.title, kind: "group", owner: None });
    let private = PRIVATE_CHATS.into_iter().map(|person| Chat {
        id: person.id,
        title: person.name,
        kind: "private",
        owner: Some(person.id),
    });
    groups.chain(private)
}

pub fn chat(id: i64) -> Option<Chat> {
    chats().find(|chat| chat.id == id)
}

/// The person as a Telegram `User`.
pub fn user(person: Person) -> serde_json::Value {
    updates::user(person.id, person.name, None)
}
