//! The iterative solvers against the dense LU on small random blocks.

use proptest::prelude::*;

use super::*;
use crate::analysis::block::Rows;
use crate::analysis::krylov::gmres;

/// A random block: `n` members, arcs `(from, to, weight)` scaled so each
/// row sums to `sums[from] < 1` (so the spectral radius is below 1), and a
/// right-hand side `b` with `b + A 1 ≤ 1` (so 1 is a supersolution).
fn block_strategy() -> impl Strategy<Value = (usize, Vec<(usize, usize, f64)>, Vec<f64>)> {
    (1usize..24).prop_flat_map(|n| {
        (
            Just(n),
            proptest::collection::vec((0..n, 0..n, 0.01f64..1.0), 0..6 * n),
            proptest::collection::vec(0.0f64..0.99, n),
            proptest::collection::vec(0.0f64..1.0, n),
        )
            .prop_map(|(n, raw, sums, b)| {
                let mut total = vec![0.0; n];
                for &(u, _, w) in &raw {
                    total[u] += w;
                }
                let arcs: Vec<(usize, usize, f64)> = raw
                    .iter()
                    .map(|&(u, v, w)| (u, v, w / total[u] * sums[u]))
                    .collect();
                let mut row_sum = vec![0.0; n];
                for &(u, _, w) in &arcs {
                    row_sum[u] += w;
                }
                let b = (0..n).map(|i| b[i] * (1.0 - row_sum[i]).max(0.0)).collect();
                (n, arcs, b)
            })
    })
}

/// `I - A` dense (row-major), with row `pin` replaced by the unit row.
fn dense(n: usize, arcs: &[(usize, usize, f64)], pin: Option<usize>) -> Vec<f64> {
    let mut m = vec![0.0; n * n];
    for i in 0..n {
        m[i * n + i] = 1.0;
    }
    for &(u, v, w) in arcs {
        if Some(u) != pin {
            m[u * n + v] -= w;
        }
    }
    m
}

fn rows_of(flow: bool) -> Rows {
    if flow { Rows::Flow } else { Rows::Members }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    /// The bracket contains the dense solution and is narrower than the
    /// tolerance, with and without a pinned row, certified or from [0, 1].
    #[test]
    fn solve_rows_brackets_the_dense_solution(
        (n, arcs, b) in block_strategy(),
        flow in any::<bool>(),
        pin in proptest::option::of(0usize..24),
        certified in any::<bool>(),
    ) {
        let work = Work::unlimited();
        let pin = pin.map(|p| p % n);
        let block = Block::from_arcs(n, &arcs, rows_of(flow));
        let mut b = b;
        if let Some(p) = pin {
            b[p] = 1.0;
        }
        let want = Lu::factor(dense(n, &arcs, pin), n).expect("I - A is regular").solve(&b);
        let steps = if certified { steps_bound(&block, &work).unwrap() } else { None };
        let x = solve_rows(&block, &block.to_rows(&b), pin.map(|p| block.row(p)), steps.as_deref(), &work).unwrap();
        let lo = block.to_members(&x.iter().map(|v| v[0]).collect::<Vec<_>>());
        let hi = block.to_members(&x.iter().map(|v| v[1]).collect::<Vec<_>>());
        for i in 0..n {
            prop_assert!(hi[i] - lo[i] < TOLERANCE, "{i}: gap {}", hi[i] - lo[i]);
            prop_assert!(lo[i] <= want[i] + 1e-12 && want[i] <= hi[i] + 1e-12, "{i}: {} not in [{}, {}]", want[i], lo[i], hi[i]);
        }
        // `bracket` is the midpoint of the same.
        if pin.is_none() {
            let mid = bracket(&block, &b, &work).unwrap();
            for i in 0..n {
                prop_assert!((mid[i] - want[i]).abs() < 1e-12, "{i}: {} vs {}", mid[i], want[i]);
            }
        }
    }

    /// The certified steps bound is at least the expected steps.
    #[test]
    fn steps_bound_is_an_upper_bound(
        (n, arcs, _b) in block_strategy(),
        flow in any::<bool>(),
    ) {
        let block = Block::from_arcs(n, &arcs, rows_of(flow));
        let want = Lu::factor(dense(n, &arcs, None), n).expect("I - A is regular").solve(&vec![1.0; n]);
        if let Some(z) = steps_bound(&block, &Work::unlimited()).unwrap() {
            let z = block.to_members(&z);
            for i in 0..n {
                prop_assert!(z[i] >= want[i] * (1.0 - 1e-12), "{i}: {} < {}", z[i], want[i]);
            }
        }
    }

    /// Visits (`y = b + Aᵀ y`, no upper bound) on the transposed block:
    /// certified, then narrowed, around the dense solution.
    #[test]
    fn transposed_visits_match_the_dense_solution(
        (n, arcs, b) in block_strategy(),
        flow in any::<bool>(),
    ) {
        let work = Work::unlimited();
        let t = Block::from_arcs(n, &arcs, rows_of(flow)).transposed();
        let want = Lu::factor(dense(n, &arcs, None), n).expect("I - A is regular").solve_t(&b);
        let Some(z) = steps_bound(&t, &work).unwrap() else {
            return Ok(());
        };
        let bt = t.to_rows(&b);
        let mut x = certify(&t, &bt, None, &z, f64::INFINITY, &work).unwrap().expect("finite").bracket;
        let lo = t.to_members(&x.iter().map(|v| v[0]).collect::<Vec<_>>());
        let hi = t.to_members(&x.iter().map(|v| v[1]).collect::<Vec<_>>());
        for i in 0..n {
            prop_assert!(lo[i] <= want[i] + 1e-12 && want[i] <= hi[i] + 1e-12, "{i}: {} not in [{}, {}]", want[i], lo[i], hi[i]);
        }
        narrow(&t, &bt, None, &mut x, &work).unwrap();
        let mid = t.to_members(&x.iter().map(|[lo, hi]| (lo + hi) / 2.0).collect::<Vec<_>>());
        for i in 0..n {
            prop_assert!((mid[i] - want[i]).abs() < 1e-12 * want[i].max(1.0), "{i}: {} vs {}", mid[i], want[i]);
        }
    }

    /// GMRES alone gets close to the dense solution.
    #[test]
    fn gmres_converges(
        (n, arcs, b) in block_strategy(),
        flow in any::<bool>(),
    ) {
        let block = Block::from_arcs(n, &arcs, rows_of(flow));
        let want = Lu::factor(dense(n, &arcs, None), n).expect("I - A is regular").solve(&b);
        let mut y = vec![0.0; n];
        gmres(&block, &block.to_rows(&b), None, &mut y, 1e-14, 10_000, &Work::unlimited()).unwrap();
        let y = block.to_members(&y);
        for i in 0..n {
            prop_assert!((y[i] - want[i]).abs() < 1e-10, "{i}: {} vs {}", y[i], want[i]);
        }
    }
}

#[test]
fn the_budget_stops_the_iteration() {
    let arcs: Vec<(usize, usize, f64)> = (0..50).map(|i| (i, (i + 1) % 50, 0.99)).collect();
    let block = Block::from_arcs(50, &arcs, Rows::Members);
    let work = Work::new(1_000, crate::limits::CancelFlag::new());
    let b = vec![0.01; 50];
    assert!(bracket(&block, &b, &work).is_err());
}

#[test]
fn large_visits_on_a_nearly_closed_cycle_are_narrowed_relatively() {
    // Visits around a 2-cycle that keeps 0.99999 of its mass: about 1e5
    // each, where an absolute gap of 1e-13 is below rounding.
    let arcs = [(0, 1, 1.0), (1, 0, 0.99999)];
    let t = Block::from_arcs(2, &arcs, Rows::Members).transposed();
    let work = Work::unlimited();
    let z = steps_bound(&t, &work).unwrap().expect("a transient block");
    let b = t.to_rows(&[1.0, 0.0]);
    let mut x = certify(&t, &b, None, &z, f64::INFINITY, &work)
        .unwrap()
        .expect("finite")
        .bracket;
    narrow(&t, &b, None, &mut x, &work).unwrap();
    let want = Lu::factor(dense(2, &arcs, None), 2)
        .expect("I - A is regular")
        .solve_t(&[1.0, 0.0]);
    let got = t.to_members(&x.iter().map(|[lo, hi]| (lo + hi) / 2.0).collect::<Vec<_>>());
    for i in 0..2 {
        assert!(
            (got[i] - want[i]).abs() < 1e-9 * want[i],
            "{i}: {} vs {}",
            got[i],
            want[i]
        );
    }
}
