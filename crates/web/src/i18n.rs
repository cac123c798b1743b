//! The user's language: zh-CN by default, English when chosen (cookie `lang=en`).

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum_extra::extract::CookieJar;
use std::convert::Infallible;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    Zh,
    En,
}

impl Lang {
    #[must_use]
    pub fn is_zh(self) -> bool {
        self == Lang::Zh
    }

    /// Picks the text for this language; both are written side by side where used.
    #[must_use]
    pub fn t<'a>(self, zh: &'a str, en: &'a str) -> &'a str {
        if self.is_zh() { zh } else { en }
    }

    #[must_use]
    pub fn html_code(self) -> &'static str {
        if self.is_zh() { "zh-CN" } else { "en" }
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Lang {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let jar = CookieJar::from_request_parts(parts, state).await?;
        Ok(
            match jar
                .get("lang")
                .map(axum_extra::extract::cookie::Cookie::value)
            {
                Some("en") => Lang::En,
                _ => Lang::Zh,
            },
        )
    }
}
