//! The papers of one case (R27): the 问题交办单 that hands it over, the 督办函 when it is past
//! its deadline, and the 销号审批表 with every sign-off of its closing chain, each from the
//! ledger as it stands (who signed in the system is printed; the seal and hand signatures go
//! on paper).

use axum::extract::{Path, State};
use axum::response::Response;
use minewatch_core::clock::display_stamp;
use minewatch_core::{CaseStatus, ClueSource, Decision, MeasureStep, ProblemKind, Severity};
use minewatch_paper::{
    CaseFields, Closing, Handoff, Paper, Receipt, SignStep, Supervision, TimelineEntry,
};
use minewatch_store::{CaseDetail, CaseId, EventView};

use crate::AppState;
use crate::auth::PageUser;
use crate::error::WebError;
use crate::pages::{PageResult, money};
use crate::print::{cn_date, cn_date_text, county_office, pdf, trace};

fn fields(d: &CaseDetail) -> CaseFields {
    let c = &d.case;
    CaseFields {
        number: c.number.clone(),
        source: ClueSource::from_code(&c.source)
            .map_or_else(|| c.source.clone(), |s| s.label(true).into()),
        place: format!("{}{}", c.township, c.village),
        address: match (c.lon, c.lat) {
            (Some(lon), Some(lat)) => format!("{}（东经{lon:.5}°，北纬{lat:.5}°）", c.address),
            _ => c.address.clone(),
        },
        problem_kind: ProblemKind::from_code(&c.problem_kind)
            .map_or_else(|| c.problem_kind.clone(), |k| k.label(true).into()),
        severity: Severity::from_code(&c.severity)
            .map_or_else(|| c.severity.clone(), |s| s.label(true).into()),
        finding: c.finding.clone(),
        status: CaseStatus::from_code(&c.status)
            .map_or_else(|| c.status.clone(), |s| s.label(true).into()),
        decision: c
            .decision
            .as_deref()
            .and_then(Decision::from_code)
            .map_or_else(String::new, |x| x.label(true).into()),
        lead_department: c.lead_department.clone(),
        responsible_unit: c.responsible_unit.clone(),
        responsible_person: c.responsible_person.clone(),
        measures: c.measures.clone(),
        due_on: c.due_on.as_deref().map_or_else(String::new, cn_date_text),
        opened: cn_date_text(&day_of(&c.opened_at)),
    }
}

/// The day part of a stored stamp, as people read it (Asia/Shanghai).
fn day_of(stamp: &str) -> String {
    display_stamp(stamp).chars().take(10).collect()
}

fn events<'a>(d: &'a CaseDetail, code: &'a str) -> impl Iterator<Item = &'a EventView> + 'a {
    let kind = format!("action.{code}");
    d.events.iter().filter(move |e| e.kind == kind)
}

fn note_of(e: &EventView) -> String {
    super::case::payload_text(&e.payload).unwrap_or_default()
}

async fn case_and_county(
    state: &AppState,
    actor: &minewatch_store::Actor,
    id: CaseId,
) -> Result<(CaseDetail, String, String), WebError> {
    let d = state
        .store
        .case_detail(actor, id, state.clock.today())
        .await?;
    let (code, county) = state.store.county(actor.county_id).await?;
    Ok((d, code, county))
}

/// 问题交办单.
pub(crate) async fn handoff(
    State(state): State<AppState>,
    PageUser(actor): PageUser,
    Path(id): Path<CaseId>,
) -> PageResult<Response> {
    let (d, _, county) = case_and_county(&state, &actor, id).await?;
    let today = state.clock.today();
    let opened = d.events.first();
    let status = CaseStatus::from_code(&d.case.status);
    let due = d
        .case
        .due_on
        .as_deref()
        .map_or_else(String::new, cn_date_text);
    let requirements = match status {
        Some(CaseStatus::Registered) => format!(
            "请于{due}前完成现场核查，核查结论及照片、位置等证据在系统中反馈；属实的提出处置意见。"
        ),
        Some(CaseStatus::Verified) => format!(
            "问题已核实。请于{due}前作出处置决定，明确整改措施、责任单位、责任人和整改时限。"
        ),
        Some(CaseStatus::Rectifying) => format!(
            "请按处置决定于{due}前整改到位，落实“两断三清”，整改完成后在系统中申请验收；涉嫌犯罪的及时移送公安机关。"
        ),
        Some(CaseStatus::AwaitingAcceptance | CaseStatus::Accepted) => {
            "整改已报完成，请牵头部门组织验收，验收合格后报县专项行动办公室销号。".to_string()
        }
        Some(CaseStatus::Closed | CaseStatus::Unfounded) | None => {
            "本问题已办结，本单存档备查。".to_string()
        }
    };
    let year = d.case.opened_at.get(..4).unwrap_or_default().to_string();
    let paper = Paper::new(&Handoff {
        unit: county_office(&county),
        number: format!("{county}打采办交〔{year}〕{}号", d.case.number),
        date: opened.map_or_else(|| cn_date(today), |e| cn_date_text(&day_of(&e.at))),
        // 签发 is the leader's hand on paper: the system does not know who that is.
        signer: String::new(),
        requirements,
        case: fields(&d),
        receipt: Receipt::default(),
        trace: trace(&format!("案件 {} 的台账记录", d.case.number), today),
    });
    Ok(pdf(paper, &format!("handoff-{}.pdf", d.case.number)).await?)
}

/// 督办函: only for a case past its deadline.
pub(crate) async fn supervision(
    State(state): State<AppState>,
    PageUser(actor): PageUser,
    Path(id): Path<CaseId>,
) -> PageResult<Response> {
    let (d, _, county) = case_and_county(&state, &actor, id).await?;
    let today = state.clock.today();
    if d.case.days_overdue <= 0 {
        return Err(WebError::field(
            "due_on",
            format!("案件 {} 未超期，无需督办", d.case.number),
            format!("case {} is not past its deadline", d.case.number),
        )
        .into());
    }
    let calendar = state.store.work_calendar(actor.county_id).await?;
    let new_due = calendar.add_working_days(today, 5);
    let year = today.format("%Y");
    let addressee = if d.case.responsible_unit.is_empty() {
        format!("{}人民政府", d.case.township)
    } else {
        d.case.responsible_unit.clone()
    };
    let paper = Paper::new(&Supervision {
        unit: county_office(&county),
        number: format!("{county}打采办督〔{year}〕{}号", d.case.number),
        title: format!("关于督促办理{}号问题的函", d.case.number),
        date: cn_date(today),
        addressee,
        opened: cn_date_text(&day_of(&d.case.opened_at)),
        as_of: cn_date(today),
        days_overdue: d.case.days_overdue,
        new_due: cn_date(new_due),
        case: fields(&d),
        timeline: d
            .events
            .iter()
            // Bookkeeping events with nothing to say are not part of the story told.
            .filter(|e| !(e.label_zh == "其他" && note_of(e).is_empty()))
            .map(|e| TimelineEntry {
                at: display_stamp(&e.at),
                actor: e.actor.clone(),
                what: match note_of(e) {
                    n if n.is_empty() => e.label_zh.clone(),
                    n => format!("{}：{n}", e.label_zh),
                },
            })
            .collect(),
        trace: trace(&format!("案件 {} 的台账记录", d.case.number), today),
    });
    Ok(pdf(paper, &format!("supervision-{}.pdf", d.case.number)).await?)
}

/// 问题整改销号审批表: the steps not yet taken are left blank, to be signed on paper.
pub(crate) async fn closing(
    State(state): State<AppState>,
    PageUser(actor): PageUser,
    Path(id): Path<CaseId>,
) -> PageResult<Response> {
    let (d, _, _) = case_and_county(&state, &actor, id).await?;
    let today = state.clock.today();
    let lines = |code: &str| {
        events(&d, code)
            .map(|e| {
                let note = note_of(e);
                format!(
                    "{} {}{}",
                    day_of(&e.at),
                    e.label_zh,
                    if note.is_empty() {
                        String::new()
                    } else {
                        format!("：{note}")
                    }
                )
            })
            .collect::<Vec<_>>()
            .join("；")
    };
    let measures = MeasureStep::ALL
        .iter()
        .map(|s| {
            let done = d.state.steps_done.contains(s);
            format!(
                "{}{}",
                s.label(true),
                if done {
                    "（已落实）"
                } else {
                    "（未落实）"
                }
            )
        })
        .collect::<Vec<_>>()
        .join("　");
    let mut transfers = Vec::new();
    for code in [
        "transfer_police",
        "police_filed",
        "transfer_discipline",
        "discipline_concluded",
    ] {
        let l = lines(code);
        if !l.is_empty() {
            transfers.push(l);
        }
    }
    let sign = |code: &str, step: &str, filter: &dyn Fn(&EventView) -> bool| {
        let e = events(&d, code).filter(|e| filter(e)).last();
        SignStep {
            step: step.to_string(),
            opinion: e.map(note_of).unwrap_or_default(),
            signer: e.map(|e| e.actor.clone()).unwrap_or_default(),
            date: e.map(|e| day_of(&e.at)).unwrap_or_default(),
        }
    };
    let passed =
        |e: &EventView| e.payload.get("passed").and_then(serde_json::Value::as_bool) == Some(true);
    let paper = Paper::new(&Closing {
        township: d.case.township.clone(),
        case: fields(&d),
        measures: match d.case.decision.as_deref().and_then(Decision::from_code) {
            None => String::new(),
            Some(x) if x.requires_cuts_and_clears() => measures,
            Some(_) => "不适用".into(),
        },
        money: format!(
            "罚款 {}，没收 {}",
            money(d.case.fine_fen, crate::i18n::Lang::Zh),
            money(d.case.confiscation_fen, crate::i18n::Lang::Zh)
        ),
        transfers: if transfers.is_empty() {
            "无".into()
        } else {
            transfers.join("；")
        },
        rectified: lines("report_rectified"),
        accepted: lines("accept"),
        steps: vec![
            sign("report_rectified", "乡镇申请", &|_| true),
            sign("accept", "部门验收", &passed),
            sign("close", "县级销号", &|_| true),
        ],
        trace: trace(&format!("案件 {} 的台账记录", d.case.number), today),
    });
    Ok(pdf(paper, &format!("closing-{}.pdf", d.case.number)).await?)
}
