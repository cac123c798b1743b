//! One error type for every handler. Internal causes are logged once; clients see a stable
//! code and a message in their language.

use crate::i18n::Lang;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use minewatch_store::StoreError;

#[derive(Debug)]
pub enum WebError {
    /// No valid session or token.
    Unauthenticated,
    /// No API operation at this path and method.
    NoRoute,
    /// A field of the request is missing or wrong.
    Field {
        field: String,
        message_zh: String,
        message_en: String,
    },
    Store(StoreError),
    TooLarge {
        field: String,
        limit_bytes: usize,
    },
    /// A document could not be printed.
    Print(minewatch_paper::PaperError),
    /// A public limit was hit: say so, and when to try again.
    RateLimited {
        field: String,
        retry_after_s: u64,
        message_zh: String,
        message_en: String,
    },
}

impl From<StoreError> for WebError {
    fn from(e: StoreError) -> Self {
        WebError::Store(e)
    }
}

impl WebError {
    pub fn field(field: &str, zh: impl Into<String>, en: impl Into<String>) -> Self {
        WebError::Field {
            field: field.to_string(),
            message_zh: zh.into(),
            message_en: en.into(),
        }
    }

    /// Status, stable code and message for the user.
    pub fn parts(&self, lang: Lang) -> (StatusCode, &'static str, String) {
        let zh = lang.is_zh();
        match self {
            WebError::Unauthenticated => (
                StatusCode::UNAUTHORIZED,
                "unauthenticated",
                lang.t("请先登录", "Please log in").into(),
            ),
            WebError::NoRoute => (
                StatusCode::NOT_FOUND,
                "no_route",
                lang.t("没有这个接口", "no such endpoint").into(),
            ),
            WebError::Field {
                field,
                message_zh,
                message_en,
            } => (
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid_field",
                if zh {
                    format!(
                        "{}：{message_zh}",
                        minewatch_core::ledger::case::field_label(field)
                    )
                } else {
                    format!("field '{field}': {message_en}")
                },
            ),
            WebError::TooLarge { field, limit_bytes } => (
                StatusCode::PAYLOAD_TOO_LARGE,
                "too_large",
                if zh {
                    format!(
                        "“{}”文件过大，上限 {} MB",
                        minewatch_core::ledger::case::field_label(field),
                        limit_bytes / (1024 * 1024)
                    )
                } else {
                    format!(
                        "field '{field}': file larger than {} MB",
                        limit_bytes / (1024 * 1024)
                    )
                },
            ),
            WebError::RateLimited {
                message_zh,
                message_en,
                ..
            } => (
                StatusCode::TOO_MANY_REQUESTS,
                "rate_limited",
                if zh {
                    message_zh.clone()
                } else {
                    message_en.clone()
                },
            ),
            WebError::Print(minewatch_paper::PaperError::NoChineseFont) => (
                StatusCode::SERVICE_UNAVAILABLE,
                "no_font",
                lang.t(
                    "本机未安装中文字体，无法生成文书：请管理员安装 fonts-noto-cjk 或设置 MINEWATCH_FONT_DIR",
                    "no Chinese font on the server: install fonts-noto-cjk or set MINEWATCH_FONT_DIR",
                )
                .into(),
            ),
            WebError::Print(e) => {
                tracing::error!(error = %e, "printing failed");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "internal",
                    lang.t("文书生成失败，请稍后再试", "the document could not be printed")
                        .into(),
                )
            }
            WebError::Store(e) => match e {
                StoreError::NotFound { what, id } => (
                    StatusCode::NOT_FOUND,
                    "not_found",
                    if zh {
                        format!("未找到（{what} {id}）")
                    } else {
                        e.to_string()
                    },
                ),
                StoreError::Invalid { field, reason } => (
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "invalid_field",
                    if zh {
                        format!(
                            "“{}”不正确：{reason}",
                            minewatch_core::ledger::case::field_label(field)
                        )
                    } else {
                        e.to_string()
                    },
                ),
                StoreError::InvalidRow {
                    line,
                    field,
                    reason,
                } => (
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "invalid_row",
                    if zh {
                        format!(
                            "第 {line} 行“{}”不正确：{reason}",
                            minewatch_core::ledger::case::field_label(field)
                        )
                    } else {
                        e.to_string()
                    },
                ),
                StoreError::BadFile(faults) => (
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "bad_file",
                    if zh {
                        format!("文件有误，未导入任何内容：\n{faults}")
                    } else {
                        format!("nothing imported: {faults}")
                    },
                ),
                StoreError::Forbidden(why) => (
                    StatusCode::FORBIDDEN,
                    "forbidden",
                    if zh {
                        "无权执行此操作".into()
                    } else {
                        (*why).to_string()
                    },
                ),
                StoreError::Refused(r) => {
                    let status = if r.code() == "forbidden" {
                        StatusCode::FORBIDDEN
                    } else {
                        StatusCode::CONFLICT
                    };
                    (status, r.code(), r.message(zh))
                }
                _ => {
                    tracing::error!(error = %e, "internal error");
                    (
                        StatusCode::INTERNAL_SERVER_ERROR,
                        "internal",
                        lang.t(
                            "系统内部错误，请稍后再试",
                            "Internal error, please retry later",
                        )
                        .into(),
                    )
                }
            },
        }
    }

    /// The JSON form for API clients.
    pub fn into_json(self, lang: Lang) -> Response {
        let (status, code, message) = self.parts(lang);
        let field = match &self {
            WebError::Field { field, .. }
            | WebError::TooLarge { field, .. }
            | WebError::RateLimited { field, .. } => Some(field.clone()),
            WebError::Store(StoreError::Invalid { field, .. }) => Some((*field).to_string()),
            WebError::Store(StoreError::Refused(
                minewatch_core::Refusal::MissingField { field }
                | minewatch_core::Refusal::InvalidField { field, .. },
            )) => Some((*field).to_string()),
            _ => None,
        };
        let retry = match &self {
            WebError::RateLimited { retry_after_s, .. } => {
                axum::http::HeaderValue::from_str(&retry_after_s.to_string()).ok()
            }
            _ => None,
        };
        let mut resp = (
            status,
            axum::Json(serde_json::json!({"code": code, "message": message, "field": field})),
        )
            .into_response();
        if let Some(v) = retry {
            resp.headers_mut()
                .insert(axum::http::header::RETRY_AFTER, v);
        }
        resp
    }
}

impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        self.into_json(Lang::Zh)
    }
}
