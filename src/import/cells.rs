//! Cleaning single cells of raw data: numbers (including integers too large
//! for 64 bits), percentages, multi-valued cells, confidence tags, market
//! sizes, and the slugs that become node ids. Pure functions, so every messy
//! case is tested here on its own.

use std::sync::LazyLock;

use regex::Regex;

/// A number read from a cell.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Number {
    /// The value (always finite).
    pub value: f64,
    /// The cell was written as an integer that does not fit in an `i64`
    /// (`687500000000000000000`): it is kept as a float, which loses digits
    /// past the 16th, and the import says so.
    pub beyond_i64: bool,
}

/// Why a non-empty cell is not a usable number.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum NumberError {
    /// `inf`, `nan` and the like: no finite value.
    NonFinite,
    /// Not a number at all.
    NotANumber,
}

/// Reads a numeric cell: `None` when empty.
pub(crate) fn parse_number(cell: &str) -> Result<Option<Number>, NumberError> {
    let s = cell.trim();
    if s.is_empty() {
        return Ok(None);
    }
    let value: f64 = s.parse().map_err(|_| NumberError::NotANumber)?;
    if !value.is_finite() {
        return Err(NumberError::NonFinite);
    }
    let integer_literal = s
        .bytes()
        .enumerate()
        .all(|(i, b)| b.is_ascii_digit() || (i == 0 && (b == b'-' || b == b'+')));
    let beyond_i64 = integer_literal && s.parse::<i64>().is_err();
    Ok(Some(Number { value, beyond_i64 }))
}

/// A percentage cell (`60.3`) as a share (`0.603`), computed by moving the
/// decimal point so the result is the float nearest to the written decimal
/// (no `0.6029999999999999`). `None` for an empty cell or an unreadable one.
pub(crate) fn percent_to_share(cell: &str) -> Option<f64> {
    let s = cell.trim();
    if s.is_empty() {
        return None;
    }
    let v: f64 = format!("{s}e-2").parse().ok()?;
    v.is_finite().then_some(v)
}

/// Rounds to `decimals` places through the decimal representation, so the
/// written value is short (`0.8696`, not `0.8695652173913043`).
pub(crate) fn round_to(x: f64, decimals: usize) -> f64 {
    format!("{x:.decimals$}").parse().unwrap_or(x)
}

/// Rounds to `digits` significant digits (at least 1), so a small ratio
/// stays non-zero (`1.37e-5`, not `0.0`).
pub(crate) fn round_sig(x: f64, digits: usize) -> f64 {
    let d = digits.max(1) - 1;
    format!("{x:.d$e}").parse().unwrap_or(x)
}

/// Splits a multi-valued cell (`"SMIC,TSMC"`, `"OpenAI #likely, Microsoft #likely"`)
/// on commas; parts are trimmed and empty parts dropped.
pub(crate) fn split_multi(cell: &str) -> Vec<String> {
    cell.split(',')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(str::to_string)
        .collect()
}

static CONFIDENCE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^(.*?)\s*#([A-Za-z_-]+)\s*$").expect("constant regex is valid"));

/// Splits a trailing confidence tag off a value: `"Amazon #confident"` gives
/// `("Amazon", Some("confident"))`; a value without a tag gives `(value, None)`.
pub(crate) fn strip_confidence(value: &str) -> (String, Option<String>) {
    match CONFIDENCE.captures(value.trim()) {
        Some(c) => (c[1].trim().to_string(), Some(c[2].to_ascii_lowercase())),
        None => (value.trim().to_string(), None),
    }
}

/// Removes one pair of double quotes wrapping a whole value
/// (`"\"OpenAI/Microsoft Mt Pleasant, Wisconsin Phase 2\""`); `true` if it did.
pub(crate) fn strip_wrapping_quotes(value: &str) -> (String, bool) {
    let t = value.trim();
    if t.len() >= 2 && t.starts_with('"') && t.ends_with('"') {
        (t[1..t.len() - 1].trim().to_string(), true)
    } else {
        (t.to_string(), false)
    }
}

static MARKET_SIZE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^\$\s*([0-9][0-9,]*(?:\.[0-9]+)?)\s*(trillion|billion|million)\b(.*)$")
        .expect("constant regex is valid")
});
static YEAR_IN_PARENS: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\((\d{4})\)").expect("constant regex is valid"));

/// A market size as ETO writes it: `$574.1 billion (2022)`,
/// `$56.2 billion (microprocessors) (2019)`, `$10.9 billion`.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct MarketSize {
    /// The size in billions of US dollars.
    pub usd_bn: f64,
    /// The year in parentheses, when given (the last one).
    pub year: Option<String>,
    /// Text in parentheses that is not a year (`all photoresists`), which
    /// says the figure covers a wider or narrower market than the input.
    pub qualifier: Option<String>,
}

/// Parses an ETO market size; `None` when the cell is empty or not of that form.
pub(crate) fn parse_market_size(cell: &str) -> Option<MarketSize> {
    let c = MARKET_SIZE.captures(cell.trim())?;
    let amount: f64 = c[1].replace(',', "").parse().ok()?;
    let scale = match c[2].to_ascii_lowercase().as_str() {
        "trillion" => 1000.0,
        "billion" => 1.0,
        _ => 0.001,
    };
    let rest = &c[3];
    let year = YEAR_IN_PARENS
        .captures_iter(rest)
        .last()
        .map(|y| y[1].to_string());
    let qualifier = rest
        .split(['(', ')'])
        .map(str::trim)
        .filter(|p| !(p.is_empty() || is_year(p)))
        .collect::<Vec<_>>()
        .join("; ");
    Some(MarketSize {
        usd_bn: round_to(amount * scale, 6),
        year,
        qualifier: (!qualifier.is_empty()).then_some(qualifier),
    })
}

fn is_year(p: &str) -> bool {
    p.len() == 4 && p.bytes().all(|b| b.is_ascii_digit())
}

/// A lower-case kebab slug for node ids: ASCII letters and digits kept,
/// common accented Latin letters folded (`ö` to `o`), everything else a
/// separator. May be empty (a name with no Latin letters or digits).
pub(crate) fn slug(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut pending_dash = false;
    for ch in name.chars() {
        let folded = fold(ch);
        match folded {
            Some(s) => {
                if pending_dash && !out.is_empty() {
                    out.push('-');
                }
                pending_dash = false;
                out.push_str(s);
            }
            None if ch == '&' => {
                if !out.is_empty() {
                    out.push_str("-and");
                    pending_dash = true;
                }
            }
            None => pending_dash = true,
        }
    }
    out
}

/// Folds one character to lower-case ASCII letters or digits, or `None` for a separator.
fn fold(ch: char) -> Option<&'static str> {
    const ASCII: [&str; 36] = [
        "0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "a", "b", "c", "d", "e", "f", "g", "h",
        "i", "j", "k", "l", "m", "n", "o", "p", "q", "r", "s", "t", "u", "v", "w", "x", "y", "z",
    ];
    let c = ch.to_ascii_lowercase();
    if c.is_ascii_digit() {
        return Some(ASCII[(c as u8 - b'0') as usize]);
    }
    if c.is_ascii_lowercase() {
        return Some(ASCII[10 + (c as u8 - b'a') as usize]);
    }
    Some(match ch.to_lowercase().next().unwrap_or(ch) {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ā' => "a",
        'æ' => "ae",
        'ç' | 'ć' | 'č' => "c",
        'è' | 'é' | 'ê' | 'ë' | 'ē' | 'ę' | 'ě' => "e",
        'ì' | 'í' | 'î' | 'ï' | 'ī' => "i",
        'ł' => "l",
        'ñ' | 'ń' | 'ň' => "n",
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'ō' => "o",
        'œ' => "oe",
        'ś' | 'š' | 'ș' | 'ş' => "s",
        'ß' => "ss",
        'ț' | 'ţ' | 'ť' => "t",
        'ù' | 'ú' | 'û' | 'ü' | 'ū' | 'ů' => "u",
        'ý' | 'ÿ' => "y",
        'ź' | 'ż' | 'ž' => "z",
        _ => return None,
    })
}

/// A raw name as matched: trimmed, inner runs of whitespace one space.
pub(crate) fn squash(name: &str) -> String {
    name.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The key a raw name is matched under: [`squash`]ed, then folded the way
/// FQL folds names ([`crate::model::fold`]).
pub(crate) fn name_key(name: &str) -> String {
    crate::model::fold(&squash(name))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integers_beyond_i64_are_kept_as_float_and_flagged() {
        let n = parse_number("687500000000000000000")
            .expect("number")
            .expect("non-empty");
        assert!(n.beyond_i64);
        assert_eq!(n.value, 6.875e20);
        let n = parse_number("33114941199151700000")
            .expect("number")
            .expect("non-empty");
        assert!(n.beyond_i64, "above i64::MAX (9.2e18)");
        let small = parse_number("8443234211932070000")
            .expect("number")
            .expect("non-empty");
        assert!(!small.beyond_i64, "fits in i64");
        let float = parse_number("9.9e+22").expect("number").expect("non-empty");
        assert!(!float.beyond_i64, "written as a float already");
        assert_eq!(parse_number("  ").expect("empty is fine"), None);
    }

    #[test]
    fn non_finite_and_garbage_numbers_are_errors() {
        assert_eq!(parse_number("inf"), Err(NumberError::NonFinite));
        assert_eq!(parse_number("NaN"), Err(NumberError::NonFinite));
        assert_eq!(parse_number("about 5"), Err(NumberError::NotANumber));
    }

    #[test]
    fn percentages_become_clean_shares() {
        assert_eq!(percent_to_share("60.3"), Some(0.603));
        assert_eq!(percent_to_share("100.0"), Some(1.0));
        assert_eq!(percent_to_share("0.0"), Some(0.0));
        assert_eq!(percent_to_share(""), None);
        assert_eq!(percent_to_share("n/a"), None);
        assert_eq!(round_to(200000.0 / 230000.0, 4), 0.8696);
        assert_eq!(round_sig(200000.0 / 230000.0, 4), 0.8696);
        assert_eq!(round_sig(0.0004 / 29.1, 3), 1.37e-5);
    }

    #[test]
    fn multi_valued_cells_split_on_commas() {
        assert_eq!(split_multi("SMIC,TSMC"), vec!["SMIC", "TSMC"]);
        assert_eq!(
            split_multi(" Hewlett Packard Enterprise"),
            vec!["Hewlett Packard Enterprise"]
        );
        assert_eq!(
            split_multi("G42, ,Cerebras Systems,"),
            vec!["G42", "Cerebras Systems"]
        );
        assert!(split_multi("").is_empty());
    }

    #[test]
    fn confidence_tags_are_split_off() {
        assert_eq!(
            strip_confidence("Amazon #confident"),
            ("Amazon".into(), Some("confident".into()))
        );
        assert_eq!(
            strip_confidence("Project Rainier #speculative"),
            ("Project Rainier".into(), Some("speculative".into()))
        );
        assert_eq!(
            strip_confidence(" OpenAI #Likely "),
            ("OpenAI".into(), Some("likely".into()))
        );
        assert_eq!(strip_confidence("Entergy"), ("Entergy".into(), None));
        assert_eq!(
            strip_confidence("C# users"),
            ("C# users".into(), None),
            "a # inside a value is not a tag"
        );
    }

    #[test]
    fn wrapping_quotes_are_removed_once() {
        assert_eq!(
            strip_wrapping_quotes("\"OpenAI/Microsoft Mt Pleasant, Wisconsin Phase 2\""),
            (
                "OpenAI/Microsoft Mt Pleasant, Wisconsin Phase 2".into(),
                true
            )
        );
        assert_eq!(strip_wrapping_quotes("Plain"), ("Plain".into(), false));
    }

    #[test]
    fn market_sizes_parse_with_year_and_qualifier() {
        let m = parse_market_size("$574.1 billion (2022)").expect("parses");
        assert_eq!(
            (m.usd_bn, m.year.as_deref(), m.qualifier),
            (574.1, Some("2022"), None)
        );
        let m = parse_market_size("$56.2 billion (microprocessors) (2019)").expect("parses");
        assert_eq!(
            (m.year.as_deref(), m.qualifier.as_deref()),
            (Some("2019"), Some("microprocessors"))
        );
        let m = parse_market_size("$224 million (2021)").expect("parses");
        assert_eq!(m.usd_bn, 0.224);
        let m = parse_market_size("$10.9 billion").expect("parses");
        assert_eq!(m.year, None);
        assert_eq!(parse_market_size(""), None);
        assert_eq!(parse_market_size("unknown"), None);
    }

    #[test]
    fn slugs_are_kebab_ascii() {
        assert_eq!(slug("EUV lithography tools"), "euv-lithography-tools");
        assert_eq!(slug("Kulicke & Soffa"), "kulicke-and-soffa");
        assert_eq!(slug("Linköping University"), "linkoping-university");
        assert_eq!(
            slug("Wroclaw Tech (Wrocław University)"),
            "wroclaw-tech-wroclaw-university"
        );
        assert_eq!(
            slug("  --NVIDIA GB300 (Blackwell Ultra)-- "),
            "nvidia-gb300-blackwell-ultra"
        );
        assert_eq!(slug("中文"), "");
    }

    #[test]
    fn name_keys_ignore_case_and_spacing() {
        assert_eq!(name_key("  Nvidia   Corp "), "nvidia corp");
        assert_eq!(name_key("NVIDIA"), name_key("nvidia"));
    }
}
