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
        "exposure of NODESET to NODESET [via TYPES] [depth N] [top K]\n  direct and total exposure (share-weighted), with the path that explains most of it\n  example: exposure of \"NVIDIA\" to \"Taiwan\"\n  example: exposure of (f:Firm) to \"China\" top 10\n",
    ),
    (
        "chokepoints",
        "chokepoints of NODESET [via TYPES] [top K]   upstream nodes scored by the set's exposure to each alone\n  example: chokepoints of \"Microsoft\" top 10\n",
    ),
    (
        "scenario",
        "scenario NAME = remove NODESET | cut NODESET from NODESET | decouple NODESET and NODESET | OTHER_SCENARIO, ...\n  example: scenario decoupling = decouple \"United States\" and \"China\"\n",
    ),
    (
        "with",
        "with SCENARIO: STATEMENT   run a statement on the scenario's view of the graph\n  example: with decoupling: upstream of \"Huawei\" depth 2\n",
    ),
    (
        "compare",
        "compare SCENARIO: exposure ...   columns node, before, after, delta\n  example: compare decoupling: exposure of (f:Firm) to \"China\" top 10\n",
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
        "export dot|json|graphml|svg|png \"FILE\" [with clusters] [from STATEMENT]\n  example: export dot \"nvidia.dot\" from upstream of \"NVIDIA\" depth 2\n",
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
    #[test]
    fn every_statement_has_a_topic_in_the_vocabulary_s_order() {
        let topics: Vec<&str> = super::topics().collect();
        assert_eq!(
            &topics[..crate::syntax::vocab::STATEMENTS.len()],
            crate::syntax::vocab::STATEMENTS
        );
    }
}
