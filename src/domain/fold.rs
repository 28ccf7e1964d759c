//! Typed words compared the way people type them: Vietnamese with or without its diacritics,
//! in any case. Phones without a Vietnamese keyboard leave the marks out; some keyboards send a
//! bare letter followed by combining marks instead of one composed letter.

/// `Rác` → `rac`, `Y-TẾ` → `y-te`, `Đường` → `duong`: lower case, every Vietnamese letter
/// reduced to its base letter (đ to d), combining marks dropped. Other characters are kept.
pub fn fold(word: &str) -> String {
    word.chars().flat_map(char::to_lowercase).filter(|c| !is_combining_mark(*c)).map(base_letter).collect()
}

/// The composed lower-case Vietnamese letters, by the base letter they fold to.
const VARIANTS: [(char, &str); 7] = [
    ('a', "àáảãạăằắẳẵặâầấẩẫậ"),
    ('e', "èéẻẽẹêềếểễệ"),
    ('i', "ìíỉĩị"),
    ('o', "òóỏõọôồốổỗộơờớởỡợ"),
    ('u', "ùúủũụưừứửữự"),
    ('y', "ỳýỷỹỵ"),
    ('d', "đ"),
];

fn base_letter(c: char) -> char {
    if c.is_ascii() {
        return c;
    }
    VARIANTS.iter().find(|(_, variants)| variants.contains(c)).map_or(c, |(base, _)| *base)
}

/// Combining Diacritical Marks: the tones and the breve, circumflex and horn of decomposed text.
fn is_combining_mark(c: char) -> bool {
    ('\u{300}'..='\u{36F}').contains(&c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn diacritics_and_case_fold_away() {
        assert_eq!(fold("Rác"), "rac");
        assert_eq!(fold("Y-TẾ"), "y-te");
        assert_eq!(fold("SỨC-KHỎE"), "suc-khoe");
        assert_eq!(fold("Đường Nguyễn Văn Cừ"), "duong nguyen van cu");
        assert_eq!(fold("họp hội nghị"), "hop hoi nghi");
    }

    #[test]
    fn decomposed_text_folds_like_composed_text() {
        // "rác" and "sức" as a bare letter followed by combining marks.
        assert_eq!(fold("ra\u{301}c"), "rac");
        assert_eq!(fold("su\u{31B}\u{301}c"), "suc");
    }

    #[test]
    fn every_composed_variant_folds_to_its_base_letter_in_both_cases() {
        for (base, variants) in VARIANTS {
            for variant in variants.chars() {
                assert_eq!(fold(&variant.to_string()), base.to_string(), "{variant}");
                assert_eq!(fold(&variant.to_uppercase().to_string()), base.to_string(), "{variant}");
            }
        }
    }

    #[test]
    fn other_characters_are_kept() {
        assert_eq!(fold("tdp-5, 12A"), "tdp-5, 12a");
        assert_eq!(fold("📢 ß"), "📢 ß");
    }
}
