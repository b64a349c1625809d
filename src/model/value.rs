//! Property values: the typed values users see (`Value`), the compact form
//! the graph stores (`Stored`), and declared property types (`PropType`).

use std::cmp::Ordering;
use std::fmt;
use std::sync::Arc;

use super::ids::StrId;

/// A calendar date of year, month or day precision (`2023`, `2024-10`,
/// `2024-10-07`). Month and day are 0 when absent, so ordering is by
/// (year, month, day) and a year sorts before its months.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Debug)]
pub struct Date {
    /// The year (may be negative for completeness; never used in practice).
    pub year: i32,
    /// 1..=12, or 0 when the date has year precision.
    pub month: u8,
    /// 1..=31, or 0 when the date has year or month precision.
    pub day: u8,
}

impl Date {
    /// Parses `YYYY`, `YYYY-MM` or `YYYY-MM-DD`. Returns `None` for anything else.
    pub fn parse(text: &str) -> Option<Date> {
        let mut parts = text.split('-');
        let year_text = parts.next()?;
        if year_text.len() != 4 || !year_text.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let year: i32 = year_text.parse().ok()?;
        let mut field = |max: u8| -> Option<Option<u8>> {
            match parts.next() {
                None => Some(None),
                Some(p) if p.len() == 2 && p.bytes().all(|b| b.is_ascii_digit()) => {
                    let v: u8 = p.parse().ok()?;
                    (1..=max).contains(&v).then_some(Some(v))
                }
                Some(_) => None,
            }
        };
        let month = field(12)?;
        let day = match month {
            Some(_) => field(31)?,
            None => None,
        };
        if parts.next().is_some() {
            return None;
        }
        let (month, day) = (month.unwrap_or(0), day.unwrap_or(0));
        if day != 0 && day > days_in_month(year, month) {
            return None;
        }
        Some(Date { year, month, day })
    }

    /// Whether `text` has a date's shape (`YYYY-MM-DD`) but names a day
    /// the calendar does not have (`2023-02-31`).
    pub fn is_impossible(text: &str) -> bool {
        let b = text.as_bytes();
        if b.len() != 10 || b[4] != b'-' || b[7] != b'-' || Date::parse(text).is_some() {
            return false;
        }
        Date::parse(&text[..7]).is_some()
            && text[8..].bytes().all(|c| c.is_ascii_digit())
            && (1..=31).contains(&text[8..].parse::<u8>().unwrap_or(0))
    }

    /// Today in the local time zone (the default date of queries).
    pub fn today() -> Date {
        use chrono::Datelike;
        let d = chrono::Local::now().date_naive();
        Date {
            year: d.year(),
            month: d.month() as u8,
            day: d.day() as u8,
        }
    }

    /// The first day this date covers (`2020` -> `2020-01-01`).
    pub fn first_day(self) -> Date {
        Date {
            year: self.year,
            month: self.month.max(1),
            day: self.day.max(1),
        }
    }

    /// The last day this date covers (`2020-02` -> `2020-02-29`).
    pub fn last_day(self) -> Date {
        let month = if self.month == 0 { 12 } else { self.month };
        let day = if self.day == 0 {
            days_in_month(self.year, month)
        } else {
            self.day
        };
        Date {
            year: self.year,
            month,
            day,
        }
    }

    /// The day after this one (a full date; `2020-09-14` -> `2020-09-15`).
    pub fn next_day(self) -> Date {
        let d = self.last_day();
        if d.day < days_in_month(d.year, d.month) {
            Date {
                day: d.day + 1,
                ..d
            }
        } else if d.month < 12 {
            Date {
                month: d.month + 1,
                day: 1,
                ..d
            }
        } else {
            Date {
                year: d.year + 1,
                month: 1,
                day: 1,
            }
        }
    }

    /// Whether the date has day precision.
    pub fn is_full(self) -> bool {
        self.day != 0
    }
}

/// The number of days in a month of the Gregorian calendar.
fn days_in_month(year: i32, month: u8) -> u8 {
    match month {
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}", self.year)?;
        if self.month != 0 {
            write!(f, "-{:02}", self.month)?;
            if self.day != 0 {
                write!(f, "-{:02}", self.day)?;
            }
        }
        Ok(())
    }
}

/// A property value as users and the query language see it.
#[derive(Clone, Debug)]
pub enum Value {
    /// No value (a missing property).
    Null,
    /// `true` / `false`.
    Bool(bool),
    /// A 64-bit signed integer.
    Int(i64),
    /// A 64-bit float.
    Float(f64),
    /// A string.
    Str(Arc<str>),
    /// A date.
    Date(Date),
    /// A list of values.
    List(Arc<[Value]>),
}

impl Value {
    /// A string value.
    pub fn str(s: &str) -> Value {
        Value::Str(Arc::from(s))
    }

    /// The value as a float when it is a number.
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Value::Int(i) => Some(*i as f64),
            Value::Float(f) => Some(*f),
            _ => None,
        }
    }

    /// The value's type name, for error messages.
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Bool(_) => "bool",
            Value::Int(_) => "int",
            Value::Float(_) => "float",
            Value::Str(_) => "string",
            Value::Date(_) => "date",
            Value::List(_) => "list",
        }
    }

    /// Total order used for sorting: null first, then by type, then by value;
    /// ints and floats compare numerically.
    pub fn sort_cmp(&self, other: &Value) -> Ordering {
        fn rank(v: &Value) -> u8 {
            match v {
                Value::Null => 0,
                Value::Bool(_) => 1,
                Value::Int(_) | Value::Float(_) => 2,
                Value::Date(_) => 3,
                Value::Str(_) => 4,
                Value::List(_) => 5,
            }
        }
        match (self, other) {
            (Value::Bool(a), Value::Bool(b)) => a.cmp(b),
            (Value::Int(a), Value::Int(b)) => a.cmp(b),
            (a @ (Value::Int(_) | Value::Float(_)), b @ (Value::Int(_) | Value::Float(_))) => {
                let (x, y) = (a.as_f64().unwrap_or(0.0), b.as_f64().unwrap_or(0.0));
                x.total_cmp(&y)
            }
            (Value::Date(a), Value::Date(b)) => a.cmp(b),
            (Value::Str(a), Value::Str(b)) => a.cmp(b),
            (Value::List(a), Value::List(b)) => {
                for (x, y) in a.iter().zip(b.iter()) {
                    let c = x.sort_cmp(y);
                    if c != Ordering::Equal {
                        return c;
                    }
                }
                a.len().cmp(&b.len())
            }
            _ => rank(self).cmp(&rank(other)),
        }
    }
}

impl PartialEq for Value {
    fn eq(&self, other: &Value) -> bool {
        match (self, other) {
            (Value::Null, Value::Null) => true,
            (Value::Bool(a), Value::Bool(b)) => a == b,
            (Value::Int(a), Value::Int(b)) => a == b,
            (a @ (Value::Int(_) | Value::Float(_)), b @ (Value::Int(_) | Value::Float(_))) => {
                a.as_f64() == b.as_f64()
            }
            (Value::Str(a), Value::Str(b)) => a == b,
            (Value::Date(a), Value::Date(b)) => a == b,
            (Value::List(a), Value::List(b)) => a == b,
            _ => false,
        }
    }
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Null => f.write_str("null"),
            Value::Bool(b) => write!(f, "{b}"),
            Value::Int(i) => write!(f, "{i}"),
            Value::Float(x) => write!(f, "{x}"),
            Value::Str(s) => f.write_str(s),
            Value::Date(d) => write!(f, "{d}"),
            Value::List(items) => {
                f.write_str("[")?;
                for (i, v) in items.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{v}")?;
                }
                f.write_str("]")
            }
        }
    }
}

/// The compact form of a value inside the graph: strings are interned, so a
/// stored value is 16 bytes and repeated strings (sources, dates) cost nothing.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Stored {
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(StrId),
    Date(Date),
    /// Index into the graph's list arena.
    List(u32),
}

/// A declared property type (schema) or an inferred one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PropType {
    /// Any text.
    String,
    /// A 64-bit integer.
    Int,
    /// A float (integers are accepted).
    Float,
    /// `true` or `false`.
    Bool,
    /// `YYYY`, `YYYY-MM` or `YYYY-MM-DD`.
    Date,
    /// A `|`-separated list in CSV, an array in JSON.
    List(Box<PropType>),
}

impl PropType {
    /// Parses a schema type name: `string`, `int`, `float`, `bool`, `date`, `list<T>`.
    pub fn parse(text: &str) -> Option<PropType> {
        let t = text.trim();
        Some(match t {
            "string" => PropType::String,
            "int" => PropType::Int,
            "float" => PropType::Float,
            "bool" => PropType::Bool,
            "date" => PropType::Date,
            _ => {
                let inner = t.strip_prefix("list<")?.strip_suffix('>')?;
                let inner = PropType::parse(inner)?;
                if matches!(inner, PropType::List(_)) {
                    return None;
                }
                PropType::List(Box::new(inner))
            }
        })
    }

    /// Parses a textual cell as this type. The error says what was expected.
    pub fn parse_text(&self, text: &str) -> Result<Value, String> {
        match self {
            PropType::String => Ok(Value::str(text)),
            PropType::Int => text
                .trim()
                .parse::<i64>()
                .map(Value::Int)
                .map_err(|_| "an integer (64-bit)".to_string()),
            PropType::Float => match text.trim().parse::<f64>() {
                Ok(f) if f.is_finite() => Ok(Value::Float(f)),
                _ => Err("a number".to_string()),
            },
            PropType::Bool => match text.trim().to_ascii_lowercase().as_str() {
                "true" => Ok(Value::Bool(true)),
                "false" => Ok(Value::Bool(false)),
                _ => Err("true or false".to_string()),
            },
            PropType::Date => Date::parse(text.trim()).map(Value::Date).ok_or_else(|| {
                if Date::is_impossible(text.trim()) {
                    "a day of the calendar (YYYY-MM-DD; that month has fewer days)".to_string()
                } else {
                    "a date (YYYY, YYYY-MM or YYYY-MM-DD)".to_string()
                }
            }),
            PropType::List(inner) => {
                let items: Result<Vec<Value>, String> =
                    text.split('|').map(|p| inner.parse_text(p)).collect();
                items
                    .map(|v| Value::List(v.into()))
                    .map_err(|e| format!("a `|`-separated list of {e}"))
            }
        }
    }

    /// Checks (and converts) a JSON-sourced value against this type.
    pub fn check_value(&self, value: Value) -> Result<Value, String> {
        match (self, value) {
            (PropType::String, v @ Value::Str(_)) => Ok(v),
            (PropType::Int, v @ Value::Int(_)) => Ok(v),
            (PropType::Float, Value::Int(i)) => Ok(Value::Float(i as f64)),
            (PropType::Float, v @ Value::Float(_)) => Ok(v),
            (PropType::Bool, v @ Value::Bool(_)) => Ok(v),
            (PropType::Date, Value::Str(s)) => self.parse_text(&s),
            (PropType::Date, Value::Int(y)) => self.parse_text(&y.to_string()),
            (PropType::List(inner), Value::List(items)) => {
                let items: Result<Vec<Value>, String> =
                    items.iter().map(|v| inner.check_value(v.clone())).collect();
                Ok(Value::List(items?.into()))
            }
            (t, _) => Err(format!("a value of type {t}")),
        }
    }

    /// Infers a value from a CSV cell when there is no schema: int, float,
    /// bool, else string.
    pub fn infer_text(text: &str) -> Value {
        if let Ok(i) = text.parse::<i64>() {
            return Value::Int(i);
        }
        if let Ok(f) = text.parse::<f64>()
            && f.is_finite()
            && text.bytes().any(|b| b.is_ascii_digit())
        {
            return Value::Float(f);
        }
        match text {
            "true" => Value::Bool(true),
            "false" => Value::Bool(false),
            _ => Value::str(text),
        }
    }
}

impl fmt::Display for PropType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PropType::String => f.write_str("string"),
            PropType::Int => f.write_str("int"),
            PropType::Float => f.write_str("float"),
            PropType::Bool => f.write_str("bool"),
            PropType::Date => f.write_str("date"),
            PropType::List(inner) => write!(f, "list<{inner}>"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_parse_at_three_precisions_and_print_back() {
        for text in ["2023", "2024-10", "2024-10-07"] {
            assert_eq!(
                Date::parse(text).map(|d| d.to_string()),
                Some(text.to_string())
            );
        }
        for bad in ["23", "2024-13", "2024-1", "2024-10-07-01", "x", "2024-00"] {
            assert_eq!(Date::parse(bad), None, "{bad}");
        }
        assert!(Date::parse("2023").unwrap() < Date::parse("2023-01").unwrap());
        for impossible in ["2023-02-29", "2023-02-31", "2024-04-31", "1900-02-29"] {
            assert_eq!(Date::parse(impossible), None, "{impossible}");
            assert!(Date::is_impossible(impossible), "{impossible}");
        }
        assert!(Date::parse("2024-02-29").is_some() && Date::parse("2000-02-29").is_some());
        assert!(!Date::is_impossible("2023-13-01") && !Date::is_impossible("2023-02-32"));
        let d = |s: &str| Date::parse(s).unwrap();
        assert_eq!(d("2020").last_day(), d("2020-12-31"));
        assert_eq!(d("2024-02").last_day(), d("2024-02-29"));
        assert_eq!(d("2020-02").first_day(), d("2020-02-01"));
        assert_eq!(d("2020-09-14").next_day(), d("2020-09-15"));
        assert_eq!(d("2020-12-31").next_day(), d("2021-01-01"));
        assert_eq!(d("2021-02-28").next_day(), d("2021-03-01"));
    }

    #[test]
    fn prop_types_parse_and_check() {
        assert_eq!(
            PropType::parse("list<int>"),
            Some(PropType::List(Box::new(PropType::Int)))
        );
        assert_eq!(PropType::parse("list<list<int>>"), None);
        assert_eq!(PropType::Int.parse_text("12").unwrap(), Value::Int(12));
        assert!(PropType::Int.parse_text("1.5").is_err());
        assert!(PropType::Int.parse_text("99999999999999999999").is_err());
        assert_eq!(
            PropType::Float.parse_text("0.5").unwrap(),
            Value::Float(0.5)
        );
        assert!(PropType::Float.parse_text("NaN").is_err());
    }

    #[test]
    fn inference_prefers_int_then_float_then_bool() {
        assert_eq!(PropType::infer_text("42"), Value::Int(42));
        assert_eq!(PropType::infer_text("0.25"), Value::Float(0.25));
        assert_eq!(PropType::infer_text("true"), Value::Bool(true));
        assert_eq!(PropType::infer_text("inf"), Value::str("inf"));
    }
}
