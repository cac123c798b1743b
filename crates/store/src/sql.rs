//! A small builder for portable SQL with `$n` placeholders, for queries whose WHERE clause
//! depends on filters and scope. Values are always bound, never spliced into the text.

use crate::db::{Query, Value};

#[derive(Debug, Clone)]
pub(crate) enum Arg {
    I64(i64),
    Text(String),
    Stamp(crate::Stamp),
}

#[derive(Debug, Default, Clone)]
pub(crate) struct Sql {
    text: String,
    args: Vec<Arg>,
}

impl Sql {
    pub(crate) fn new(text: &str) -> Self {
        Sql {
            text: text.to_string(),
            args: Vec::new(),
        }
    }

    pub(crate) fn push(&mut self, text: &str) -> &mut Self {
        self.text.push_str(text);
        self
    }

    fn placeholder(&mut self, arg: Arg) -> &mut Self {
        self.args.push(arg);
        let n = self.args.len();
        self.text.push('$');
        self.text.push_str(&n.to_string());
        self
    }

    pub(crate) fn bind_i64(&mut self, v: i64) -> &mut Self {
        self.placeholder(Arg::I64(v))
    }

    pub(crate) fn bind_text(&mut self, v: impl Into<String>) -> &mut Self {
        self.placeholder(Arg::Text(v.into()))
    }

    /// A moment, as each engine stores one (TEXT in SQLite, TIMESTAMPTZ in PostgreSQL).
    pub(crate) fn bind_stamp(&mut self, v: &crate::Stamp) -> &mut Self {
        self.placeholder(Arg::Stamp(v.clone()))
    }

    /// `(v1, v2, …)` with each value bound: for `IN` over a list the caller holds.
    pub(crate) fn push_in<'v>(&mut self, values: impl IntoIterator<Item = &'v str>) -> &mut Self {
        self.push("(");
        for (i, v) in values.into_iter().enumerate() {
            if i > 0 {
                self.push(", ");
            }
            self.bind_text(v);
        }
        self.push(")")
    }

    #[cfg(test)]
    pub(crate) fn text(&self) -> &str {
        &self.text
    }

    pub(crate) fn query(&self) -> Query<'_> {
        let mut q = crate::db::query(self.text.as_str());
        for a in &self.args {
            q.push_value(match a {
                Arg::I64(v) => Value::I64(Some(*v)),
                Arg::Text(v) => Value::Text(Some(v.clone())),
                Arg::Stamp(v) => Value::Stamp(Some(v.clone())),
            });
        }
        q
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_placeholders_in_order() {
        let mut s = Sql::new("SELECT 1 WHERE a = ");
        s.bind_i64(1).push(" AND b = ").bind_text("x");
        assert_eq!(s.text(), "SELECT 1 WHERE a = $1 AND b = $2");
    }
}
