//! The user on whose behalf a store call runs, and the scope filter derived from it.

use crate::sql::Sql;
use minewatch_core::{Jurisdiction, Role, Scope};
use serde::Serialize;

/// Who is acting: every ledger query is filtered by `scope`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Actor {
    pub user_id: crate::UserId,
    pub county_id: i64,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub jurisdiction: Jurisdiction,
    pub scope: Scope,
}

impl Actor {
    /// Appends ` AND <scope predicate>` over the case table aliased `c`.
    pub(crate) fn push_case_scope(&self, sql: &mut Sql) {
        sql.push(" AND c.county_id = ").bind_i64(self.county_id);
        match self.scope {
            Scope::County => {}
            Scope::Township(id) => {
                sql.push(" AND c.township_id = ").bind_i64(id);
            }
            Scope::Village(id) => {
                sql.push(" AND c.village_id = ").bind_i64(id);
            }
            Scope::Department(id) => {
                sql.push(" AND c.lead_department_id = ").bind_i64(id);
            }
            Scope::OwnCluesOnly => {
                sql.push(" AND 1 = 0");
            }
        }
    }
}
