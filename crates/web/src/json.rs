//! The JSON side of every API handler: the body as a type or an error naming what was wrong,
//! and store errors as the API's error body.

use axum::Json;
use axum::response::Response;

use crate::error::WebError;
use crate::i18n::Lang;

pub(crate) fn json_err(lang: Lang) -> impl Fn(WebError) -> Response {
    move |e| e.into_json(lang)
}

pub(crate) fn store_err(lang: Lang) -> impl Fn(minewatch_store::StoreError) -> Response {
    move |e| WebError::from(e).into_json(lang)
}

/// The body as `T`, or a JSON error naming what serde disliked.
#[expect(
    clippy::result_large_err,
    reason = "the error is the finished response, returned once from a handler"
)]
pub(crate) fn body<T>(
    lang: Lang,
    b: Result<Json<T>, axum::extract::rejection::JsonRejection>,
) -> Result<T, Response> {
    b.map(|Json(v)| v).map_err(|e| {
        WebError::field(
            "body",
            format!("请求内容有误：{e}"),
            format!("bad request body: {e}"),
        )
        .into_json(lang)
    })
}

/// Turns any store or web error into the JSON error answer in the user's language.
pub(crate) trait OrJson<T> {
    #[expect(
        clippy::result_large_err,
        reason = "the error is the finished response, returned once from a handler"
    )]
    fn or_json(self, lang: Lang) -> Result<T, Response>;
}

impl<T, E: Into<WebError>> OrJson<T> for Result<T, E> {
    fn or_json(self, lang: Lang) -> Result<T, Response> {
        self.map_err(|e| e.into().into_json(lang))
    }
}

/// Names the field serde complained about, or `fallback`.
pub(crate) fn json_error(e: &serde_json::Error, fallback: &str) -> WebError {
    let msg = e.to_string();
    let field = msg.split('`').nth(1).unwrap_or(fallback).to_string();
    WebError::Field {
        field,
        message_zh: format!("请求内容有误：{msg}"),
        message_en: msg,
    }
}

/// Parses a JSON body, naming the field serde complained about.
pub(crate) fn parse_body<T: serde::de::DeserializeOwned>(body: &[u8]) -> Result<T, WebError> {
    serde_json::from_slice(body).map_err(|e| json_error(&e, "body"))
}

/// The error body every API operation answers with when it refuses.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub(crate) struct ErrorBody {
    /// What kind of refusal: `invalid`, `not_found`, `forbidden`, `unauthenticated`,
    /// `too_large`, `rate_limited`, `conflict`, `no_route`, `internal`.
    pub code: String,
    /// The reason, in the language asked for (`Accept-Language` or `?lang=`).
    pub message: String,
    /// The field the request got wrong, when there is one.
    pub field: Option<String>,
}
