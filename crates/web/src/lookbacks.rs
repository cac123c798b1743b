//! 回头看 (R14): the look-backs due after a case is closed — scheduled and drawn at random —
//! and per township the recurrences at closed sites, on a page and over the API.

use axum::extract::State;
use axum::response::IntoResponse;
use maud::html;
use minewatch_core::clock::{display_stamp, local_date};

use crate::AppState;
use crate::auth::{ApiUser, PageUser};
use crate::i18n::Lang;
use crate::json::ApiResult;
use crate::pages::{PageResult, layout};
use axum::Json;
use axum::routing::get;
use minewatch_store::{LookBackRow, TownshipLookBacks};

pub(crate) fn page_routes() -> axum::Router<AppState> {
    axum::Router::new().route("/lookbacks", get(page))
}

pub(crate) fn api_routes() -> utoipa_axum::router::OpenApiRouter<AppState> {
    utoipa_axum::router::OpenApiRouter::new().routes(utoipa_axum::routes!(due))
}

pub async fn page(
    State(state): State<AppState>,
    PageUser(actor): PageUser,
    lang: Lang,
) -> PageResult {
    let today = local_date(state.clock.now());
    let tasks = state
        .store
        .look_backs(&actor, today, today + chrono::Duration::days(30))
        .await?;
    let record = state.store.look_back_record(&actor, today).await?;
    let body = html! {
        h1 { (lang.t("回头看", "Look-backs")) }
        p.muted { (lang.t("销号后1、3、6个月回头看，另随机抽取一成案件不定期回头看；在已销号问题原址发现的新线索按“死灰复燃”计入所在乡镇。", "Closed cases are looked at again after 1, 3 and 6 months, and a tenth at random besides; a new clue at a closed site is a recurrence and counts against its township.")) }
        h2 { (lang.t("应回头看（含今后30天）", "Due (and the next 30 days)")) }
        div.scroll { table.lookbacks {
            thead { tr { th { (lang.t("到期", "Due")) } th { (lang.t("案件", "Case")) } th { (lang.t("乡镇/村", "Place")) } th { (lang.t("方式", "Drawn")) } th { (lang.t("状态", "Status")) } } }
            tbody { @for l in &tasks {
                tr.overdue[l.overdue] { td { (l.due_on) } td { a href={"/cases/" (l.case_id)} { (l.case_number) } } td { (l.township) " " (l.village) " " (l.address) }
                    td { (if l.drawn == "random" { lang.t("随机抽查", "at random") } else { lang.t("按期", "scheduled") }) }
                    td { @if let Some(at) = &l.done_at { span.tag.done { (lang.t("已完成 ", "done ")) (display_stamp(at)) } @if l.recurrence { " " span.tag.warn { (lang.t("发现复采", "recurred")) } } }
                         @else if l.overdue { span.tag.warn { (lang.t("逾期", "overdue")) } } @else { span.tag { (lang.t("待办", "to do")) } } }
                }
            } }
        } }
        h2 { (lang.t("各乡镇", "By township")) }
        div.scroll { table {
            thead { tr { th { (lang.t("乡镇", "Township")) } th { (lang.t("已销号", "Closed")) } th { (lang.t("应回头看", "Due")) } th { (lang.t("已完成", "Done")) } th { (lang.t("逾期", "Overdue")) } th { (lang.t("死灰复燃", "Recurrences")) } } }
            tbody { @for r in &record { tr { td { (r.township) } td.num { (r.closed) } td.num { (r.due) } td.num { (r.done) } td.num.warn[r.overdue > 0] { (r.overdue) } td.num.warn[r.recurrences > 0] { (r.recurrences) } } } }
        } }
    };
    Ok(layout(lang, lang.t("回头看", "Look-backs"), Some(&actor), body).into_response())
}

/// Look-backs due and each township's record.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub(crate) struct LookBacks {
    /// Due up to 30 days from today, overdue ones marked.
    look_backs: Vec<LookBackRow>,
    by_township: Vec<TownshipLookBacks>,
}

#[utoipa::path(get, path = "/lookbacks", tag = "lookbacks",
    summary = "Look-backs due in your area and per township the recurrences",
    description = "Scheduled (1, 3 and 6 months after closing) and drawn at random; a new clue at a closed site counts as a recurrence against its township.",
    responses((status = 200, body = LookBacks)))]
async fn due(State(state): State<AppState>, ApiUser(actor): ApiUser) -> ApiResult<Json<LookBacks>> {
    let today = local_date(state.clock.now());
    Ok(Json(LookBacks {
        look_backs: state
            .store
            .look_backs(&actor, today, today + chrono::Duration::days(30))
            .await?,
        by_township: state.store.look_back_record(&actor, today).await?,
    }))
}
