//! Work split over this machine's two cores: the two halves of a range at
//! once, the second on a scoped thread. For scans whose halves are
//! independent and each long enough to pay for a thread (tens of
//! microseconds); the callers decide that threshold.

use std::ops::Range;

/// `f` over `0..len / 2` here and over `len / 2..len` on a second thread,
/// at once; both results, in range order. A panic on the second thread is
/// resumed here.
pub fn on_two_halves<R: Send>(len: usize, f: impl Fn(Range<usize>) -> R + Sync) -> (R, R) {
    let half = len / 2;
    std::thread::scope(|s| {
        let second = s.spawn(|| f(half..len));
        let first = f(0..half);
        let second = second
            .join()
            .unwrap_or_else(|p| std::panic::resume_unwind(p));
        (first, second)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_halves_cover_the_range_in_order() {
        for len in [0, 1, 2, 7] {
            let (a, b) = on_two_halves(len, |r| r.collect::<Vec<_>>());
            assert_eq!([a, b].concat(), (0..len).collect::<Vec<_>>());
        }
    }
}
