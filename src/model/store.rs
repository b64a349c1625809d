//! Interning and compact property storage shared by nodes and edges.

use std::sync::Arc;

use indexmap::IndexSet;

use super::ids::{PropKey, StrId};
use super::value::{Stored, Value};

/// Interned strings, property keys and lists. Values live here once; nodes
/// and edges hold small ids.
#[derive(Clone, Debug, Default)]
pub(crate) struct Pool {
    strings: IndexSet<Box<str>>,
    keys: IndexSet<Box<str>>,
    lists: Vec<Arc<[Value]>>,
}

impl Pool {
    pub(crate) fn key(&mut self, name: &str) -> PropKey {
        if let Some(i) = self.keys.get_index_of(name) {
            return PropKey(i as u32);
        }
        PropKey(self.keys.insert_full(name.into()).0 as u32)
    }

    pub(crate) fn find_key(&self, name: &str) -> Option<PropKey> {
        self.keys.get_index_of(name).map(|i| PropKey(i as u32))
    }

    pub(crate) fn key_name(&self, key: PropKey) -> &str {
        self.keys.get_index(key.index()).map_or("", |s| s)
    }

    pub(crate) fn key_names(&self) -> impl Iterator<Item = &str> {
        self.keys.iter().map(|s| &**s)
    }

    fn string(&mut self, s: &str) -> StrId {
        if let Some(i) = self.strings.get_index_of(s) {
            return StrId(i as u32);
        }
        StrId(self.strings.insert_full(s.into()).0 as u32)
    }

    pub(crate) fn store(&mut self, value: &Value) -> Option<Stored> {
        Some(match value {
            Value::Null => return None,
            Value::Bool(b) => Stored::Bool(*b),
            Value::Int(i) => Stored::Int(*i),
            Value::Float(f) => Stored::Float(*f),
            Value::Str(s) => Stored::Str(self.string(s)),
            Value::Date(d) => Stored::Date(*d),
            Value::List(items) => {
                self.lists.push(items.clone());
                Stored::List((self.lists.len() - 1) as u32)
            }
        })
    }

    pub(crate) fn load(&self, stored: Stored) -> Value {
        match stored {
            Stored::Bool(b) => Value::Bool(b),
            Stored::Int(i) => Value::Int(i),
            Stored::Float(f) => Value::Float(f),
            Stored::Str(s) => Value::str(self.strings.get_index(s.index()).map_or("", |s| s)),
            Stored::Date(d) => Value::Date(d),
            Stored::List(i) => self
                .lists
                .get(i as usize)
                .map_or(Value::Null, |l| Value::List(l.clone())),
        }
    }

    pub(crate) fn str_of(&self, stored: Stored) -> Option<&str> {
        match stored {
            Stored::Str(s) => self.strings.get_index(s.index()).map(|s| &**s),
            _ => None,
        }
    }
}
