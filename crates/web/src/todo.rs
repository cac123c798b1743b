//! 待办 (to-do): what the signed-in user must do next, on its own page, first on the
//! dashboard, and over the API. Each item opens the record whose form takes the step.

use axum::Json;
use axum::extract::State;
use axum::response::IntoResponse;
use axum::routing::get;
use chrono::NaiveDate;
use maud::{Markup, html};
use minewatch_core::todo::{TodoItem, TodoKind};

use crate::AppState;
use crate::auth::{ApiUser, PageUser};
use crate::i18n::Lang;
use crate::json::ApiResult;
use crate::pages::{PageResult, layout};

pub(crate) fn page_routes() -> axum::Router<AppState> {
    axum::Router::new().route("/todo", get(page))
}

pub(crate) fn api_routes() -> utoipa_axum::router::OpenApiRouter<AppState> {
    utoipa_axum::router::OpenApiRouter::new().routes(utoipa_axum::routes!(todo))
}

/// Where the step of an item is taken.
pub(crate) fn link(item: &TodoItem) -> String {
    let id = item.subject_id;
    match item.kind {
        TodoKind::VerifyCase
        | TodoKind::DecideCase
        | TodoKind::FinishRectification
        | TodoKind::AcceptCase
        | TodoKind::CloseCase
        | TodoKind::SuperviseOverdue
        | TodoKind::LookBack => format!("/cases/{id}"),
        TodoKind::FileEvidence | TodoKind::RefileEvidence | TodoKind::ReviewEvidence => {
            format!("/patches/{id}")
        }
        TodoKind::SignPatrol | TodoKind::ConfirmPatrol => format!("/patrols/{id}"),
        TodoKind::AcceptTip | TodoKind::AnswerTip => format!("/tips/{id}"),
        TodoKind::AnswerLead | TodoKind::ConcludeLead => format!("/leads/{id}"),
        TodoKind::FileZeroReport => "/daily".to_string(),
        TodoKind::PriceLot | TodoKind::DisposeLot => format!("/seizures#lot{id}"),
        TodoKind::FileDispatch => match item.due_on {
            Some(week) => format!("/dispatch?week={week}"),
            None => "/dispatch".to_string(),
        },
    }
}

fn due_words(item: &TodoItem, today: NaiveDate, lang: Lang) -> (String, &'static str) {
    match item.due_on {
        Some(d) if d < today => (
            format!(
                "{}{}{}",
                lang.t("已逾期 ", "overdue "),
                (today - d).num_days(),
                lang.t(" 天", " days")
            ),
            "tag warn",
        ),
        Some(d) if d == today => (lang.t("今天到期", "due today").to_string(), "tag due"),
        Some(d) => (format!("{}{d}", lang.t("到期 ", "due ")), "tag"),
        None => (String::new(), ""),
    }
}

/// The list itself, the first `limit` items (all with `None`).
pub(crate) fn list_markup(
    items: &[TodoItem],
    today: NaiveDate,
    lang: Lang,
    limit: Option<usize>,
) -> Markup {
    let zh = lang.is_zh();
    let shown = limit.map_or(items.len(), |n| n.min(items.len()));
    html! {
        @if items.is_empty() {
            p.ok role="status" { (lang.t("没有待办事项。", "Nothing to do.")) }
        } @else {
            ul.todo {
                @for item in &items[..shown] {
                    @let (due, class) = due_words(item, today, lang);
                    li.overdue[item.overdue(today)] {
                        a href=(link(item)) {
                            strong { (item.kind.label(zh)) }
                            " " (item.subject)
                        }
                        @if !item.place.is_empty() { " " span.muted { (item.place) } }
                        @if !due.is_empty() { " " span class=(class) { (due) } }
                    }
                }
            }
            @if shown < items.len() {
                p { a href="/todo" { (lang.t("全部待办", "All to-dos")) " (" (items.len()) ") ›" } }
            }
        }
    }
}

async fn page(State(state): State<AppState>, PageUser(actor): PageUser, lang: Lang) -> PageResult {
    let now = state.clock.now();
    let items = state.store.todo(&actor, now).await?;
    let today = minewatch_core::clock::local_date(now);
    let overdue = items.iter().filter(|i| i.overdue(today)).count();
    let body = html! {
        h1 { (lang.t("我的待办", "My to-do")) }
        p.muted {
            (lang.t("待办 ", "To do: ")) (items.len())
            @if overdue > 0 { " · " span.tag.warn { (lang.t("逾期 ", "overdue: ")) (overdue) } }
            " · " (lang.t("逾期的排在最前，其余按到期日排列；办完即从清单中消失。", "Overdue first, then by the day due; an item leaves the list once done."))
        }
        (list_markup(&items, today, lang, None))
    };
    Ok(layout(lang, lang.t("待办", "To-do"), Some(&actor), body).into_response())
}

#[utoipa::path(get, path = "/todo", tag = "todo",
    summary = "What you must do next and by when, overdue first",
    description = "Every open step your role takes on the records of your area: cases to verify, decide, finish, accept or close, look-backs due within a week, patches awaiting field evidence or review, patrol records to sign or confirm, tips to accept or answer, leads to answer or conclude, today's daily reports not yet filed.",
    responses((status = 200, body = Vec<TodoItem>)))]
async fn todo(
    State(state): State<AppState>,
    ApiUser(actor): ApiUser,
) -> ApiResult<Json<Vec<TodoItem>>> {
    Ok(Json(state.store.todo(&actor, state.clock.now()).await?))
}
