//! A small builder for portable SQL with `$n` placeholders, for queries whose WHERE clause
//! depends on filters and scope. Values are always bound, never spliced into the text.

use sqlx::Any;
use sqlx::any::AnyArguments;
use sqlx::query::Query;

#[derive(Debug, Clone)]
pub(crate) enum Arg {
    I64(i64),
    Text(String),
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

    #[cfg(test)]
    pub(crate) fn text(&self) -> &str {
        &self.text
    }

    pub(crate) fn query(&self) -> Query<'_, Any, AnyArguments<'_>> {
        let mut q = sqlx::query(&self.text);
        for a in &self.args {
            q = match a {
                Arg::I64(v) => q.bind(*v),
                Arg::Text(v) => q.bind(v.clone()),
            };
        }
        q
    }
}

/// The text of a statement that binds optional coordinates, distinct for rows without them.
/// sqlx's Any driver sends a missing `f64` to PostgreSQL as a typed `float4` NULL, and
/// PostgreSQL fixes a cached statement's parameter types at its first run: a statement first
/// run without a point would then refuse every later point ("incorrect binary data format").
/// Two texts make two cached statements, each with one set of types.
pub(crate) fn with_point(sql: &str, has_point: bool) -> std::borrow::Cow<'_, str> {
    if has_point {
        std::borrow::Cow::Borrowed(sql)
    } else {
        std::borrow::Cow::Owned(format!("{sql} /* without a point */"))
    }
}

/// The same for a statement with several optional floats: one statement text per pattern
/// of missing values.
pub(crate) fn with_floats(sql: &str, present: &[bool]) -> String {
    if present.iter().all(|p| *p) {
        return sql.to_string();
    }
    let pattern: String = present.iter().map(|p| if *p { '1' } else { '0' }).collect();
    format!("{sql} /* floats {pattern} */")
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
