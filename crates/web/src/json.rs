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
