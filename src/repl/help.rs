//! `:help` texts: an overview, and one topic per statement with an example
//! that runs on the bundled graph.

const TOPICS: &[(&str, &str)] = &[
    (
        "match",
        "match PATTERN [, PATTERN] [where EXPR] return [distinct] ITEM [as NAME], ... [order by EXPR [desc]] [skip N] [limit N]\n  Graph patterns in ASCII art: (n:Kind {prop: value}) -[r:TYPE*1..3]-> (m)\n  example: match (f:Firm)-[:LOCATED_IN]->(n:Nation {name: \"Taiwan\"}) return f.name order by f.name\n  example: match (f:Firm)-[:LOCATED_IN]->(n:Nation) return n.name, count(*) as firms order by firms desc limit 5\n",
    ),
    (
        "path",
        "path [shortest|all|k N] from NODESET to NODESET [via TYPES] [max N] [undirected] [weighted [by PROP]]\n  example: path from \"NVIDIA\" to \"Taiwan\"\n  example: path all from \"NVIDIA\" to \"ASML\" max 3\n",
    ),
    (
        "upstream",
        "upstream of NODESET [via TYPES] [depth N]   what the set depends on, with the fewest-arc depth\n  example: upstream of \"NVIDIA\" depth 2\n",
    ),
    (
        "downstream",
        "downstream of NODESET [via TYPES] [depth N]   what depends on the set\n  example: downstream of \"ASML\" depth 2\n",
    ),
    (
        "exposure",
        "exposure of NODESET to SHOCK [by territory|jurisdiction] [by share] [via TYPES] [depth N] [excluding members] [top K]\n  (also: impact of SHOCK on NODESET ...; SHOCK: a node set, a risk, a policy or a scenario)\n  loss: the fraction of each node's output that stops. Sources of one input are share-weighted\n  (a lost share is not made up); requirements (mode = \"requirement\") are all needed, the worst\n  one decides (times its `essential`); an `input` sourcing replaces that input's market sources.\n  The shock hits its closure by territory (where things are made; the default) or jurisdiction\n  (who controls them). direct: after one round; unknown: what rests on silent data (shares\n  short of 1, suppliers missing); path: the heaviest walk to the shock, membership chain included.\n  example: exposure of \"NVIDIA\" to \"Taiwan\"\n  example: impact of \"Taiwan\" on (f:Firm) excluding members top 10\n",
    ),
    (
        "impact",
        "impact of SHOCK on NODESET [by ...] [via TYPES] [depth N] [excluding members] [top K]\n  the same numbers as exposure of NODESET to SHOCK (see :help exposure)\n  example: impact of \"Taiwan\" on (f:Firm) excluding members top 10\n",
    ),
    (
        "chokepoints",
        "chokepoints of NODESET [by territory|jurisdiction] [via TYPES] [kinds K1, K2] [weighted by PROP] [excluding members] [top K]\n  every node the set depends on, and every nation or bloc holding one, scored by the set's mean loss when it fails\n  excluding members: leave out the set's own nodes and the nations and blocs it is wholly inside\n  example: chokepoints of \"Microsoft\" kinds Firm, Technology top 10\n",
    ),
    (
        "scenario",
        "scenario NAME = remove NODESET | shock NODESET by F | cut NODESET from NODESET [by ...] | decouple NODESET and NODESET [by ...] | policy P | risk R | OTHER_SCENARIO, ...\n  a shock: lost supply stays lost; cuts follow supply through nodes of no nation\n  example: scenario decoupling = decouple \"United States\" and \"China\"\n  example: impact of decoupling on (f:Firm) top 10\n",
    ),
    (
        "with",
        "with SCENARIO [substituting]: STATEMENT   add the scenario's shock (substituting: others make up for what it removes)\n  example: with decoupling: exposure of \"Huawei\" to \"Taiwan\"\n",
    ),
    (
        "compare",
        "compare SCENARIO [substituting]: exposure ... | impact ... | chokepoints ...   columns node, before, after, delta\n  example: compare decoupling: exposure of (f:Firm) to \"Taiwan\" top 10\n",
    ),
    (
        "at",
        "at DATE: STATEMENT   the statement sees the graph as it stood on DATE (YYYY, YYYY-MM, YYYY-MM-DD; also --at DATE and :at DATE)\n  example: at 2020-01-01: upstream of \"Huawei\" depth 2\n",
    ),
    (
        "changes",
        "changes between DATE1 and DATE2 [of NODESET]   what started or ended between the dates, in date order, with sources\n  compare at DATE1 and DATE2: exposure ... | impact ... | chokepoints ...   before, after, delta\n  example: changes between 2024-01-01 and 2025-01-01 of \"China\"\n  example: compare at 2020-01-01 and 2021-01-01: exposure of \"HiSilicon\" to \"Taiwan\"\n",
    ),
    (
        "show",
        "show NODESET   a card per node: kind, properties, edges grouped by type\n  example: show \"TSMC\"\n",
    ),
    (
        "schema",
        "schema   kinds, edge types, roles, directions and counts\n",
    ),
    ("stats", "stats   node and edge counts by kind and type\n"),
    (
        "export",
        "export dot|json|graphml|svg|png|html|chart \"FILE\" [with clusters] [with ended] [layout dot|sfdp|neato] [labels on|off] [from STATEMENT]
  example: export dot \"nvidia.dot\" from upstream of \"NVIDIA\" depth 2
  example: export html \"nvidia.html\" from upstream of \"NVIDIA\" depth 2
  example: export chart \"chokepoints.svg\" from chokepoints of \"NVIDIA\" top 10
",
    ),
    (
        "nodeset",
        "NODESET: \"TSMC\" (id, then name, then alias, case-insensitive) | (f:Firm {prop: v} where f.x > 1) | members of NODESET\n",
    ),
];

/// Topic names for completion.
pub fn topics() -> impl Iterator<Item = &'static str> {
    TOPICS.iter().map(|(t, _)| *t)
}

/// The help text for a topic, or the overview.
pub fn help(topic: &str) -> String {
    let topic = topic.trim().trim_start_matches(':').to_lowercase();
    if let Some((_, text)) = TOPICS.iter().find(|(t, _)| *t == topic) {
        return text.to_string();
    }
    let mut out = String::new();
    if !topic.is_empty() {
        out.push_str(&format!("no help on `{topic}`\n\n"));
    }
    out.push_str("Statements end with `;` (a complete single line runs on Enter). Topics: ");
    out.push_str(&topics().collect::<Vec<_>>().join(", "));
    out.push_str(" (:help TOPIC)\n\n");
    for (_, text) in TOPICS {
        if let Some(first) = text.lines().next() {
            out.push_str("  ");
            out.push_str(first);
            out.push('\n');
        }
    }
    out.push_str("\nCommands:\n");
    for (_, line) in super::meta::COMMANDS {
        out.push_str("  ");
        out.push_str(line);
        out.push('\n');
    }
    out.push_str("\nKeys: Tab completes, Ctrl-R searches history, Ctrl-C cancels (or clears the line), Ctrl-D leaves.\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::{LoadOptions, bundled_data_dir, load};
    use crate::session::Session;

    /// Every `example:` in `:help` runs as written on the bundled graph, in
    /// the order the topics list them (the `scenario` example defines what
    /// `with` and `compare` use); export examples write into a temp dir.
    #[test]
    fn every_help_example_runs_on_the_bundled_graph() {
        let dir = tempfile::tempdir().expect("temp dir");
        let g = load(&[bundled_data_dir()], &LoadOptions::default())
            .expect("the bundled graph loads")
            .graph;
        let mut s = Session::new(g);
        let mut ran = 0;
        let mut exported = 0;
        for (topic, text) in TOPICS {
            for line in text.lines() {
                let Some(example) = line.trim().strip_prefix("example: ") else {
                    continue;
                };
                // `export FORMAT "FILE"`: the file goes into the temp dir.
                let target = example
                    .strip_prefix("export ")
                    .and_then(|r| r.split_once(" \""))
                    .and_then(|(format, rest)| Some((format, rest.split_once('"')?)));
                let example = match target {
                    Some((format, (file, rest))) => {
                        format!("export {format} {:?}{rest}", dir.path().join(file))
                    }
                    None => example.to_string(),
                };
                for o in s.execute(&example, false) {
                    if let Err(d) = o.result {
                        panic!("{topic}: {}", d.render("<help>", &example));
                    }
                }
                // An export example writes its file (whole, so not empty).
                if let Some((format, (file, _))) = target {
                    let written = std::fs::read_to_string(dir.path().join(file))
                        .unwrap_or_else(|e| panic!("{topic}: {file} not written: {e}"));
                    let head = match format {
                        "dot" => "digraph",
                        "html" => "<!DOCTYPE html>",
                        "chart" => "<svg",
                        other => panic!("{topic}: check the {other} example's file here"),
                    };
                    assert!(written.starts_with(head), "{topic}: {file}");
                    exported += 1;
                }
                ran += 1;
            }
        }
        assert!(ran >= 16, "{ran} examples");
        assert_eq!(exported, 3, "the export examples");
    }
}
