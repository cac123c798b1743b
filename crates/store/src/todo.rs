//! 待办 (to-do): every step a user must take next, gathered from the records the user may
//! see — open cases, satellite patches, patrol records, tips, leads, look-backs and today's
//! daily reports — each only where the user's role takes that step. Nothing is stored: an
//! item is there while its step is open and gone once it is taken.

use chrono::{DateTime, NaiveDate, Utc};
use minewatch_core::clock::local_date;
use minewatch_core::dispatch::{week_ending, week_start};
use minewatch_core::rights::{Right, may, may_administer_county};
use minewatch_core::todo::{TodoItem, TodoKind, case_step, looks_back, order};
use minewatch_core::{CaseStatus, Role};

use crate::patrol::patrols::{PatrolFilter, PatrolStep};
use crate::patrol::reports::DayMark;
use crate::{Actor, PatchFilter, Result, Store};

/// How far ahead look-backs are listed: the week to come.
const LOOK_BACK_DAYS_AHEAD: i64 = 7;

fn day(text: Option<&str>) -> Option<NaiveDate> {
    text.and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
}

fn place(township: &str, village: &str) -> String {
    [township, village]
        .into_iter()
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

impl Store {
    /// What `actor` must do, as of `now`: overdue first, then by the day due.
    ///
    /// # Errors
    /// On database failure.
    pub async fn todo(&self, actor: &Actor, now: DateTime<Utc>) -> Result<Vec<TodoItem>> {
        let today = local_date(now);
        let mut items = Vec::new();
        self.case_todo(actor, today, &mut items).await?;
        self.patch_todo(actor, &mut items).await?;
        self.patrol_todo(actor, &mut items).await?;
        self.tip_todo(actor, today, &mut items).await?;
        self.lead_todo(actor, &mut items).await?;
        self.report_todo(actor, today, now, &mut items).await?;
        self.dispatch_todo(actor, today, &mut items).await?;
        self.seizure_todo(actor, now, &mut items).await?;
        order(&mut items);
        Ok(items)
    }

    async fn case_todo(
        &self,
        actor: &Actor,
        today: NaiveDate,
        items: &mut Vec<TodoItem>,
    ) -> Result<()> {
        // The county office may take every step, but its own are acceptance and closing;
        // the rest are the townships' and departments', and it chases them once escalated.
        let office = may_administer_county(actor.role);
        for c in self.open_cases(actor, today).await? {
            let step = CaseStatus::from_code(&c.status).and_then(|s| case_step(actor.role, s));
            let kind = match step {
                _ if office && c.escalated => TodoKind::SuperviseOverdue,
                Some(k @ (TodoKind::AcceptCase | TodoKind::CloseCase)) => k,
                Some(k) if !office => k,
                _ => continue,
            };
            items.push(TodoItem {
                kind,
                subject_id: c.id.0,
                subject: c.number,
                place: place(&c.township, &c.village),
                due_on: day(c.due_on.as_deref()),
            });
        }
        if looks_back(actor.role) {
            let until = today + chrono::Duration::days(LOOK_BACK_DAYS_AHEAD);
            // One look-back done answers the earliest due, so a case is listed once, by it.
            let mut listed = std::collections::HashSet::new();
            for l in self.look_backs(actor, today, until).await? {
                if l.done_at.is_some() || !listed.insert(l.case_id) {
                    continue;
                }
                items.push(TodoItem {
                    kind: TodoKind::LookBack,
                    subject_id: l.case_id.0,
                    subject: l.case_number,
                    place: place(&l.township, &l.village),
                    due_on: day(Some(&l.due_on)),
                });
            }
        }
        Ok(())
    }

    async fn patch_todo(&self, actor: &Actor, items: &mut Vec<TodoItem>) -> Result<()> {
        let mut wanted = Vec::new();
        // The county office may file evidence too, but every pending patch of the county is not its
        // to-do: the village and the township file it.
        if may(actor.role, Right::FileFieldEvidence)
            && !matches!(actor.role, Role::CountyOffice | Role::Admin)
        {
            wanted.push(("pending", TodoKind::FileEvidence));
            wanted.push(("returned", TodoKind::RefileEvidence));
        }
        if may_administer_county(actor.role) {
            wanted.push(("submitted", TodoKind::ReviewEvidence));
        }
        for (status, kind) in wanted {
            let filter = PatchFilter {
                status: Some(status.to_string()),
                ..PatchFilter::default()
            };
            for p in self.patches(actor, &filter).await? {
                items.push(TodoItem {
                    kind,
                    subject_id: p.id.0,
                    subject: p.patch_no,
                    place: place(
                        p.township.as_deref().unwrap_or_default(),
                        p.village.as_deref().unwrap_or_default(),
                    ),
                    due_on: None,
                });
            }
        }
        Ok(())
    }

    async fn patrol_todo(&self, actor: &Actor, items: &mut Vec<TodoItem>) -> Result<()> {
        if !matches!(actor.role, Role::Village | Role::Township) {
            return Ok(());
        }
        for p in self.patrol_records(actor, &PatrolFilter::default()).await? {
            let step = p.open_steps().into_iter().find(|s| p.may_take(actor, *s));
            let Some(step) = step else { continue };
            // Who signs: the roster names the person (another account signs only as 代签,
            // where the county allows it).
            let signer = match step {
                PatrolStep::HeadSigns => p.head.name.as_str(),
                PatrolStep::CadreSigns => p.cadre.name.as_str(),
                PatrolStep::TownshipConfirms => "",
            };
            let subject = if signer.is_empty() {
                format!("{} {}", p.patrolled_on, p.address)
            } else {
                format!("{} {}（{signer}）", p.patrolled_on, p.address)
            };
            items.push(TodoItem {
                kind: if step == PatrolStep::TownshipConfirms {
                    TodoKind::ConfirmPatrol
                } else {
                    TodoKind::SignPatrol
                },
                subject_id: p.id,
                subject,
                place: place(&p.township, &p.village),
                due_on: None,
            });
        }
        Ok(())
    }

    async fn tip_todo(
        &self,
        actor: &Actor,
        today: NaiveDate,
        items: &mut Vec<TodoItem>,
    ) -> Result<()> {
        let accepts = may(actor.role, Right::AcceptTip);
        let answers = may(actor.role, Right::AnswerTip);
        if !accepts && !answers {
            return Ok(());
        }
        for t in self.tips(actor, today).await? {
            let (kind, due) = match (t.accepted_at.is_none(), t.answered_at.is_none()) {
                (true, _) if accepts => (TodoKind::AcceptTip, Some(t.accept_by.as_str())),
                (false, true) if answers && t.answer_by.is_some() => {
                    (TodoKind::AnswerTip, t.answer_by.as_deref())
                }
                _ => continue,
            };
            items.push(TodoItem {
                kind,
                subject_id: t.id,
                subject: t.tracking_code,
                place: place(&t.township, &t.village),
                due_on: day(due),
            });
        }
        Ok(())
    }

    async fn lead_todo(&self, actor: &Actor, items: &mut Vec<TodoItem>) -> Result<()> {
        if !may(actor.role, Right::ReadLeads) {
            return Ok(());
        }
        let concludes = may(actor.role, Right::ConcludeLead);
        for l in self.leads(actor, None).await? {
            if !l.conclusion.is_empty() {
                continue;
            }
            let kind = if actor.scope == minewatch_core::Scope::Township(l.township_id)
                && l.answer.is_empty()
            {
                TodoKind::AnswerLead
            } else if concludes && !l.answer.is_empty() {
                TodoKind::ConcludeLead
            } else {
                continue;
            };
            items.push(TodoItem {
                kind,
                subject_id: l.id,
                subject: l.case_number,
                place: place(&l.township, &l.village),
                due_on: None,
            });
        }
        Ok(())
    }

    async fn report_todo(
        &self,
        actor: &Actor,
        today: NaiveDate,
        now: DateTime<Utc>,
        items: &mut Vec<TodoItem>,
    ) -> Result<()> {
        if actor.role != Role::Village || !may(actor.role, Right::FileZeroReport) {
            return Ok(());
        }
        let board = self.report_board(actor, today, today, now).await?;
        for g in board.grids {
            if g.days
                .iter()
                .any(|(d, m)| *d == today && *m == DayMark::Open)
            {
                items.push(TodoItem {
                    kind: TodoKind::FileZeroReport,
                    subject_id: g.place.grid_id,
                    subject: g.place.grid,
                    place: place(&g.place.township, &g.place.village),
                    due_on: Some(today),
                });
            }
        }
        Ok(())
    }

    async fn dispatch_todo(
        &self,
        actor: &Actor,
        today: NaiveDate,
        items: &mut Vec<TodoItem>,
    ) -> Result<()> {
        let minewatch_core::Scope::Township(township_id) = actor.scope else {
            return Ok(());
        };
        if !may(actor.role, Right::FileDispatch) {
            return Ok(());
        }
        let this_week = week_ending(today);
        let owed = self
            .owed_dispatch(actor.county_id, township_id, today)
            .await?;
        // This week's is listed from Thursday, a day before it is due; a missed one at once.
        if owed > this_week {
            return Ok(());
        }
        if owed < this_week || today + chrono::Duration::days(1) >= this_week {
            items.push(TodoItem {
                kind: TodoKind::FileDispatch,
                subject_id: township_id,
                subject: format!("{} — {owed}", week_start(owed)),
                place: String::new(),
                due_on: Some(owed),
            });
        }
        Ok(())
    }

    /// Lots waiting for their price (the pricing office's, due two working days after
    /// sealing) and priced lots waiting for their sale (the county office's).
    async fn seizure_todo(
        &self,
        actor: &Actor,
        now: DateTime<Utc>,
        items: &mut Vec<TodoItem>,
    ) -> Result<()> {
        let prices = actor.role == Role::Department && self.may_price_lots(actor).await?;
        let sells = may(actor.role, Right::DisposeSeizure);
        if !prices && !sells {
            return Ok(());
        }
        for l in self.lots(actor, now).await? {
            let subject = format!(
                "{} {}{}（{}）",
                l.mineral,
                minewatch_core::seizure::show_quantity(l.quantity_milli),
                l.unit,
                l.case_number
            );
            let kind = match (l.price_fen.is_some(), l.disposed_on.is_some()) {
                (false, _) if prices => TodoKind::PriceLot,
                (true, false) if sells => TodoKind::DisposeLot,
                _ => continue,
            };
            items.push(TodoItem {
                kind,
                subject_id: l.id,
                subject,
                place: l.township,
                due_on: (kind == TodoKind::PriceLot).then_some(l.price_due_on),
            });
        }
        Ok(())
    }
}
