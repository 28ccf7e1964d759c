use super::{Lang, fold};

/// What residents may type for the seeded topics besides their slugs, the word replies show
/// first. Written folded: `rác`, `RÁC` and `rac` all match `rac`. A topic a ward adds to the
/// table itself has only its slug.
const VIETNAMESE_WORDS: &[(&str, &[&str])] = &[
    ("waste", &["rac", "rac-thai", "moi-truong"]),
    ("health", &["y-te", "yte", "dich-benh", "suc-khoe"]),
    ("civic", &["van-minh", "nep-song"]),
    ("security", &["an-ninh", "antt"]),
    ("meeting", &["hop", "hoi-nghi"]),
    ("general", &["chung", "thong-bao"]),
];

/// A topic chats subscribe to, as seeded in the `topics` table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Topic {
    pub slug: String,
    pub name_vi: String,
    pub name_en: String,
}

impl Topic {
    pub fn name(&self, lang: Lang) -> &str {
        match lang {
            Lang::Vi => &self.name_vi,
            Lang::En => &self.name_en,
        }
    }

    /// The Vietnamese words that name this topic, the one replies show first.
    pub fn vietnamese_words(&self) -> &'static [&'static str] {
        VIETNAMESE_WORDS.iter().find(|(slug, _)| *slug == self.slug).map_or(&[], |(_, words)| words)
    }

    /// How a reply tells what to type for this topic: `rac (waste)`, or the slug alone.
    pub fn typed_name(&self) -> String {
        match self.vietnamese_words().first() {
            Some(word) => format!("{word} ({})", self.slug),
            None => self.slug.clone(),
        }
    }

    /// Whether `folded`, a typed word after [`fold`], names this topic.
    fn is_named_by(&self, folded: &str) -> bool {
        fold(&self.slug) == folded || self.vietnamese_words().contains(&folded)
    }
}

/// The known topics, loaded once at start-up, in display order.
#[derive(Debug, Clone)]
pub struct TopicCatalog {
    topics: Vec<Topic>,
}

/// Which topics a `/subscribe` or `/unsubscribe` names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TopicSelection {
    All,
    Some(Vec<String>),
}

/// Words that named no known topic.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownTopics(pub Vec<String>);

impl TopicCatalog {
    pub fn new(topics: Vec<Topic>) -> TopicCatalog {
        TopicCatalog { topics }
    }

    pub fn all(&self) -> &[Topic] {
        &self.topics
    }

    /// The topic stored as `slug`.
    pub fn get(&self, slug: &str) -> Option<&Topic> {
        self.topics.iter().find(|t| t.slug == slug)
    }

    /// The topic a person typed: its slug or one of its Vietnamese words, in any case, with or
    /// without diacritics.
    pub fn find(&self, word: &str) -> Option<&Topic> {
        let folded = fold(word);
        self.topics.iter().find(|t| t.is_named_by(&folded))
    }

    /// Every topic as replies name them, Vietnamese first: `rac (waste), y-te (health)`.
    pub fn choices(&self) -> String {
        self.topics.iter().map(Topic::typed_name).collect::<Vec<_>>().join(", ")
    }

    /// Parses `rác y-te`, `waste,health` or nothing (all topics) into slugs, each once. Every
    /// unknown word is reported, not just the first.
    pub fn parse_selection(&self, args: &str) -> Result<TopicSelection, UnknownTopics> {
        let words: Vec<&str> =
            args.split(|c: char| c == ',' || c.is_whitespace()).filter(|w| !w.is_empty()).collect();
        if words.is_empty() {
            return Ok(TopicSelection::All);
        }
        let found: Vec<Option<&Topic>> = words.iter().map(|word| self.find(word)).collect();
        let unknown: Vec<String> = words
            .iter()
            .zip(&found)
            .filter(|(_, topic)| topic.is_none())
            .map(|(w, _)| w.to_lowercase())
            .collect();
        if !unknown.is_empty() {
            return Err(UnknownTopics(unknown));
        }
        let mut slugs: Vec<String> = Vec::with_capacity(words.len());
        for topic in found.into_iter().flatten() {
            if !slugs.contains(&topic.slug) {
                slugs.push(topic.slug.clone());
            }
        }
        Ok(TopicSelection::Some(slugs))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn catalog() -> TopicCatalog {
        let topic =
            |slug: &str| Topic { slug: slug.into(), name_vi: format!("vi {slug}"), name_en: slug.into() };
        TopicCatalog::new(vec![topic("waste"), topic("health"), topic("civic"), topic("parking")])
    }

    #[test]
    fn no_words_means_every_topic() {
        assert_eq!(catalog().parse_selection("  "), Ok(TopicSelection::All));
    }

    #[test]
    fn spaces_commas_and_case_are_accepted() {
        assert_eq!(
            catalog().parse_selection("Waste, HEALTH civic waste"),
            Ok(TopicSelection::Some(vec!["waste".into(), "health".into(), "civic".into()]))
        );
    }

    #[test]
    fn every_unknown_word_is_reported() {
        assert_eq!(
            catalog().parse_selection("waste Thời-tiết rac benh"),
            Err(UnknownTopics(vec!["thời-tiết".into(), "benh".into()]))
        );
    }

    #[test]
    fn vietnamese_words_with_or_without_diacritics_select_the_slug() {
        assert_eq!(
            catalog().parse_selection("rác Y-TẾ,suc-khoe nếp-sống RAC-THAI"),
            Ok(TopicSelection::Some(vec!["waste".into(), "health".into(), "civic".into()]))
        );
        assert_eq!(catalog().find("ra\u{301}c").map(|t| t.slug.as_str()), Some("waste"));
    }

    #[test]
    fn every_seeded_word_is_folded_and_names_one_topic_only() {
        let mut seen: Vec<&str> = VIETNAMESE_WORDS.iter().map(|(slug, _)| *slug).collect();
        for (_, words) in VIETNAMESE_WORDS {
            for word in *words {
                assert_eq!(fold(word), *word, "written folded, or it could never match");
                assert!(!seen.contains(word), "{word} names two topics");
                seen.push(word);
            }
        }
    }

    #[test]
    fn replies_name_the_vietnamese_word_first_and_a_ward_topic_by_its_slug() {
        assert_eq!(catalog().choices(), "rac (waste), y-te (health), van-minh (civic), parking");
    }

    #[test]
    fn names_follow_the_language() {
        let catalog = catalog();
        let waste = catalog.get("waste").unwrap();
        assert_eq!(waste.name(Lang::Vi), "vi waste");
        assert_eq!(waste.name(Lang::En), "waste");
    }
}
