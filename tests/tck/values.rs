//! The TCK's value notation (expected results, parameters, `CREATE`
//! properties): Cypher literals plus nodes `(:A {k: 1})`, relationships
//! `[:T {k: 1}]` and paths `<(:A)-[:T]->(:B)>`.

use std::collections::{BTreeMap, BTreeSet};

/// A value as the TCK writes it.
#[derive(Clone, Debug)]
pub enum Val {
    /// `null`
    Null,
    /// `true` / `false`
    Bool(bool),
    /// An integer.
    Int(i64),
    /// A float (`NaN`, `Inf` included).
    Float(f64),
    /// `'text'`
    Str(String),
    /// `[a, b]`
    List(Vec<Val>),
    /// `{k: v}`
    Map(BTreeMap<String, Val>),
    /// `(:A:B {k: v})`
    Node(Elem),
    /// `[:T {k: v}]`
    Rel(Elem),
    /// `<(a)-[r]->(b)...>`: the first node, then (relationship, forward, node) steps.
    Path(Box<Elem>, Vec<(Elem, bool, Elem)>),
}

/// A node or relationship: labels (or the one type) and properties.
#[derive(Clone, Debug)]
pub struct Elem {
    /// Labels of a node, or the type of a relationship.
    pub labels: BTreeSet<String>,
    /// Properties.
    pub props: BTreeMap<String, Val>,
}

/// Equality as the TCK compares results: floats by value (NaN equals
/// NaN), ints and floats never equal; lists in order unless `bag_lists`.
pub fn same(a: &Val, b: &Val, bag_lists: bool) -> bool {
    match (a, b) {
        (Val::Null, Val::Null) => true,
        (Val::Bool(x), Val::Bool(y)) => x == y,
        (Val::Int(x), Val::Int(y)) => x == y,
        (Val::Float(x), Val::Float(y)) => {
            (x.is_nan() && y.is_nan()) || x == y || ((x - y).abs() <= 1e-12 * x.abs().max(y.abs()))
        }
        (Val::Str(x), Val::Str(y)) => x == y,
        (Val::List(x), Val::List(y)) => {
            if x.len() != y.len() {
                return false;
            }
            if !bag_lists {
                return x.iter().zip(y).all(|(p, q)| same(p, q, bag_lists));
            }
            let mut used = vec![false; y.len()];
            x.iter().all(|p| {
                let hit = y
                    .iter()
                    .enumerate()
                    .position(|(j, q)| !used[j] && same(p, q, bag_lists));
                hit.map(|j| used[j] = true).is_some()
            })
        }
        (Val::Map(x), Val::Map(y)) => same_map(x, y, bag_lists),
        (Val::Node(x), Val::Node(y)) | (Val::Rel(x), Val::Rel(y)) => same_elem(x, y, bag_lists),
        (Val::Path(s, x), Val::Path(t, y)) => {
            same_elem(s, t, bag_lists)
                && x.len() == y.len()
                && x.iter().zip(y).all(|((r, f, n), (q, g, m))| {
                    f == g && same_elem(r, q, bag_lists) && same_elem(n, m, bag_lists)
                })
        }
        _ => false,
    }
}

fn same_map(x: &BTreeMap<String, Val>, y: &BTreeMap<String, Val>, bag: bool) -> bool {
    x.len() == y.len()
        && x.iter()
            .zip(y)
            .all(|((k, v), (l, w))| k == l && same(v, w, bag))
}

fn same_elem(x: &Elem, y: &Elem, bag: bool) -> bool {
    x.labels == y.labels && same_map(&x.props, &y.props, bag)
}

/// Parses one value; the whole text must be used.
pub fn parse(text: &str) -> Result<Val, String> {
    let mut p = Parser {
        s: text.as_bytes(),
        text,
        i: 0,
    };
    let v = p.value()?;
    p.ws();
    if p.i != p.s.len() {
        return Err(format!("trailing text in value `{text}` at {}", p.i));
    }
    Ok(v)
}

/// A cursor over value text (also used by the `CREATE` reader).
pub struct Parser<'a> {
    /// The bytes.
    pub s: &'a [u8],
    /// The text.
    pub text: &'a str,
    /// The position.
    pub i: usize,
}

impl Parser<'_> {
    /// Skips whitespace.
    pub fn ws(&mut self) {
        loop {
            while self.i < self.s.len() && self.s[self.i].is_ascii_whitespace() {
                self.i += 1;
            }
            if self.s[self.i..].starts_with(b"//") {
                while self.i < self.s.len() && self.s[self.i] != b'\n' {
                    self.i += 1;
                }
            } else {
                return;
            }
        }
    }

    /// The next byte after whitespace.
    pub fn peek(&mut self) -> Option<u8> {
        self.ws();
        self.s.get(self.i).copied()
    }

    /// Consumes `c` (after whitespace) or fails.
    pub fn eat(&mut self, c: u8) -> Result<(), String> {
        if self.peek() == Some(c) {
            self.i += 1;
            Ok(())
        } else {
            Err(format!(
                "expected `{}` at {} in `{}`",
                c as char, self.i, self.text
            ))
        }
    }

    /// Whether the rest starts with `w` (case-insensitively) as a word.
    pub fn word_is(&mut self, w: &str) -> bool {
        self.ws();
        let end = self.i + w.len();
        end <= self.s.len()
            && self.text[self.i..end].eq_ignore_ascii_case(w)
            && !self
                .s
                .get(end)
                .is_some_and(|c| c.is_ascii_alphanumeric() || *c == b'_')
    }

    /// A name (plain or backquoted).
    pub fn name(&mut self) -> Result<String, String> {
        self.ws();
        if self.s.get(self.i) == Some(&b'`') {
            let start = self.i + 1;
            let end = self.text[start..].find('`').ok_or("unclosed backquote")? + start;
            self.i = end + 1;
            return Ok(self.text[start..end].to_string());
        }
        let start = self.i;
        while self.i < self.s.len()
            && (self.s[self.i].is_ascii_alphanumeric() || self.s[self.i] == b'_')
        {
            self.i += 1;
        }
        if start == self.i {
            return Err(format!("expected a name at {} in `{}`", start, self.text));
        }
        Ok(self.text[start..self.i].to_string())
    }

    /// A `{k: v, ...}` map.
    pub fn map(&mut self) -> Result<BTreeMap<String, Val>, String> {
        self.eat(b'{')?;
        let mut m = BTreeMap::new();
        if self.peek() == Some(b'}') {
            self.i += 1;
            return Ok(m);
        }
        loop {
            let k = self.name()?;
            self.eat(b':')?;
            let v = self.value()?;
            m.insert(k, v);
            match self.peek() {
                Some(b',') => self.i += 1,
                _ => break,
            }
        }
        self.eat(b'}')?;
        Ok(m)
    }

    fn labels(&mut self) -> Result<BTreeSet<String>, String> {
        let mut out = BTreeSet::new();
        while self.peek() == Some(b':') {
            self.i += 1;
            out.insert(self.name()?);
        }
        Ok(out)
    }

    fn node(&mut self) -> Result<Elem, String> {
        self.eat(b'(')?;
        let labels = self.labels()?;
        let props = if self.peek() == Some(b'{') {
            self.map()?
        } else {
            BTreeMap::new()
        };
        self.eat(b')')?;
        Ok(Elem { labels, props })
    }

    fn rel(&mut self) -> Result<Elem, String> {
        self.eat(b'[')?;
        let labels = self.labels()?;
        let props = if self.peek() == Some(b'{') {
            self.map()?
        } else {
            BTreeMap::new()
        };
        self.eat(b']')?;
        Ok(Elem { labels, props })
    }

    fn string(&mut self) -> Result<String, String> {
        let q = self.s[self.i];
        self.i += 1;
        let mut out = String::new();
        let rest = &self.text[self.i..];
        let mut chars = rest.char_indices();
        while let Some((k, c)) = chars.next() {
            if c == q as char {
                self.i += k + 1;
                return Ok(out);
            }
            if c == '\\' {
                match chars.next() {
                    Some((_, 'n')) => out.push('\n'),
                    Some((_, 't')) => out.push('\t'),
                    Some((_, 'r')) => out.push('\r'),
                    Some((_, 'b')) => out.push('\u{8}'),
                    Some((_, 'f')) => out.push('\u{c}'),
                    Some((_, 'u')) => {
                        let hex: String =
                            (0..4).filter_map(|_| chars.next().map(|x| x.1)).collect();
                        let code = u32::from_str_radix(&hex, 16).map_err(|e| e.to_string())?;
                        out.push(char::from_u32(code).ok_or("bad \\u escape")?);
                    }
                    Some((_, o)) => out.push(o),
                    None => break,
                }
            } else {
                out.push(c);
            }
        }
        Err(format!("unclosed string in `{}`", self.text))
    }

    fn number(&mut self) -> Result<Val, String> {
        let start = self.i;
        if self.s[self.i] == b'-' || self.s[self.i] == b'+' {
            self.i += 1;
        }
        let rest = &self.text[self.i..];
        for (w, v) in [
            ("NaN", f64::NAN),
            ("Infinity", f64::INFINITY),
            ("Inf", f64::INFINITY),
        ] {
            if rest.starts_with(w) {
                self.i += w.len();
                let neg = self.s[start] == b'-';
                return Ok(Val::Float(if neg { -v } else { v }));
            }
        }
        let mut float = false;
        while self.i < self.s.len() {
            let c = self.s[self.i];
            if c.is_ascii_digit() {
                self.i += 1;
            } else if c == b'.' && self.s.get(self.i + 1).is_some_and(u8::is_ascii_digit) {
                float = true;
                self.i += 1;
            } else if (c == b'e' || c == b'E') && self.i > start {
                float = true;
                self.i += 1;
                if matches!(self.s.get(self.i), Some(b'-' | b'+')) {
                    self.i += 1;
                }
            } else {
                break;
            }
        }
        let t = &self.text[start..self.i];
        if float {
            t.parse::<f64>()
                .map(Val::Float)
                .map_err(|e| format!("{t}: {e}"))
        } else {
            t.parse::<i64>()
                .map(Val::Int)
                .map_err(|e| format!("{t}: {e}"))
        }
    }

    /// One value.
    pub fn value(&mut self) -> Result<Val, String> {
        match self.peek().ok_or("empty value")? {
            b'\'' | b'"' => Ok(Val::Str(self.string()?)),
            b'{' => Ok(Val::Map(self.map()?)),
            b'(' => Ok(Val::Node(self.node()?)),
            b'<' => {
                self.i += 1;
                let first = self.node()?;
                let mut steps = Vec::new();
                while self.peek() != Some(b'>') {
                    let back = self.peek() == Some(b'<');
                    if back {
                        self.i += 1;
                    }
                    self.eat(b'-')?;
                    let r = self.rel()?;
                    self.eat(b'-')?;
                    let fwd = !back;
                    if fwd {
                        self.eat(b'>')?;
                    }
                    steps.push((r, fwd, self.node()?));
                }
                self.i += 1;
                Ok(Val::Path(Box::new(first), steps))
            }
            b'[' => {
                let save = self.i;
                self.i += 1;
                if self.peek() == Some(b':') {
                    self.i = save;
                    return Ok(Val::Rel(self.rel()?));
                }
                let mut items = Vec::new();
                if self.peek() == Some(b']') {
                    self.i += 1;
                    return Ok(Val::List(items));
                }
                loop {
                    items.push(self.value()?);
                    match self.peek() {
                        Some(b',') => self.i += 1,
                        _ => break,
                    }
                }
                self.eat(b']')?;
                Ok(Val::List(items))
            }
            c if c.is_ascii_digit() || c == b'-' || c == b'+' || c == b'N' || c == b'I' => {
                if self.word_is("null") {
                    self.i += 4;
                    return Ok(Val::Null);
                }
                self.number()
            }
            _ => {
                for (w, v) in [
                    ("null", Val::Null),
                    ("true", Val::Bool(true)),
                    ("false", Val::Bool(false)),
                ] {
                    if self.word_is(w) {
                        self.i += w.len();
                        return Ok(v);
                    }
                }
                Err(format!("unknown value at {} in `{}`", self.i, self.text))
            }
        }
    }
}
