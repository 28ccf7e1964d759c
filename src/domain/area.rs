use std::fmt;

/// A residential group (tổ dân phố) code, normalised so that `5`, `tdp5`, `TDP-5` and `TDP05`
/// are one area: upper case, without the `TDP` prefix, without leading zeros in numbers.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct AreaCode(String);

/// Why a text is not an area code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AreaError {
    Empty,
    TooLong { max: usize },
    BadCharacter(char),
}

/// What `/area` was asked to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AreaArg {
    Show,
    Clear,
    Set(AreaCode),
}

impl AreaCode {
    pub const MAX_LEN: usize = 20;
    const PREFIX: &str = "TDP";

    pub fn parse(input: &str) -> Result<AreaCode, AreaError> {
        let upper = input.trim().to_uppercase();
        if let Some(bad) = upper.chars().find(|c| !(c.is_ascii_alphanumeric() || *c == '-')) {
            return Err(AreaError::BadCharacter(bad));
        }
        let code = Self::without_prefixes(&upper);
        if !code.chars().any(|c| c.is_ascii_alphanumeric()) {
            return Err(AreaError::Empty);
        }
        if code.len() > Self::MAX_LEN {
            return Err(AreaError::TooLong { max: Self::MAX_LEN });
        }
        let code = match code.parse::<u64>() {
            Ok(number) => number.to_string(),
            Err(_) => code.to_owned(),
        };
        Ok(AreaCode(code))
    }

    /// The code after every leading `TDP` and dash: `TDP-5`, `-TDP5` and `TDPTDP5` all name area
    /// 5. Stripping until nothing is left to strip makes a parsed code parse back as itself.
    fn without_prefixes(mut code: &str) -> &str {
        loop {
            let rest = code.trim_start_matches('-');
            let rest = rest.strip_prefix(Self::PREFIX).unwrap_or(rest);
            if rest.len() == code.len() {
                return code;
            }
            code = rest;
        }
    }

    /// Rebuilds a code read back from the database, where it was stored normalised.
    pub fn from_stored(code: String) -> AreaCode {
        AreaCode(code)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for AreaCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl AreaArg {
    /// Words that remove a chat's area, in both languages.
    const CLEAR_WORDS: [&str; 3] = ["none", "khong", "không"];

    pub fn parse(args: &str) -> Result<AreaArg, AreaError> {
        let args = args.trim();
        if args.is_empty() {
            Ok(AreaArg::Show)
        } else if Self::CLEAR_WORDS.contains(&args.to_lowercase().as_str()) {
            Ok(AreaArg::Clear)
        } else {
            AreaCode::parse(args).map(AreaArg::Set)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(input: &str) -> String {
        AreaCode::parse(input).unwrap().to_string()
    }

    #[test]
    fn prefix_case_dashes_and_leading_zeros_normalise_to_one_code() {
        for input in ["5", "tdp5", "TDP5", "TDP-5", "Tdp05", " 5 "] {
            assert_eq!(code(input), "5", "{input}");
        }
        assert_eq!(code("tdp5a"), "5A");
        assert_eq!(code("khu-b"), "KHU-B");
    }

    #[test]
    fn a_parsed_code_parses_back_as_itself() {
        // Found by tests/fuzz_parsers.rs: "tdptdp" gave the code "TDP", which read back as empty.
        assert_eq!(AreaCode::parse("tdptdp"), Err(AreaError::Empty));
        for input in ["tdptdp5", "-tdp5", "TDP-TDP-05", "--tdp--5"] {
            assert_eq!(code(input), "5", "{input}");
        }
        for input in ["tdptdp5a", "0-tdp", "khu-b", "12A"] {
            let once = code(input);
            assert_eq!(code(&once), once, "{input}");
        }
    }

    #[test]
    fn rejects_what_is_not_a_code() {
        assert_eq!(AreaCode::parse(""), Err(AreaError::Empty));
        assert_eq!(AreaCode::parse("TDP"), Err(AreaError::Empty));
        assert_eq!(AreaCode::parse("--"), Err(AreaError::Empty));
        assert_eq!(AreaCode::parse("tổ 5"), Err(AreaError::BadCharacter('Ổ')));
        assert_eq!(AreaCode::parse("5;drop"), Err(AreaError::BadCharacter(';')));
        assert_eq!(AreaCode::parse(&"9".repeat(25)), Err(AreaError::TooLong { max: 20 }));
    }

    #[test]
    fn area_argument_shows_clears_or_sets() {
        assert_eq!(AreaArg::parse("  "), Ok(AreaArg::Show));
        assert_eq!(AreaArg::parse("None"), Ok(AreaArg::Clear));
        assert_eq!(AreaArg::parse("không"), Ok(AreaArg::Clear));
        assert_eq!(AreaArg::parse("tdp7"), Ok(AreaArg::Set(AreaCode::parse("7").unwrap())));
        assert!(AreaArg::parse("a b").is_err());
    }
}
