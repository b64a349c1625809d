//! The pest grammar (`grammar/fql.pest`) and the words for its rules.
//!
//! Error messages never show rule names: [`words`] says each in words, and
//! the exhaustive `match` makes a new rule fail to compile until it has some.

use pest::pratt_parser::{Assoc, Op, PrattParser};
use pest_derive::Parser;
use std::sync::LazyLock;

/// The generated parser for `grammar/fql.pest`.
#[derive(Parser)]
#[grammar = "grammar/fql.pest"]
pub(crate) struct FqlParser;

/// Operator precedence, loosest first (spec: or, xor, and, not, comparison,
/// additive, multiplicative, unary minus, property access).
pub(crate) static PRATT: LazyLock<PrattParser<Rule>> = LazyLock::new(|| {
    let left = |rule| Op::infix(rule, Assoc::Left);
    PrattParser::new()
        .op(left(Rule::op_or))
        .op(left(Rule::op_xor))
        .op(left(Rule::op_and))
        .op(Op::prefix(Rule::op_not))
        // Cypher's table: comparisons bind looser than the string, list
        // and null predicates (`a = b in c` is `a = (b in c)`).
        .op(left(Rule::op_eq)
            | left(Rule::op_ne)
            | left(Rule::op_lt)
            | left(Rule::op_le)
            | left(Rule::op_gt)
            | left(Rule::op_ge))
        .op(left(Rule::op_regex)
            | left(Rule::op_in)
            | left(Rule::op_starts_with)
            | left(Rule::op_ends_with)
            | left(Rule::op_contains)
            | Op::postfix(Rule::is_null))
        .op(left(Rule::op_add) | left(Rule::op_sub))
        .op(left(Rule::op_mul) | left(Rule::op_div) | left(Rule::op_mod))
        .op(left(Rule::op_pow))
        .op(Op::prefix(Rule::op_neg))
        .op(Op::postfix(Rule::prop_access)
            | Op::postfix(Rule::index_op)
            | Op::postfix(Rule::label_test))
});

/// What a rule is, in words, for "expected ..." in syntax errors.
pub(crate) fn words(rule: Rule) -> &'static str {
    use Rule::*;
    match rule {
        EOI => "the end of the statement",
        statement_input | statement => {
            static STATEMENT: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
                format!("a statement ({})", super::vocab::statement_list())
            });
            &STATEMENT
        }
        match_stmt | kw_match => "`match`",
        where_clause | inline_where | kw_where => "`where`",
        return_clause | kw_return => "`return`",
        return_item | order_key | expr | operand | primary => "an expression",
        order_clause | kw_order => "`order by`",
        skip_clause | kw_skip => "`skip`",
        limit_clause | kw_limit => "`limit`",
        row_count => "an integer or a `$parameter`",
        pattern => "a pattern `(...)`",
        node_pattern => "a node pattern `(...)`",
        kind_alts => "a kind",
        prop_map => "a property map `{...}`",
        prop_entry => "a property `key: value`",
        edge | edge_in | edge_out | edge_either | edge_both => {
            "an edge (`-->`, `<--`, `--`, `-[...]->`)"
        }
        edge_spec => "an edge pattern",
        type_alts => "an edge type",
        quant => "a quantifier (`*`, `*N`, `*N..M`)",
        infix => "an operator",
        prefix => "`not` or `-`",
        postfix => "`.property`, `is null`",
        op_or => "`or`",
        op_xor => "`xor`",
        op_and | kw_and => "`and`",
        op_regex => "`=~`",
        op_ne => "`<>`",
        op_le => "`<=`",
        op_ge => "`>=`",
        op_lt => "`<`",
        op_gt => "`>`",
        op_eq | eq_sign => "`=`",
        op_in => "`in`",
        op_starts_with | kw_starts => "`starts with`",
        op_ends_with | kw_ends => "`ends with`",
        op_contains => "`contains`",
        op_add => "`+`",
        op_sub | op_neg => "`-`",
        op_mul | star => "`*`",
        op_div => "`/`",
        op_mod => "`%`",
        op_not | kw_not => "`not`",
        prop_access | dot => "`.property`",
        is_null | kw_is => "`is null`",
        paren_expr | lparen => "`(`",
        list => "a list `[...]`",
        count_star => "`count(*)`",
        call => "a function call",
        var | word | var_name => "a name",
        func_name => "a function name",
        literal => "a literal",
        number | number_text => "a number",
        string => "a string",
        param => "a parameter `$name`",
        nodeset => {
            "a node set (a \"name\", a `$parameter`, a node pattern `(...)` or `members of ...`)"
        }
        members_of | kw_members => "`members of`",
        path_stmt | kw_path => "`path`",
        path_mode => "`shortest`, `all` or `k N`",
        path_option => "`via`, `max`, `undirected` or `weighted`",
        loss_option => "`via`, `depth`, `top`, `by` or `excluding members`",
        max_clause | kw_max => "`max`",
        weighted_clause | kw_weighted => "`weighted`",
        via_clause | kw_via => "`via`",
        depth_clause | kw_depth => "`depth`",
        top_clause | kw_top => "`top`",
        count => "a non-negative integer",
        upstream_stmt | kw_upstream => "`upstream`",
        downstream_stmt | kw_downstream => "`downstream`",
        exposure_stmt | kw_exposure => "`exposure`",
        chokepoints_stmt | kw_chokepoints => "`chokepoints`",
        impact_stmt | kw_impact => "`impact`",
        shock_ref => "a shock (a node set or a scenario's name)",
        by_scope => "`by territory` or `by jurisdiction`",
        by_share => "`by share`",
        excluding_clause | kw_excluding => "`excluding members`",
        kinds_clause | kw_kinds => "`kinds`",
        kw_on => "`on`",
        kw_territory => "`territory`",
        kw_jurisdiction => "`jurisdiction`",
        kw_share => "`share`",
        shock_op | kw_shock => "`shock`",
        policy_op | kw_policy => "`policy`",
        risk_op | kw_risk => "`risk`",
        kw_substituting => "`substituting`",
        scenario_stmt | kw_scenario => "`scenario`",
        scenario_op => {
            "a scenario operation (`remove`, `shock`, `cut`, `decouple`, `policy`, `risk` or an earlier scenario's name)"
        }
        remove_op | kw_remove => "`remove`",
        cut_op | kw_cut => "`cut`",
        decouple_op | kw_decouple => "`decouple`",
        with_stmt | kw_with => "`with`",
        compare_stmt | kw_compare => "`compare`",
        at_stmt | kw_at => "`at`",
        compare_at_stmt => "`compare at`",
        changes_stmt | kw_changes => "`changes`",
        kw_between => "`between`",
        show_ended | kw_ended => "`with ended`",
        date_value | date_lit => "a date (YYYY, YYYY-MM or YYYY-MM-DD)",
        show_stmt | kw_show => "`show`",
        schema_stmt | kw_schema => "`schema`",
        stats_stmt | kw_stats => "`stats`",
        export_stmt | kw_export => "`export`",
        export_format => "an export format (dot, json, graphml, svg, png, html, chart)",
        clusters => "`with clusters`",
        export_option => "`with clusters`, `layout` or `labels`",
        export_layout | kw_layout => "`layout dot|sfdp|neato`",
        export_labels | kw_labels => "`labels on|off`",
        rparen => "`)`",
        lbracket => "`[`",
        rbracket => "`]`",
        lbrace => "`{`",
        rbrace => "`}`",
        comma => "`,`",
        colon => "`:`",
        bar => "`|`",
        arrow => "`->`",
        dash => "`-`",
        kw_distinct => "`distinct`",
        kw_as => "`as`",
        kw_by => "`by`",
        kw_asc => "`asc`",
        kw_desc => "`desc`",
        kw_null => "`null`",
        kw_true => "`true`",
        kw_false => "`false`",
        kw_count => "`count`",
        kw_of => "`of`",
        kw_shortest => "`shortest`",
        kw_all => "`all`",
        kw_k => "`k`",
        kw_from => "`from`",
        kw_to => "`to`",
        kw_undirected => "`undirected`",
        kw_clusters => "`clusters`",
        kw_dot => "`dot`",
        kw_json => "`json`",
        kw_graphml => "`graphml`",
        kw_svg => "`svg`",
        kw_png => "`png`",
        kw_html => "`html`",
        kw_chart => "`chart`",
        // Silent rules: pest never reports them, but every rule has words.
        WHITESPACE | line_comment => "whitespace",
        ident_char | ident_body => "a name",
        quoted_ident => "a backquoted name",
        reserved => "a keyword",
        infix_start => "an operator",
        cypher_stmt | single_query | cypher_clause => "a query",
        union_clause | kw_union => "`union`",
        match_clause => "`match`",
        kw_optional => "`optional match`",
        unwind_clause | kw_unwind => "`unwind`",
        with_clause => "`with`",
        return_star => "`*`",
        op_pow => "`^`",
        index_op => "a subscript `[...]`",
        slice_range | range_dots => "`..`",
        slice_from | slice_to | comp_where | comp_map => "an expression",
        label_test => "a label `:Kind`",
        case_expr | kw_case => "`case`",
        case_when | kw_when => "`when`",
        kw_then => "`then`",
        case_else | kw_else => "`else`",
        kw_end => "`end`",
        list_comp => "a list comprehension",
        pattern_comp | comp_pattern => "a pattern comprehension `[(a)-->(b) | b]`",
        quantifier => "a quantifier (`all`, `any`, `none`, `single`)",
        kw_any => "`any`",
        kw_none => "`none`",
        kw_single => "`single`",
        pattern_pred => "a pattern `(a)-->(b)`",
    }
}
