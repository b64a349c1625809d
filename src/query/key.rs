//! Cells as hash keys, for grouping, `distinct` and `count(distinct ...)`.
//!
//! Two cells are the same key when they are structurally identical: same
//! variant, same value, floats compared by their bits (so `1` and `1.0` are
//! different keys, as are `0.0` and `-0.0`; every NaN is one key). This is
//! the identity the engine used when it keyed by the cells' printed form,
//! without building a string per row.

use std::hash::{Hash, Hasher};

use crate::model::Value;
use crate::result::Cell;

/// One cell as a key.
#[derive(Clone, Debug)]
pub struct CellKey(pub Cell);

/// A row of cells as a key.
#[derive(Clone, Debug)]
pub struct RowKey(pub Vec<Cell>);

impl Hash for CellKey {
    fn hash<H: Hasher>(&self, h: &mut H) {
        hash_cell(&self.0, h);
    }
}

impl PartialEq for CellKey {
    fn eq(&self, other: &CellKey) -> bool {
        same_cell(&self.0, &other.0)
    }
}

impl Eq for CellKey {}

impl Hash for RowKey {
    fn hash<H: Hasher>(&self, h: &mut H) {
        h.write_usize(self.0.len());
        for c in &self.0 {
            hash_cell(c, h);
        }
    }
}

impl PartialEq for RowKey {
    fn eq(&self, other: &RowKey) -> bool {
        same_row(&self.0, &other.0)
    }
}

impl Eq for RowKey {}

/// Whether two rows are the same key, cell by cell.
pub fn same_row(a: &[Cell], b: &[Cell]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| same_cell(x, y))
}

fn float_bits(f: f64) -> u64 {
    if f.is_nan() {
        f64::NAN.to_bits()
    } else {
        f.to_bits()
    }
}

// Each variant hashes a tag byte first, then its contents.
fn hash_value<H: Hasher>(v: &Value, h: &mut H) {
    match v {
        Value::Null => h.write_u8(0),
        Value::Bool(b) => (1u8, *b).hash(h),
        Value::Int(i) => (2u8, *i).hash(h),
        Value::Float(f) => (3u8, float_bits(*f)).hash(h),
        Value::Str(s) => (4u8, s).hash(h),
        Value::Date(d) => (5u8, d).hash(h),
        Value::List(items) => {
            (6u8, items.len()).hash(h);
            for i in items.iter() {
                hash_value(i, h);
            }
        }
    }
}

fn hash_cell<H: Hasher>(c: &Cell, h: &mut H) {
    match c {
        Cell::Value(v) => hash_value(v, h),
        Cell::Node(n) => (10u8, n).hash(h),
        Cell::Edge(e) => (11u8, e).hash(h),
        Cell::Path(p) => (12u8, p).hash(h),
        Cell::List(items) => {
            (13u8, items.len()).hash(h);
            for i in items {
                hash_cell(i, h);
            }
        }
        Cell::Map(entries) => {
            (14u8, entries.len()).hash(h);
            for (k, v) in entries {
                k.hash(h);
                hash_cell(v, h);
            }
        }
    }
}

fn same_value(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Null, Value::Null) => true,
        (Value::Bool(x), Value::Bool(y)) => x == y,
        (Value::Int(x), Value::Int(y)) => x == y,
        (Value::Float(x), Value::Float(y)) => float_bits(*x) == float_bits(*y),
        (Value::Str(x), Value::Str(y)) => x == y,
        (Value::Date(x), Value::Date(y)) => x == y,
        (Value::List(x), Value::List(y)) => {
            x.len() == y.len() && x.iter().zip(y.iter()).all(|(p, q)| same_value(p, q))
        }
        _ => false,
    }
}

/// Whether two cells are the same key.
pub fn same_cell(a: &Cell, b: &Cell) -> bool {
    match (a, b) {
        (Cell::Value(x), Cell::Value(y)) => same_value(x, y),
        (Cell::Node(x), Cell::Node(y)) => x == y,
        (Cell::Edge(x), Cell::Edge(y)) => x == y,
        (Cell::Path(x), Cell::Path(y)) => x == y,
        (Cell::List(x), Cell::List(y)) => same_row(x, y),
        (Cell::Map(x), Cell::Map(y)) => {
            x.len() == y.len()
                && x.iter()
                    .zip(y)
                    .all(|((k, v), (l, w))| k == l && same_cell(v, w))
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hash::FxSet;
    use crate::model::NodeId;

    fn key(c: Cell) -> CellKey {
        CellKey(c)
    }

    #[test]
    fn ints_and_floats_are_different_keys() {
        let mut s = FxSet::default();
        assert!(s.insert(key(Cell::Value(Value::Int(1)))));
        assert!(s.insert(key(Cell::Value(Value::Float(1.0)))));
        assert!(!s.insert(key(Cell::Value(Value::Int(1)))));
    }

    #[test]
    fn nan_is_one_key_and_signed_zeros_are_two() {
        let mut s = FxSet::default();
        assert!(s.insert(key(Cell::Value(Value::Float(f64::NAN)))));
        assert!(!s.insert(key(Cell::Value(Value::Float(-f64::NAN)))));
        assert!(s.insert(key(Cell::Value(Value::Float(0.0)))));
        assert!(s.insert(key(Cell::Value(Value::Float(-0.0)))));
    }

    #[test]
    fn rows_compare_cell_by_cell() {
        let a = RowKey(vec![Cell::Node(NodeId(1)), Cell::Value(Value::str("x"))]);
        let b = RowKey(vec![Cell::Node(NodeId(1)), Cell::Value(Value::str("x"))]);
        let c = RowKey(vec![Cell::Node(NodeId(2)), Cell::Value(Value::str("x"))]);
        assert_eq!(a, b);
        assert_ne!(a, c);
        let mut s = FxSet::default();
        assert!(s.insert(a));
        assert!(!s.insert(b));
        assert!(s.insert(c));
        // A node and a string are never the same key.
        assert_ne!(
            CellKey(Cell::Node(NodeId(1))),
            CellKey(Cell::Value(Value::Int(1)))
        );
    }
}
