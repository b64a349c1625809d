//! The part of Gherkin the openCypher TCK uses: `Feature`, `Background`,
//! `Scenario`, `Scenario Outline` with `Examples`, steps, doc strings
//! (`"""`) and tables (`|`). Line-based: the TCK's files are regular.

/// One step of a scenario.
#[derive(Clone, Debug)]
pub struct Step {
    /// The step's text without its keyword (`an empty graph`).
    pub text: String,
    /// Its doc string, if any.
    pub doc: Option<String>,
    /// Its table rows (cells trimmed, `\|` unescaped), if any.
    pub table: Vec<Vec<String>>,
}

/// One runnable scenario (an outline gives one per example row).
#[derive(Clone, Debug)]
pub struct Scenario {
    /// The feature folder relative to `features/` (`clauses/match`).
    pub group: String,
    /// The feature's file stem (`Match4`).
    pub feature: String,
    /// `Match4 [3]`, or `Match4 [3] #2` for an outline's second example.
    pub id: String,
    /// The title after the number.
    pub title: String,
    /// Background steps then the scenario's own.
    pub steps: Vec<Step>,
}

fn cells(line: &str) -> Vec<String> {
    let inner = line.trim();
    let inner = inner.strip_prefix('|').unwrap_or(inner);
    let inner = inner.strip_suffix('|').unwrap_or(inner);
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut chars = inner.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            // Gherkin's table escapes: `\|`, `\\`, `\n`.
            '\\' if matches!(chars.peek(), Some('|' | '\\' | 'n')) => match chars.next() {
                Some('n') => cur.push('\n'),
                Some(c) => cur.push(c),
                None => {}
            },
            '|' => out.push(std::mem::take(&mut cur).trim().to_string()),
            _ => cur.push(c),
        }
    }
    out.push(cur.trim().to_string());
    out
}

const KEYWORDS: [&str; 5] = ["Given ", "When ", "Then ", "And ", "But "];

/// Parses the steps starting at `i` until a line that is not part of a step.
fn steps(lines: &[&str], i: &mut usize) -> Vec<Step> {
    let mut out: Vec<Step> = Vec::new();
    while *i < lines.len() {
        let line = lines[*i].trim();
        if line.is_empty() || line.starts_with('#') {
            *i += 1;
            continue;
        }
        if let Some(k) = KEYWORDS.iter().find(|k| line.starts_with(**k)) {
            out.push(Step {
                text: line[k.len()..].trim().to_string(),
                doc: None,
                table: Vec::new(),
            });
            *i += 1;
        } else if line.starts_with("\"\"\"") {
            let indent = lines[*i].find("\"\"\"").unwrap_or(0);
            *i += 1;
            let mut doc = Vec::new();
            while *i < lines.len() && !lines[*i].trim().starts_with("\"\"\"") {
                let l = lines[*i];
                let cut = l
                    .char_indices()
                    .take_while(|(p, c)| *p < indent && c.is_whitespace())
                    .count();
                doc.push(&l[cut..]);
                *i += 1;
            }
            *i += 1;
            if let Some(s) = out.last_mut() {
                s.doc = Some(doc.join("\n"));
            }
        } else if line.starts_with('|') {
            if let Some(s) = out.last_mut() {
                s.table.push(cells(line));
            }
            *i += 1;
        } else {
            break;
        }
    }
    out
}

fn substitute(text: &str, names: &[String], values: &[String]) -> String {
    let mut t = text.to_string();
    for (n, v) in names.iter().zip(values) {
        t = t.replace(&format!("<{n}>"), v);
    }
    t
}

/// Parses one feature file.
pub fn parse(group: &str, feature: &str, text: &str) -> Vec<Scenario> {
    let lines: Vec<&str> = text.lines().collect();
    let mut out = Vec::new();
    let mut background = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i].trim();
        i += 1;
        if line.starts_with("Background:") {
            background = steps(&lines, &mut i);
            continue;
        }
        let Some(head) = line
            .strip_prefix("Scenario Outline:")
            .or_else(|| line.strip_prefix("Scenario:"))
        else {
            continue;
        };
        let head = head.trim();
        let (num, title) = match head.strip_prefix('[').and_then(|h| h.split_once(']')) {
            Some((n, t)) => (n.to_string(), t.trim().to_string()),
            None => (String::new(), head.to_string()),
        };
        let own = steps(&lines, &mut i);
        let mut all = background.clone();
        all.extend(own);
        let base = format!("{feature} [{num}]");
        // Examples tables (an outline may have several).
        let mut examples: Vec<Vec<Vec<String>>> = Vec::new();
        loop {
            while i < lines.len()
                && (lines[i].trim().is_empty() || lines[i].trim().starts_with('#'))
            {
                i += 1;
            }
            if i < lines.len() && lines[i].trim().starts_with("Examples") {
                i += 1;
                let mut table = Vec::new();
                // Rows commented out with `#|` are not examples; the table goes on.
                while i < lines.len()
                    && (lines[i].trim().starts_with('|') || lines[i].trim().starts_with("#|"))
                {
                    if lines[i].trim().starts_with('|') {
                        table.push(cells(lines[i]));
                    }
                    i += 1;
                }
                examples.push(table);
            } else {
                break;
            }
        }
        if examples.is_empty() {
            out.push(Scenario {
                group: group.to_string(),
                feature: feature.to_string(),
                id: base,
                title,
                steps: all,
            });
            continue;
        }
        let mut k = 0;
        for table in examples {
            let Some((names, rows)) = table.split_first() else {
                continue;
            };
            for row in rows {
                k += 1;
                let steps = all
                    .iter()
                    .map(|s| Step {
                        text: substitute(&s.text, names, row),
                        doc: s.doc.as_ref().map(|d| substitute(d, names, row)),
                        table: s
                            .table
                            .iter()
                            .map(|r| r.iter().map(|c| substitute(c, names, row)).collect())
                            .collect(),
                    })
                    .collect();
                out.push(Scenario {
                    group: group.to_string(),
                    feature: feature.to_string(),
                    id: format!("{base} #{k}"),
                    title: title.clone(),
                    steps,
                });
            }
        }
    }
    out
}
