//! Managing accounts: disabling and enabling users, setting passwords, issuing and revoking
//! API tokens. Each change is an event in the chain (`account.*`), made by the county's
//! admin on the admin page or at the console (no actor). A disabled user's sessions are
//! deleted and their tokens answer 401 from the next request on.

use crate::ledger::events::{NewEvent, append, stamp};
use crate::users::{USER_COLUMNS, UserRow, token_digest, user_from_row};
use crate::{Actor, Result, Store, StoreError};
use chrono::{DateTime, Utc};
use minewatch_core::rights::{Right, may};

use serde::Serialize;

/// A token lives this long unless issued for longer or shorter.
pub const DEFAULT_TOKEN_DAYS: i64 = 180;
/// No token lives longer than two years: a machine client is renewed, not forgotten.
pub const MAX_TOKEN_DAYS: i64 = 730;
/// Tokens issued before expiry was stored lapse this long after they were issued.
const LEGACY_TOKEN_DAYS: i64 = 365;

/// When a token expires: as stored, or a year after issue for tokens from before.
pub(crate) fn token_expiry(
    created_at: &crate::Stamp,
    expires_at: Option<&crate::Stamp>,
) -> Option<DateTime<Utc>> {
    match expires_at {
        Some(e) => e.time(),
        None => created_at
            .time()
            .map(|c| c + chrono::Duration::days(LEGACY_TOKEN_DAYS)),
    }
}

/// The public id of a token: the start of its digest, safe to show and to type.
#[must_use]
pub fn token_id_of(token: &str) -> String {
    token_digest(token)[..12].to_string()
}

/// An API token as the admin sees it: never the token itself.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct TokenRow {
    pub token_id: String,
    pub username: String,
    pub label: String,
    pub created_at: crate::Stamp,
    pub expires_at: crate::Stamp,
    pub revoked_at: Option<crate::Stamp>,
}

impl TokenRow {
    /// Whether it still lets a client in at `now`.
    #[must_use]
    pub fn live(&self, now: DateTime<Utc>) -> bool {
        self.revoked_at.is_none() && self.expires_at.time().is_some_and(|e| e > now)
    }
}

/// A token just issued: the secret is shown this once.
#[derive(Debug, Clone)]
pub struct IssuedToken {
    pub token: String,
    pub row: TokenRow,
}

/// One account change from the chain, for the admin page.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct AccountEvent {
    pub at: String,
    pub kind: String,
    pub by: Option<String>,
    pub username: String,
    pub detail: String,
}

/// Who may change accounts: the console, or the admin of the same county.
fn may_manage(by: Option<&Actor>, target: &UserRow, county_id: i64) -> Result<()> {
    match by {
        None => Ok(()),
        Some(a) if may(a.role, Right::ManageAccounts) && a.county_id == county_id => Ok(()),
        Some(a) if a.user_id == target.id => Err(StoreError::Forbidden(
            "only the admin changes accounts; your own password is changed on the account page",
        )),
        Some(_) => Err(StoreError::Forbidden("only the admin changes accounts")),
    }
}

impl Store {
    /// A user an account change may touch: any but the public desk's, which files tips and
    /// never signs in.
    async fn managed_user(&self, username: &str) -> Result<(i64, UserRow)> {
        let (county_id, user) = self.user_named(username).await?;
        if user.username.starts_with("__public_") {
            return Err(StoreError::not_found("user", username));
        }
        Ok((county_id, user))
    }

    /// A user by log-in name, disabled or not, with their county.
    ///
    /// # Errors
    /// `NotFound` for an unknown name.
    pub async fn user_named(&self, username: &str) -> Result<(i64, UserRow)> {
        let row = crate::db::query(format!(
            "SELECT {USER_COLUMNS} FROM app_user WHERE username = $1"
        ))
        .bind(username.trim().to_string())
        .fetch_optional(self.pool())
        .await?
        .ok_or_else(|| StoreError::not_found("user", username))?;
        user_from_row(&row)
    }

    /// Disables or enables a user. Disabling deletes their sessions, so pages and the API
    /// refuse them from the next request on; their tokens stay revoked in effect while the
    /// user is disabled (and work again if enabled and not expired).
    ///
    /// # Errors
    /// `NotFound` for an unknown user (or one of another county); `Forbidden` for anyone
    /// but the admin; `Invalid` when the admin would disable themselves, or nothing changes.
    pub async fn set_user_active(
        &self,
        by: Option<&Actor>,
        username: &str,
        active: bool,
        now: DateTime<Utc>,
    ) -> Result<UserRow> {
        let (county_id, user) = self.managed_user(username).await?;
        if by.is_some_and(|a| a.county_id != county_id) {
            return Err(StoreError::not_found("user", username));
        }
        may_manage(by, &user, county_id)?;
        if !active && by.is_some_and(|a| a.user_id == user.id) {
            return Err(StoreError::invalid(
                "username",
                "you cannot disable your own account",
            ));
        }
        let at = stamp(now);
        let mut tx = self.begin_write(&at).await?;
        // Conditional, so two admins pressing at once write one event.
        let changed =
            crate::db::query("UPDATE app_user SET active = $1 WHERE id = $2 AND active = $3")
                .bind(active)
                .bind(user.id)
                .bind(!active)
                .execute(&mut *tx)
                .await?
                .rows_affected();
        if changed == 0 {
            return Err(StoreError::invalid(
                "username",
                if active {
                    "the user is enabled already"
                } else {
                    "the user is disabled already"
                },
            ));
        }
        if !active {
            crate::db::query("DELETE FROM user_session WHERE user_id = $1")
                .bind(user.id)
                .execute(&mut *tx)
                .await?;
        }
        let kind = if active {
            "account.enabled"
        } else {
            "account.disabled"
        };
        account_event(
            &mut tx,
            &at,
            by,
            county_id,
            kind,
            &user,
            serde_json::json!({}),
        )
        .await?;
        tx.commit().await?;
        Ok(UserRow { active, ..user })
    }

    /// Sets a user's password (already hashed). Every session of the user ends except
    /// `keep_session` (the one a user changing their own password is using).
    ///
    /// # Errors
    /// `NotFound`, `Forbidden` as for [`Store::set_user_active`]; a user may set their own.
    pub async fn set_password(
        &self,
        by: Option<&Actor>,
        username: &str,
        password_hash: &str,
        keep_session: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let (county_id, user) = self.managed_user(username).await?;
        if by.is_some_and(|a| a.county_id != county_id) {
            return Err(StoreError::not_found("user", username));
        }
        let own = by.is_some_and(|a| a.user_id == user.id);
        if !own {
            may_manage(by, &user, county_id)?;
        }
        let at = stamp(now);
        let mut tx = self.begin_write(&at).await?;
        crate::db::query("UPDATE app_user SET password_hash = $1 WHERE id = $2")
            .bind(password_hash.to_string())
            .bind(user.id)
            .execute(&mut *tx)
            .await?;
        crate::db::query("DELETE FROM user_session WHERE user_id = $1 AND token_sha256 <> $2")
            .bind(user.id)
            .bind(keep_session.map(token_digest).unwrap_or_default())
            .execute(&mut *tx)
            .await?;
        account_event(
            &mut tx,
            &at,
            by,
            county_id,
            "account.password_set",
            &user,
            serde_json::json!({ "own": own }),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Issues an API token for `username`, valid for `days`; only its digest is kept.
    ///
    /// # Errors
    /// `Invalid` for a disabled user, an empty or long label, or days outside
    /// 1..=[`MAX_TOKEN_DAYS`]; `NotFound`, `Forbidden` as for [`Store::set_user_active`].
    pub async fn issue_api_token(
        &self,
        by: Option<&Actor>,
        username: &str,
        label: &str,
        token: &str,
        days: i64,
        now: DateTime<Utc>,
    ) -> Result<IssuedToken> {
        let (county_id, user) = self.managed_user(username).await?;
        if by.is_some_and(|a| a.county_id != county_id) {
            return Err(StoreError::not_found("user", username));
        }
        may_manage(by, &user, county_id)?;
        if !user.active {
            return Err(StoreError::invalid("username", "the user is disabled"));
        }
        let label = label.trim();
        if label.is_empty() || label.chars().count() > 100 {
            return Err(StoreError::invalid(
                "label",
                "say what the token is for (at most 100 characters)",
            ));
        }
        if !(1..=MAX_TOKEN_DAYS).contains(&days) {
            return Err(StoreError::invalid(
                "days",
                format!("a token lives 1 to {MAX_TOKEN_DAYS} days"),
            ));
        }
        let digest = token_digest(token);
        let token_id = token_id_of(token);
        let at = stamp(now);
        let expires_at = stamp(now + chrono::Duration::days(days));
        let mut tx = self.begin_write(&at).await?;
        crate::db::query(
            "INSERT INTO api_token (token_sha256, user_id, label, created_at, token_id, expires_at) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(digest)
        .bind(user.id)
        .bind(label.to_string())
        .bind(at.clone())
        .bind(token_id.clone())
        .bind(expires_at.clone())
        .execute(&mut *tx)
        .await?;
        account_event(
            &mut tx,
            &at,
            by,
            county_id,
            "account.token_issued",
            &user,
            serde_json::json!({ "token_id": token_id, "label": label, "expires_at": expires_at }),
        )
        .await?;
        tx.commit().await?;
        Ok(IssuedToken {
            token: token.to_string(),
            row: TokenRow {
                token_id,
                username: user.username,
                label: label.to_string(),
                created_at: at,
                expires_at,
                revoked_at: None,
            },
        })
    }

    /// Revokes a token by its public id; it answers 401 from the next request on.
    ///
    /// # Errors
    /// `NotFound` for an unknown id (or one of another county); `Invalid` when revoked
    /// already; `Forbidden` for anyone but the admin.
    pub async fn revoke_api_token(
        &self,
        by: Option<&Actor>,
        token_id: &str,
        now: DateTime<Utc>,
    ) -> Result<TokenRow> {
        let token_id = token_id.trim().to_ascii_lowercase();
        let found = crate::db::query(format!("{TOKEN_SELECT} WHERE t.token_id = $1"))
            .bind(token_id.clone())
            .fetch_optional_as::<StoredToken>(self.pool())
            .await?
            .map(TokenRow::from)
            .ok_or_else(|| StoreError::not_found("token", &token_id))?;
        let (county_id, user) = self.managed_user(&found.username).await?;
        if by.is_some_and(|a| a.county_id != county_id) {
            return Err(StoreError::not_found("token", &token_id));
        }
        may_manage(by, &user, county_id)?;
        let at = stamp(now);
        let mut tx = self.begin_write(&at).await?;
        let changed = crate::db::query(
            "UPDATE api_token SET revoked_at = $1 WHERE token_id = $2 AND revoked_at IS NULL",
        )
        .bind(at.clone())
        .bind(token_id.clone())
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if changed == 0 {
            return Err(StoreError::invalid(
                "token_id",
                "the token is revoked already",
            ));
        }
        account_event(
            &mut tx,
            &at,
            by,
            county_id,
            "account.token_revoked",
            &user,
            serde_json::json!({ "token_id": token_id }),
        )
        .await?;
        tx.commit().await?;
        Ok(TokenRow {
            revoked_at: Some(at),
            ..found
        })
    }

    /// Every token of a county (or of all counties, for the console), newest first.
    ///
    /// # Errors
    /// On database failure.
    pub async fn api_tokens(&self, county_id: Option<i64>) -> Result<Vec<TokenRow>> {
        let rows = crate::db::query(format!(
            "{TOKEN_SELECT} WHERE ($1 IS NULL OR u.county_id = $1) ORDER BY t.created_at DESC, t.token_id"
        ))
        .bind(county_id)
        .fetch_all_as::<StoredToken>(self.pool())
        .await?;
        Ok(rows.into_iter().map(TokenRow::from).collect())
    }

    /// The latest account changes of a county from the chain, newest first.
    ///
    /// # Errors
    /// On database failure.
    pub async fn account_events(&self, county_id: i64, limit: i64) -> Result<Vec<AccountEvent>> {
        let rows = crate::db::query(
            "SELECT e.at, e.kind, e.payload, u.display_name AS by_name FROM event e \
             LEFT JOIN app_user u ON u.id = e.actor_user_id \
             WHERE e.county_id = $1 AND SUBSTR(e.kind, 1, 8) = 'account.' ORDER BY e.seq DESC LIMIT $2",
        )
        .bind(county_id)
        .bind(limit)
        .fetch_all_as::<(String, String, String, Option<String>)>(self.pool())
        .await?;
        Ok(rows
            .into_iter()
            .map(|(at, kind, payload, by)| {
                let payload: serde_json::Value = serde_json::from_str(&payload).unwrap_or_default();
                let text = |k: &str| payload[k].as_str().unwrap_or_default().to_string();
                let detail = [text("token_id"), text("label")]
                    .into_iter()
                    .filter(|s| !s.is_empty())
                    .collect::<Vec<_>>()
                    .join(" · ");
                AccountEvent {
                    at,
                    kind,
                    by,
                    username: text("username"),
                    detail,
                }
            })
            .collect())
    }
}

const TOKEN_SELECT: &str = "SELECT t.token_id, u.username, t.label, t.created_at, t.expires_at, t.revoked_at \
     FROM api_token t JOIN app_user u ON u.id = t.user_id";

/// A token as stored, before its expiry is worked out.
#[derive(sqlx::FromRow)]
struct StoredToken {
    token_id: String,
    username: String,
    label: String,
    created_at: crate::Stamp,
    expires_at: Option<crate::Stamp>,
    revoked_at: Option<crate::Stamp>,
}

impl From<StoredToken> for TokenRow {
    fn from(t: StoredToken) -> Self {
        let expiry = token_expiry(&t.created_at, t.expires_at.as_ref());
        TokenRow {
            token_id: t.token_id,
            username: t.username,
            label: t.label,
            expires_at: expiry.map_or_else(|| t.created_at.clone(), stamp),
            created_at: t.created_at,
            revoked_at: t.revoked_at,
        }
    }
}

async fn account_event(
    tx: &mut crate::db::Tx,
    at: &crate::Stamp,
    by: Option<&Actor>,
    county_id: i64,
    kind: &str,
    user: &UserRow,
    extra: serde_json::Value,
) -> Result<()> {
    let mut payload = serde_json::json!({
        "user": user.id,
        "username": user.username,
        "at_console": by.is_none(),
    });
    if let (Some(p), serde_json::Value::Object(more)) = (payload.as_object_mut(), extra) {
        p.extend(more);
    }
    append(
        tx,
        NewEvent {
            at,
            actor: by.map(|a| a.user_id),
            county_id,
            case_id: None,
            clue_id: None,
            kind,
            payload: payload.to_string(),
            attachments: &[],
        },
    )
    .await?;
    Ok(())
}
