//! Cypher's scalar functions beyond FQL's own (`expr::Func`): strings,
//! lists, maths, type conversion and graph elements. Names are matched
//! case-insensitively; a null argument gives null unless noted.

use std::sync::Arc;

use super::expr::{Ctx, describe, list_items, overflow, type_error};
use crate::diag::{Diagnostic, Span};
use crate::model::{Graph, Value};
use crate::result::Cell;

/// A Cypher function.
#[derive(Clone, Copy, Debug)]
pub enum Fun {
    /// `toUpper(s)`
    ToUpper,
    /// `toLower(s)`
    ToLower,
    /// `trim(s)`
    Trim,
    /// `ltrim(s)`
    LTrim,
    /// `rtrim(s)`
    RTrim,
    /// `replace(s, from, to)`
    Replace,
    /// `substring(s, start [, len])`
    Substring,
    /// `left(s, n)`
    Left,
    /// `right(s, n)`
    Right,
    /// `split(s, sep)`
    Split,
    /// `reverse(s or list)`
    Reverse,
    /// `toString(x)`
    ToString,
    /// `toInteger(x)`
    ToInteger,
    /// `toFloat(x)`
    ToFloat,
    /// `toBoolean(x)`
    ToBoolean,
    /// `head(list)`
    Head,
    /// `last(list)`
    Last,
    /// `tail(list)`
    Tail,
    /// `range(a, b [, step])`
    Range,
    /// `labels(n)`
    Labels,
    /// `keys(n or map)`
    Keys,
    /// `properties(n or map)`
    Properties,
    /// `relationships(p)`
    Relationships,
    /// `startNode(r)`
    StartNode,
    /// `endNode(r)`
    EndNode,
    /// `ceil(x)`
    Ceil,
    /// `floor(x)`
    Floor,
    /// `sign(x)`
    Sign,
    /// `sqrt(x)`
    Sqrt,
    /// `exp(x)`
    Exp,
    /// `log(x)`
    Log,
    /// `log10(x)`
    Log10,
    /// `sin(x)` and the other trigonometric functions.
    Trig(fn(f64) -> f64),
    /// `pi()`
    Pi,
    /// `e()`
    E,
    /// `rand()`: a float in [0, 1) (a per-thread xorshift sequence).
    Rand,
}

impl Fun {
    /// Fewest and most arguments.
    pub fn arity(self) -> (usize, usize) {
        match self {
            Fun::Pi | Fun::E | Fun::Rand => (0, 0),
            Fun::Replace => (3, 3),
            Fun::Substring | Fun::Range => (2, 3),
            Fun::Left | Fun::Right | Fun::Split => (2, 2),
            _ => (1, 1),
        }
    }
}

/// The function called `lower` (lower-cased), if Cypher has it.
pub fn lookup(lower: &str) -> Option<Fun> {
    Some(match lower {
        "toupper" => Fun::ToUpper,
        "tolower" => Fun::ToLower,
        "trim" => Fun::Trim,
        "ltrim" => Fun::LTrim,
        "rtrim" => Fun::RTrim,
        "replace" => Fun::Replace,
        "substring" => Fun::Substring,
        "left" => Fun::Left,
        "right" => Fun::Right,
        "split" => Fun::Split,
        "reverse" => Fun::Reverse,
        "tostring" => Fun::ToString,
        "tointeger" => Fun::ToInteger,
        "tofloat" => Fun::ToFloat,
        "toboolean" => Fun::ToBoolean,
        "head" => Fun::Head,
        "last" => Fun::Last,
        "tail" => Fun::Tail,
        "range" => Fun::Range,
        "labels" => Fun::Labels,
        "keys" => Fun::Keys,
        "properties" => Fun::Properties,
        "relationships" => Fun::Relationships,
        "startnode" => Fun::StartNode,
        "endnode" => Fun::EndNode,
        "ceil" => Fun::Ceil,
        "floor" => Fun::Floor,
        "sign" => Fun::Sign,
        "sqrt" => Fun::Sqrt,
        "exp" => Fun::Exp,
        "log" => Fun::Log,
        "log10" => Fun::Log10,
        "sin" => Fun::Trig(f64::sin),
        "cos" => Fun::Trig(f64::cos),
        "tan" => Fun::Trig(f64::tan),
        "asin" => Fun::Trig(f64::asin),
        "acos" => Fun::Trig(f64::acos),
        "atan" => Fun::Trig(f64::atan),
        "degrees" => Fun::Trig(f64::to_degrees),
        "radians" => Fun::Trig(f64::to_radians),
        "pi" => Fun::Pi,
        "e" => Fun::E,
        "rand" => Fun::Rand,
        _ => return None,
    })
}

/// The properties of a node (its name first, when it has one) or an edge.
pub fn properties(g: &Graph, c: &Cell) -> Vec<(Arc<str>, Cell)> {
    match c {
        Cell::Node(n) => {
            let name = g.node_name(*n);
            let own =
                (!name.is_empty()).then(|| (Arc::from("name"), Cell::Value(Value::str(name))));
            own.into_iter()
                .chain(
                    g.node_props(*n)
                        .into_iter()
                        .map(|(k, v)| (Arc::from(k), Cell::Value(v))),
                )
                .collect()
        }
        Cell::Edge(e) => g
            .edge_props(*e)
            .into_iter()
            .map(|(k, v)| (Arc::from(k), Cell::Value(v)))
            .collect(),
        Cell::Map(entries) => entries.clone(),
        _ => Vec::new(),
    }
}

/// One property of a node or edge by name (null when absent).
pub fn property(g: &Graph, c: &Cell, key: &str) -> Cell {
    properties(g, c)
        .into_iter()
        .find(|(k, _)| &**k == key)
        .map_or(Cell::NULL, |(_, v)| v)
}

fn string(s: &str) -> Cell {
    Cell::Value(Value::str(s))
}

fn num(c: &Cell) -> Option<f64> {
    match c {
        Cell::Value(v) => v.as_f64(),
        _ => None,
    }
}

/// Calls `f` on evaluated arguments.
pub fn call(f: Fun, args: &[Cell], span: Span, cx: &Ctx) -> Result<Cell, Diagnostic> {
    let g = cx.g;
    let first = args.first().cloned().unwrap_or(Cell::NULL);
    if !matches!(f, Fun::Pi | Fun::E | Fun::Rand) && args.iter().any(Cell::is_null) {
        return Ok(Cell::NULL);
    }
    let wrong = |expected: &str| {
        type_error(
            span,
            format!("{f:?}() cannot take {}", describe(g, &first)),
            expected.to_string(),
        )
    };
    let text = |c: &Cell| match c {
        Cell::Value(Value::Str(s)) => Some(s.clone()),
        _ => None,
    };
    let int = |c: &Cell| match c {
        Cell::Value(Value::Int(i)) => Some(*i),
        _ => None,
    };
    Ok(match f {
        Fun::ToUpper | Fun::ToLower | Fun::Trim | Fun::LTrim | Fun::RTrim => {
            let s = text(&first).ok_or_else(|| wrong("a string"))?;
            string(&match f {
                Fun::ToUpper => s.to_uppercase(),
                Fun::ToLower => s.to_lowercase(),
                Fun::Trim => s.trim().to_string(),
                Fun::LTrim => s.trim_start().to_string(),
                _ => s.trim_end().to_string(),
            })
        }
        Fun::Replace => match (text(&first), text(&args[1]), text(&args[2])) {
            (Some(s), Some(a), Some(b)) => string(&s.replace(&*a, &b)),
            _ => return Err(wrong("three strings")),
        },
        Fun::Substring | Fun::Left | Fun::Right => {
            let s = text(&first).ok_or_else(|| wrong("a string"))?;
            let chars: Vec<char> = s.chars().collect();
            let n = chars.len() as i64;
            let a = int(&args[1]).ok_or_else(|| wrong("an integer argument"))?;
            let (start, len) = match f {
                Fun::Left => (0, a),
                // A negative length is rejected below (`n - a` could overflow).
                Fun::Right => (n - a.clamp(0, n), a),
                _ => (a, args.get(2).and_then(int).unwrap_or(n)),
            };
            if start < 0 || len < 0 {
                return Err(
                    Diagnostic::new("E0307", "a negative string index or length")
                        .at(span)
                        .expected("a non-negative integer"),
                );
            }
            let start = start.min(n) as usize;
            let end = (start as i64).saturating_add(len).min(n) as usize;
            string(&chars[start..end].iter().collect::<String>())
        }
        Fun::Split => match (text(&first), text(&args[1])) {
            // An empty separator splits into characters (no empty ends).
            (Some(s), Some(sep)) if sep.is_empty() => Cell::List(
                s.chars()
                    .map(|c| string(c.encode_utf8(&mut [0; 4])))
                    .collect(),
            ),
            (Some(s), Some(sep)) => Cell::List(s.split(&*sep).map(string).collect()),
            _ => return Err(wrong("two strings")),
        },
        Fun::Reverse => match (&first, list_items(&first)) {
            (Cell::Value(Value::Str(s)), _) => string(&s.chars().rev().collect::<String>()),
            (_, Some(mut items)) => {
                items.reverse();
                Cell::List(items)
            }
            _ => return Err(wrong("a string or a list")),
        },
        Fun::ToString => match &first {
            Cell::Value(Value::Str(_)) => first.clone(),
            Cell::Value(Value::Int(i)) => string(&i.to_string()),
            Cell::Value(Value::Float(x)) => string(&float_text(*x)),
            Cell::Value(Value::Bool(b)) => string(&b.to_string()),
            _ => return Err(wrong("a string, a number or a boolean")),
        },
        Fun::ToInteger => match &first {
            Cell::Value(Value::Int(_)) => first.clone(),
            Cell::Value(Value::Float(x)) => {
                if x.is_finite() && x.abs() < 9.2e18 {
                    Cell::Value(Value::Int(x.trunc() as i64))
                } else {
                    Cell::NULL
                }
            }
            Cell::Value(Value::Bool(b)) => Cell::Value(Value::Int(i64::from(*b))),
            Cell::Value(Value::Str(s)) => {
                let t = s.trim();
                match t.parse::<i64>() {
                    Ok(i) => Cell::Value(Value::Int(i)),
                    Err(_) => match t.parse::<f64>() {
                        Ok(x) if x.is_finite() && x.abs() < 9.2e18 => {
                            Cell::Value(Value::Int(x.trunc() as i64))
                        }
                        _ => Cell::NULL,
                    },
                }
            }
            _ => return Err(wrong("a string, a number or a boolean")),
        },
        Fun::ToFloat => match &first {
            Cell::Value(Value::Float(_)) => first.clone(),
            Cell::Value(Value::Int(i)) => Cell::Value(Value::Float(*i as f64)),
            Cell::Value(Value::Str(s)) => s
                .trim()
                .parse::<f64>()
                .map_or(Cell::NULL, |x| Cell::Value(Value::Float(x))),
            _ => return Err(wrong("a string or a number")),
        },
        Fun::ToBoolean => match &first {
            Cell::Value(Value::Bool(_)) => first.clone(),
            Cell::Value(Value::Str(s)) => match s.trim().to_ascii_lowercase().as_str() {
                "true" => Cell::Value(Value::Bool(true)),
                "false" => Cell::Value(Value::Bool(false)),
                _ => Cell::NULL,
            },
            Cell::Value(Value::Int(i)) => Cell::Value(Value::Bool(*i != 0)),
            _ => return Err(wrong("a string, an integer or a boolean")),
        },
        Fun::Head | Fun::Last | Fun::Tail => {
            let items = list_items(&first).ok_or_else(|| wrong("a list"))?;
            match f {
                Fun::Head => items.first().cloned().unwrap_or(Cell::NULL),
                Fun::Last => items.last().cloned().unwrap_or(Cell::NULL),
                _ => Cell::List(items.into_iter().skip(1).collect()),
            }
        }
        Fun::Range => {
            let (Some(a), Some(b)) = (int(&first), int(&args[1])) else {
                return Err(wrong("integers"));
            };
            let step = match args.get(2) {
                Some(s) => int(s).ok_or_else(|| wrong("an integer step"))?,
                None => 1,
            };
            if step == 0 {
                return Err(Diagnostic::new("E0307", "range() with a step of 0")
                    .at(span)
                    .expected("a non-zero step"));
            }
            let count = if (step > 0 && a > b) || (step < 0 && a < b) {
                0
            } else {
                ((b as i128 - a as i128) / step as i128 + 1) as u64
            };
            cx.work
                .charge(count)
                .map_err(|e| super::interrupted(e, span))?;
            // The budget bounds the loop; a huge budget must not make a huge allocation up front.
            let mut out = Vec::with_capacity(count.min(1 << 16) as usize);
            let mut x = a as i128;
            for _ in 0..count {
                out.push(Cell::Value(Value::Int(x as i64)));
                x += step as i128;
            }
            Cell::List(out)
        }
        Fun::Labels => match &first {
            Cell::Node(n) => {
                let kind = g.node_kind_name(*n);
                Cell::List(if kind.is_empty() {
                    Vec::new()
                } else {
                    vec![string(kind)]
                })
            }
            _ => return Err(wrong("a node")),
        },
        Fun::Keys | Fun::Properties => match &first {
            Cell::Node(_) | Cell::Edge(_) | Cell::Map(_) => {
                let props = properties(g, &first);
                if matches!(f, Fun::Keys) {
                    Cell::List(props.into_iter().map(|(k, _)| string(&k)).collect())
                } else {
                    Cell::Map(props.into_iter().filter(|(_, v)| !v.is_null()).collect())
                }
            }
            _ => return Err(wrong("a node, an edge or a map")),
        },
        Fun::Relationships => match &first {
            Cell::Path(p) => Cell::List(p.edges.iter().map(|e| Cell::Edge(*e)).collect()),
            _ => return Err(wrong("a path")),
        },
        Fun::StartNode | Fun::EndNode => match &first {
            Cell::Edge(e) => {
                let (a, b) = g.edge_ends(*e);
                Cell::Node(if matches!(f, Fun::StartNode) { a } else { b })
            }
            _ => return Err(wrong("an edge")),
        },
        Fun::Sign => match &first {
            Cell::Value(Value::Int(i)) => Cell::Value(Value::Int(i.signum())),
            Cell::Value(Value::Float(x)) => Cell::Value(Value::Int(if *x > 0.0 {
                1
            } else if *x < 0.0 {
                -1
            } else {
                0
            })),
            _ => return Err(wrong("a number")),
        },
        Fun::Ceil | Fun::Floor | Fun::Sqrt | Fun::Exp | Fun::Log | Fun::Log10 | Fun::Trig(_) => {
            let x = num(&first).ok_or_else(|| wrong("a number"))?;
            Cell::Value(Value::Float(match f {
                Fun::Ceil => x.ceil(),
                Fun::Floor => x.floor(),
                Fun::Sqrt => x.sqrt(),
                Fun::Exp => x.exp(),
                Fun::Log => x.ln(),
                Fun::Log10 => x.log10(),
                Fun::Trig(t) => t(x),
                _ => return Err(overflow(span)),
            }))
        }
        Fun::Pi => Cell::Value(Value::Float(std::f64::consts::PI)),
        Fun::E => Cell::Value(Value::Float(std::f64::consts::E)),
        Fun::Rand => Cell::Value(Value::Float(next_random())),
    })
}

thread_local! {
    static RANDOM: std::cell::Cell<u64> = const { std::cell::Cell::new(0x9E37_79B9_7F4A_7C15) };
}

/// The next float of the thread's xorshift64* sequence, in [0, 1).
fn next_random() -> f64 {
    RANDOM.with(|r| {
        let mut x = r.get();
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        r.set(x);
        (x.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 11) as f64 / (1u64 << 53) as f64
    })
}

/// A float as Cypher prints it: always with a `.` or an exponent.
pub fn float_text(x: f64) -> String {
    if x.is_nan() {
        return "NaN".into();
    }
    if x.is_infinite() {
        return if x > 0.0 {
            "Infinity".into()
        } else {
            "-Infinity".into()
        };
    }
    let t = format!("{x:?}");
    t
}
