//! Users, browser sessions and API tokens. Only SHA-256 digests of tokens are stored.

use crate::ledger::events::stamp;
use crate::org::NewUser;
use crate::{Actor, Result, Store, StoreError};
use chrono::{DateTime, Utc};
use minewatch_core::{Jurisdiction, Role, Scope};
use serde::Serialize;
use sha2::{Digest, Sha256};

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct UserRow {
    pub id: crate::UserId,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub jurisdiction: Jurisdiction,
    /// A disabled user cannot sign in; their sessions and tokens stop at once.
    pub active: bool,
    #[serde(skip)]
    pub password_hash: String,
}

/// The stored form of a secret token.
#[must_use]
pub fn token_digest(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

pub(crate) const USER_COLUMNS: &str = "id, county_id, username, display_name, password_hash, role, township_id, village_id, department_id, active";

/// A stored user as the columns of [`USER_COLUMNS`] give it.
#[derive(sqlx::FromRow)]
struct StoredUser {
    id: crate::UserId,
    county_id: i64,
    username: String,
    display_name: String,
    password_hash: String,
    role: String,
    township_id: Option<i64>,
    village_id: Option<i64>,
    department_id: Option<i64>,
    active: bool,
}

fn stored_user(row: &crate::db::Row) -> Result<(Actor, String, bool)> {
    let u: StoredUser = row.decode()?;
    let role = Role::from_code(&u.role)
        .ok_or_else(|| StoreError::Corrupt(format!("unknown role '{}'", u.role)))?;
    let jurisdiction = match (u.village_id, u.township_id, u.department_id) {
        (Some(v), _, _) => Jurisdiction::Village(v),
        (None, Some(t), _) => Jurisdiction::Township(t),
        (None, None, Some(d)) => Jurisdiction::Department(d),
        _ => Jurisdiction::County,
    };
    let actor = Actor {
        user_id: u.id,
        county_id: u.county_id,
        username: u.username,
        display_name: u.display_name,
        role,
        jurisdiction,
        scope: Scope::of(role, jurisdiction),
    };
    Ok((actor, u.password_hash, u.active))
}

pub(crate) fn actor_from_row(row: &crate::db::Row) -> Result<(Actor, String)> {
    stored_user(row).map(|(a, hash, _)| (a, hash))
}

/// A user row as the admin sees it, with the county it belongs to.
pub(crate) fn user_from_row(row: &crate::db::Row) -> Result<(i64, UserRow)> {
    let (a, hash, active) = stored_user(row)?;
    Ok((
        a.county_id,
        UserRow {
            id: a.user_id,
            username: a.username,
            display_name: a.display_name,
            role: a.role,
            jurisdiction: a.jurisdiction,
            active,
            password_hash: hash,
        },
    ))
}

impl Store {
    /// Creates a user whose jurisdiction matches the role.
    ///
    /// # Errors
    /// `Invalid` when the role needs a unit that is missing; a duplicate username.
    pub async fn create_user(&self, u: &NewUser, now: DateTime<Utc>) -> Result<crate::UserId> {
        let needs = match u.role {
            Role::Township => u.township_id.is_some(),
            Role::Village => u.village_id.is_some(),
            Role::Department => u.department_id.is_some(),
            _ => true,
        };
        if !needs {
            return Err(StoreError::invalid(
                "jurisdiction",
                format!("role '{}' needs its unit", u.role.code()),
            ));
        }
        // A log-in name is typed on phones and shown in the record: short, no spaces.
        if u.username.trim().is_empty()
            || u.username.chars().count() > 64
            || u.username
                .chars()
                .any(|c| c.is_whitespace() || c.is_control())
            || u.username.starts_with("__")
        {
            return Err(StoreError::invalid(
                "username",
                "1 to 64 characters without spaces",
            ));
        }
        if u.display_name.trim().is_empty() {
            return Err(StoreError::invalid("name", "must not be empty"));
        }
        crate::error::check_names(&[("name", &u.display_name)])?;
        let row = crate::db::query(
            "INSERT INTO app_user (county_id, username, display_name, password_hash, role, township_id, village_id, department_id, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
        )
        .bind(u.county_id)
        .bind(u.username.clone())
        .bind(u.display_name.clone())
        .bind(u.password_hash.clone())
        .bind(u.role.code())
        .bind(u.township_id)
        .bind(u.village_id)
        .bind(u.department_id)
        .bind(stamp(now))
        .fetch_scalar(self.pool())
        .await?;
        Ok(row)
    }

    /// The actor and password hash for a log-in name, if the user is active.
    ///
    /// # Errors
    /// On database failure.
    pub async fn login_lookup(&self, username: &str) -> Result<Option<(Actor, String)>> {
        let row = crate::db::query(format!(
            "SELECT {USER_COLUMNS} FROM app_user WHERE username = $1 AND active = TRUE"
        ))
        .bind(username.to_string())
        .fetch_optional(self.pool())
        .await?;
        row.as_ref().map(actor_from_row).transpose()
    }

    /// # Errors
    /// `NotFound` for an unknown or inactive user.
    pub async fn actor(&self, user_id: crate::UserId) -> Result<Actor> {
        let row = crate::db::query(format!(
            "SELECT {USER_COLUMNS} FROM app_user WHERE id = $1 AND active = TRUE"
        ))
        .bind(user_id)
        .fetch_optional(self.pool())
        .await?
        .ok_or_else(|| StoreError::not_found("user", user_id))?;
        Ok(actor_from_row(&row)?.0)
    }

    /// Records a session for `token` valid until `expires`.
    ///
    /// # Errors
    /// On database failure.
    pub async fn create_session(
        &self,
        user_id: crate::UserId,
        token: &str,
        now: DateTime<Utc>,
        expires: DateTime<Utc>,
    ) -> Result<()> {
        crate::db::query("INSERT INTO user_session (token_sha256, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)")
            .bind(token_digest(token))
            .bind(user_id)
            .bind(stamp(now))
            .bind(stamp(expires))
            .execute(self.pool())
            .await?;
        Ok(())
    }

    /// The actor behind a session token, if the session exists and has not expired.
    ///
    /// # Errors
    /// On database failure.
    pub async fn session_actor(&self, token: &str, now: DateTime<Utc>) -> Result<Option<Actor>> {
        let row = crate::db::query(
            "SELECT user_id FROM user_session WHERE token_sha256 = $1 AND expires_at > $2",
        )
        .bind(token_digest(token))
        .bind(stamp(now))
        .fetch_optional_scalar(self.pool())
        .await?;
        match row {
            Some(user) => match self.actor(user).await {
                Ok(a) => Ok(Some(a)),
                Err(StoreError::NotFound { .. }) => Ok(None),
                Err(e) => Err(e),
            },
            None => Ok(None),
        }
    }

    /// # Errors
    /// On database failure.
    pub async fn delete_session(&self, token: &str) -> Result<()> {
        crate::db::query("DELETE FROM user_session WHERE token_sha256 = $1")
            .bind(token_digest(token))
            .execute(self.pool())
            .await?;
        Ok(())
    }

    /// The actor behind an API token: `None` when the token is unknown, revoked or expired,
    /// or its user disabled — all the same 401 to the caller.
    ///
    /// # Errors
    /// On database failure.
    pub async fn api_token_actor(&self, token: &str, now: DateTime<Utc>) -> Result<Option<Actor>> {
        let row = crate::db::query(
            "SELECT user_id, created_at, expires_at, revoked_at FROM api_token WHERE token_sha256 = $1",
        )
        .bind(token_digest(token))
        .fetch_optional_as::<(crate::UserId, crate::Stamp, Option<crate::Stamp>, Option<crate::Stamp>)>(
            self.pool(),
        )
        .await?;
        let Some((user, created, expires_at, revoked)) = row else {
            return Ok(None);
        };
        let expires = crate::accounts::token_expiry(&created, expires_at.as_ref());
        if revoked.is_some() || expires.is_none_or(|e| e <= now) {
            return Ok(None);
        }
        match self.actor(user).await {
            Ok(a) => Ok(Some(a)),
            Err(StoreError::NotFound { .. }) => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// All users of a county, for the admin's list and the demo's log-in table.
    ///
    /// # Errors
    /// On database failure.
    pub async fn users(&self, county_id: i64) -> Result<Vec<UserRow>> {
        let rows = crate::db::query(format!(
            "SELECT {USER_COLUMNS} FROM app_user WHERE county_id = $1 ORDER BY id"
        ))
        .bind(county_id)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| user_from_row(r).map(|(_, u)| u))
            .collect()
    }
}
