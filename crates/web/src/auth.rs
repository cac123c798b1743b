//! Log-in, sessions and API tokens. Passwords are argon2 hashes, checked off the async
//! executor; session cookies and tokens are random 256-bit values stored only as digests.

use crate::AppState;
use crate::error::WebError;
use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::CookieJar;
use axum_extra::extract::cookie::{Cookie, SameSite};
use minewatch_store::Actor;
use rand::RngCore;

pub const SESSION_COOKIE: &str = "mw_session";
/// A browser session lasts twelve hours: a working day in the field and back.
pub const SESSION_HOURS: i64 = 12;

/// Hashes a password for storage.
///
/// # Errors
/// Only if the hasher fails, which it does not for valid parameters.
pub fn hash_password(password: &str) -> Result<String, String> {
    let mut salt = [0u8; 16];
    rand::thread_rng().fill_bytes(&mut salt);
    let salt = SaltString::encode_b64(&salt).map_err(|e| e.to_string())?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| e.to_string())
}

fn verify_password(password: &str, stored: &str) -> bool {
    PasswordHash::new(stored).is_ok_and(|h| {
        Argon2::default()
            .verify_password(password.as_bytes(), &h)
            .is_ok()
    })
}

/// A fresh random token, hex-encoded.
#[must_use]
pub fn new_token() -> String {
    let mut bytes = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut bytes);
    hex::encode(bytes)
}

/// Checks a username and password; on success records a session and returns the cookie.
/// Wrong passwords make the account wait longer each time, an address has a limited
/// number of tries, and hashing waits for one of a few hashers ([`crate::throttle`]).
///
/// # Errors
/// `Unauthenticated` for a wrong name or password or a disabled account, `RateLimited`
/// while the account or the address must wait, and store failures.
pub async fn login(
    state: &AppState,
    guard: &crate::throttle::LoginGuard,
    address: std::net::IpAddr,
    username: &str,
    password: &str,
) -> Result<(Actor, Cookie<'static>), WebError> {
    let wait = |retry_after_s: u64| WebError::RateLimited {
        field: "password".into(),
        retry_after_s,
        message_zh: format!("登录尝试过多，请 {retry_after_s} 秒后再试"),
        message_en: format!("too many log-in attempts: try again in {retry_after_s} s"),
    };
    guard.admit(username, address).map_err(wait)?;
    let Some(_hasher) = guard.hasher().await else {
        return Err(wait(5));
    };
    let found = state.store.login_lookup(username.trim()).await?;
    let password = password.to_string();
    // Hash even for unknown users so timing does not tell which names exist.
    let stored = found.as_ref().map(|(_, h)| h.clone());
    let ok = tokio::task::spawn_blocking(move || {
        verify_password(&password, stored.as_deref().unwrap_or_else(|| dummy_hash()))
    })
    .await
    .unwrap_or(false);
    let Some((actor, _)) = found.filter(|_| ok) else {
        guard.failed(username);
        return Err(WebError::field(
            "password",
            "用户名或密码不正确",
            "wrong username or password",
        ));
    };
    guard.succeeded(username);
    let token = new_token();
    let now = state.clock.now();
    state
        .store
        .create_session(
            actor.user_id,
            &token,
            now,
            now + chrono::Duration::hours(SESSION_HOURS),
        )
        .await?;
    let cookie = Cookie::build((SESSION_COOKIE, token))
        .path("/")
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(state.secure_cookies)
        .max_age(time_hours(SESSION_HOURS))
        .build();
    Ok((actor, cookie))
}

/// Passwords are 8 to 128 characters: long enough to resist guessing, short enough that
/// hashing one costs what it should.
pub const PASSWORD_CHARS: (usize, usize) = (8, 128);

/// Hashes a new password on the bounded hasher pool, after checking its length.
///
/// # Errors
/// `Field` naming `field` for a bad length or two entries that differ; `RateLimited` when
/// every hasher stays busy.
pub async fn hash_new_password(
    guard: &crate::throttle::LoginGuard,
    field: &str,
    password: &str,
    repeated: &str,
) -> Result<String, WebError> {
    let n = password.chars().count();
    if !(PASSWORD_CHARS.0..=PASSWORD_CHARS.1).contains(&n) {
        return Err(WebError::field(
            field,
            format!("密码应为 {}–{} 个字符", PASSWORD_CHARS.0, PASSWORD_CHARS.1),
            format!(
                "a password has {}–{} characters",
                PASSWORD_CHARS.0, PASSWORD_CHARS.1
            ),
        ));
    }
    if password != repeated {
        return Err(WebError::field(
            "repeat",
            "两次输入的新密码不一致",
            "the two entries of the new password differ",
        ));
    }
    let Some(_hasher) = guard.hasher().await else {
        return Err(busy(5));
    };
    let password = password.to_string();
    tokio::task::spawn_blocking(move || hash_password(&password))
        .await
        .map_err(|e| minewatch_store::StoreError::Corrupt(format!("hashing task: {e}")))?
        .map_err(|e| WebError::Store(minewatch_store::StoreError::Corrupt(e)))
}

fn busy(retry_after_s: u64) -> WebError {
    WebError::RateLimited {
        field: "password".into(),
        retry_after_s,
        message_zh: format!("尝试过多，请 {retry_after_s} 秒后再试"),
        message_en: format!("too many attempts: try again in {retry_after_s} s"),
    }
}

/// Changes the signed-in user's own password: the current one is checked first, throttled
/// like a log-in (a stolen session cannot guess it quickly); other sessions end.
///
/// # Errors
/// `Field` for a wrong current password or a bad new one; `RateLimited` when throttled.
pub async fn change_own_password(
    state: &AppState,
    guard: &crate::throttle::LoginGuard,
    address: std::net::IpAddr,
    actor: &Actor,
    session: Option<&str>,
    current: &str,
    (new, repeated): (&str, &str),
) -> Result<(), WebError> {
    guard.admit(&actor.username, address).map_err(busy)?;
    let stored = {
        let Some(_hasher) = guard.hasher().await else {
            return Err(busy(5));
        };
        let found = state.store.login_lookup(&actor.username).await?;
        let current = current.to_string();
        let stored = found.map(|(_, h)| h);
        let hash = stored.clone();
        let ok = tokio::task::spawn_blocking(move || {
            verify_password(&current, hash.as_deref().unwrap_or_else(|| dummy_hash()))
        })
        .await
        .unwrap_or(false);
        if !ok {
            guard.failed(&actor.username);
            return Err(WebError::field(
                "current",
                "当前密码不正确",
                "the current password is wrong",
            ));
        }
        stored
    };
    guard.succeeded(&actor.username);
    let hash = hash_new_password(guard, "password", new, repeated).await?;
    if stored.is_some() {
        state
            .store
            .set_password(
                Some(actor),
                &actor.username,
                &hash,
                session,
                state.clock.now(),
            )
            .await?;
    }
    Ok(())
}

fn time_hours(h: i64) -> time::Duration {
    time::Duration::hours(h)
}

/// A real argon2 hash of a random password, checked against when the user is unknown, so
/// an unknown name costs the same hashing work as a wrong password.
fn dummy_hash() -> &'static str {
    static HASH: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    HASH.get_or_init(|| hash_password(&new_token()).unwrap_or_default())
}

async fn actor_from_parts(parts: &mut Parts, state: &AppState) -> Result<Option<Actor>, WebError> {
    if let Some(auth) = parts.headers.get(axum::http::header::AUTHORIZATION) {
        let value = auth.to_str().unwrap_or_default();
        let Some(token) = value.strip_prefix("Bearer ") else {
            return Ok(None);
        };
        return Ok(state
            .store
            .api_token_actor(token.trim(), state.clock.now())
            .await?);
    }
    let jar = CookieJar::from_headers(&parts.headers);
    match jar.get(SESSION_COOKIE) {
        Some(c) => Ok(state
            .store
            .session_actor(c.value(), state.clock.now())
            .await?),
        None => Ok(None),
    }
}

/// The signed-in user of an API call; 401 JSON otherwise.
pub struct ApiUser(pub Actor);

impl FromRequestParts<AppState> for ApiUser {
    type Rejection = crate::json::ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        match actor_from_parts(parts, state).await? {
            Some(a) => Ok(ApiUser(a)),
            None => Err(WebError::Unauthenticated.into()),
        }
    }
}

/// The signed-in user of an API call when there is one (public endpoints that an
/// operator may also call signed in).
impl axum::extract::OptionalFromRequestParts<AppState> for ApiUser {
    type Rejection = crate::json::ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Option<Self>, Self::Rejection> {
        Ok(actor_from_parts(parts, state).await?.map(ApiUser))
    }
}

/// The signed-in user of a page; a redirect to the log-in page otherwise.
pub struct PageUser(pub Actor);

impl FromRequestParts<AppState> for PageUser {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        match actor_from_parts(parts, state).await {
            Ok(Some(a)) => {
                crate::scope::set_actor(&a);
                Ok(PageUser(a))
            }
            Ok(None) => {
                let back = parts.uri.path_and_query().map_or("/", |p| p.as_str());
                let encoded = crate::forms::url_encode(back);
                Err(Redirect::to(&format!("/login?next={encoded}")).into_response())
            }
            Err(e) => Err(e.into_response()),
        }
    }
}

/// Only same-site paths are followed after log-in, so `next` cannot send users away.
#[must_use]
pub fn safe_next(next: Option<&str>) -> String {
    // A path on this site, in visible ASCII only: browsers drop tabs and line breaks from
    // a URL ("/\t/evil.example" becomes "//evil.example", another host), and a control
    // character cannot go into a Location header at all.
    let same_site = |n: &str| {
        n.starts_with('/')
            && !n.starts_with("//")
            && n.bytes().all(|b| (0x21..=0x7e).contains(&b) && b != b'\\')
    };
    match next {
        Some(n) if same_site(n) => n.to_string(),
        _ => "/".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn password_round_trip_and_dummy_never_matches() {
        let h = hash_password("demo1234").expect("hash");
        assert!(verify_password("demo1234", &h));
        assert!(!verify_password("demo12345", &h));
        assert!(
            PasswordHash::new(dummy_hash()).is_ok(),
            "the dummy is a real hash"
        );
        assert!(!verify_password("", dummy_hash()));
    }

    #[test]
    fn next_stays_on_site() {
        assert_eq!(safe_next(Some("/ledger?x=1")), "/ledger?x=1");
        assert_eq!(safe_next(Some("//evil.example")), "/");
        assert_eq!(safe_next(Some("/\t/evil.example/x")), "/");
        assert_eq!(safe_next(Some("/\n")), "/");
        assert_eq!(safe_next(Some("/ /evil.example")), "/");
        assert_eq!(safe_next(Some("/\\evil.example")), "/");
        assert_eq!(
            safe_next(Some("/cases?page=2&q=%E6%B2%B3")),
            "/cases?page=2&q=%E6%B2%B3"
        );
        assert_eq!(safe_next(Some("https://evil.example")), "/");
        assert_eq!(safe_next(None), "/");
    }
}
