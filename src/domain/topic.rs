use super::Lang;

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

    pub fn get(&self, slug: &str) -> Option<&Topic> {
        self.topics.iter().find(|t| t.slug == slug)
    }

    /// Parses `waste health`, `waste,health` or nothing (all topics). Slugs are matched without
    /// regard to case; every unknown word is reported, not just the first.
    pub fn parse_selection(&self, args: &str) -> Result<TopicSelection, UnknownTopics> {
        let words: Vec<String> = args
            .split(|c: char| c == ',' || c.is_whitespace())
            .filter(|w| !w.is_empty())
            .map(str::to_lowercase)
            .collect();
        if words.is_empty() {
            return Ok(TopicSelection::All);
        }
        let unknown: Vec<String> = words.iter().filter(|w| self.get(w).is_none()).cloned().collect();
        if !unknown.is_empty() {
            return Err(UnknownTopics(unknown));
        }
        let mut slugs: Vec<String> = Vec::with_capacity(words.len());
        for word in words {
            if !slugs.contains(&word) {
                slugs.push(word);
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
        TopicCatalog::new(vec![topic("waste"), topic("health"), topic("civic")])
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
            catalog().parse_selection("waste rac benh"),
            Err(UnknownTopics(vec!["rac".into(), "benh".into()]))
        );
    }

    #[test]
    fn names_follow_the_language() {
        let catalog = catalog();
        let waste = catalog.get("waste").unwrap();
        assert_eq!(waste.name(Lang::Vi), "vi waste");
        assert_eq!(waste.name(Lang::En), "waste");
    }
}
