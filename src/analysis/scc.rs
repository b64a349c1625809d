//! Strongly connected components of a [`Local`] arc subgraph (iterative
//! Tarjan: no recursion, so a million-node chain cannot overflow the stack).
//! Components come out in Tarjan's completion order, which is a reverse
//! topological order of the condensation: every component comes after the
//! components its arcs lead to (providers before consumers).

use super::local::{Local, NO};
use crate::limits::{Interrupt, Work};

/// The components of a subgraph.
pub(crate) struct Sccs {
    /// Component of each local node.
    pub comp: Vec<u32>,
    /// Position of each local node within its component's member list.
    pub pos: Vec<u32>,
    members: Vec<u32>,
    start: Vec<u32>,
}

impl Sccs {
    /// The number of components.
    pub fn count(&self) -> usize {
        self.start.len() - 1
    }

    /// The members of component `c`.
    pub fn members(&self, c: usize) -> &[u32] {
        &self.members[self.start[c] as usize..self.start[c + 1] as usize]
    }

    /// Whether component `c` has a cycle (several nodes, or a self-loop).
    pub fn cyclic(&self, c: usize, l: &Local) -> bool {
        let m = self.members(c);
        m.len() > 1 || l.arcs(m[0]).any(|(v, _)| v == m[0])
    }
}

/// Tarjan's algorithm over `l`'s arcs.
pub(crate) fn sccs(l: &Local, work: &Work) -> Result<Sccs, Interrupt> {
    let n = l.len();
    // Per node [discovery index, low link, component]: one cache line per
    // neighbour looked at. On the stack = discovered and no component yet.
    let mut st = vec![[NO, 0u32, NO]; n];
    let mut stack: Vec<u32> = Vec::new();
    let mut pos = vec![0u32; n];
    let mut members = Vec::with_capacity(n);
    let mut start = vec![0u32];
    // Call frames: (node, arcs of it already looked at).
    let mut frames: Vec<(u32, usize)> = Vec::new();
    let mut counter = 0u32;
    for root in 0..n as u32 {
        if st[root as usize][0] != NO {
            continue;
        }
        frames.push((root, 0));
        st[root as usize] = [counter, counter, NO];
        counter += 1;
        stack.push(root);
        while let Some(&mut (u, ref mut next)) = frames.last_mut() {
            let ui = u as usize;
            if let Some(v) = l.nth_provider(u, *next) {
                *next += 1;
                let [vindex, _, vcomp] = st[v as usize];
                if vindex == NO {
                    st[v as usize] = [counter, counter, NO];
                    counter += 1;
                    stack.push(v);
                    frames.push((v, 0));
                } else if vcomp == NO {
                    st[ui][1] = st[ui][1].min(vindex);
                }
                continue;
            }
            work.charge(1 + l.degree(u) as u64)?;
            frames.pop();
            let [uindex, ulow, _] = st[ui];
            if ulow == uindex {
                let c = (start.len() - 1) as u32;
                let first = members.len();
                while let Some(w) = stack.pop() {
                    st[w as usize][2] = c;
                    pos[w as usize] = (members.len() - first) as u32;
                    members.push(w);
                    if w == u {
                        break;
                    }
                }
                start.push(members.len() as u32);
            }
            if let Some(&(p, _)) = frames.last() {
                let pl = &mut st[p as usize][1];
                *pl = (*pl).min(ulow);
            }
        }
    }
    let comp = st.iter().map(|s| s[2]).collect();
    Ok(Sccs {
        comp,
        pos,
        members,
        start,
    })
}

#[cfg(test)]
mod tests {
    use crate::analysis::testing::{random_edges, random_graph, whole_local};
    use petgraph::graph::{DiGraph, NodeIndex};
    use proptest::prelude::*;

    proptest! {
        /// The components are petgraph's `tarjan_scc`'s (as sets), each
        /// member's `comp` and `pos` point at it, and they come providers
        /// first: every arc stays in its component or goes to an earlier one.
        #[test]
        fn components_are_petgraphs_in_completion_order(
            n in 1usize..14,
            edges in random_edges(14, 50),
        ) {
            let (l, s) = whole_local(&random_graph(n, &edges), true);
            let mut dg = DiGraph::<(), ()>::new();
            let ids: Vec<NodeIndex> = (0..l.len()).map(|_| dg.add_node(())).collect();
            for u in 0..l.len() as u32 {
                for (v, _) in l.arcs(u) {
                    dg.add_edge(ids[u as usize], ids[v as usize], ());
                }
            }
            let mut want: Vec<Vec<u32>> = petgraph::algo::tarjan_scc(&dg)
                .into_iter()
                .map(|c| {
                    let mut c: Vec<u32> = c.into_iter().map(|i| i.index() as u32).collect();
                    c.sort_unstable();
                    c
                })
                .collect();
            want.sort();
            let mut got: Vec<Vec<u32>> = (0..s.count())
                .map(|c| {
                    for (p, &u) in s.members(c).iter().enumerate() {
                        assert_eq!((s.comp[u as usize] as usize, s.pos[u as usize] as usize), (c, p));
                    }
                    let mut m = s.members(c).to_vec();
                    m.sort_unstable();
                    m
                })
                .collect();
            got.sort();
            prop_assert_eq!(got, want);
            for u in 0..l.len() as u32 {
                for (v, _) in l.arcs(u) {
                    prop_assert!(s.comp[v as usize] <= s.comp[u as usize]);
                }
            }
        }
    }
}
