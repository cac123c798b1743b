//! Patrol records (R18): one line of seed 002's 隐患排查报表 each — village, address, what
//! was there, hazards found, measures — signed by the village committee's head and the
//! 包村干部 as real steps by users in those posts, then confirmed by the township.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use minewatch_core::clock::local_date;
use minewatch_core::rights::{Right, may};
use minewatch_core::{ClueSource, ProblemKind, Role, Scope, Severity};
use serde::Serialize;

use super::{ground_scope, in_scope};
use crate::ledger::clues::{NewClue, place};
use crate::ledger::events::{NewEvent, append, stamp};
use crate::{Actor, Result, Store, StoreError};

/// The level a patrol was made at (R16).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PatrolLevel {
    County,
    Township,
    Village,
}

impl PatrolLevel {
    #[must_use]
    pub fn code(self) -> &'static str {
        match self {
            PatrolLevel::County => "county",
            PatrolLevel::Township => "township",
            PatrolLevel::Village => "village",
        }
    }

    #[must_use]
    pub fn from_code(code: &str) -> Option<Self> {
        match code {
            "county" => Some(PatrolLevel::County),
            "township" => Some(PatrolLevel::Township),
            "village" => Some(PatrolLevel::Village),
            _ => None,
        }
    }

    #[must_use]
    pub fn label(self, zh: bool) -> &'static str {
        match (self, zh) {
            (PatrolLevel::County, true) => "县级巡查",
            (PatrolLevel::County, false) => "County patrol",
            (PatrolLevel::Township, true) => "乡镇排查",
            (PatrolLevel::Township, false) => "Township patrol",
            (PatrolLevel::Village, true) => "村级排查",
            (PatrolLevel::Village, false) => "Village patrol",
        }
    }

    fn of(role: Role) -> Option<Self> {
        match role {
            Role::Village => Some(PatrolLevel::Village),
            Role::Township => Some(PatrolLevel::Township),
            Role::CountyOffice | Role::Admin | Role::Department => Some(PatrolLevel::County),
            _ => None,
        }
    }
}

/// A patrol record as filled in on the form.
#[derive(Debug, Clone, Default)]
pub struct NewPatrolRecord {
    pub village_id: i64,
    pub patrolled_on: NaiveDate,
    pub night: bool,
    /// 排查详细地址
    pub address: String,
    /// 现场情况
    pub situation: String,
    /// 发现隐患 (empty: none)
    pub hazards: String,
    /// 整改措施
    pub measures: String,
    /// 备注
    pub remarks: String,
    /// With a kind, the hazard is also filed as a clue in the ledger.
    pub problem_kind: Option<ProblemKind>,
    pub lon: Option<f64>,
    pub lat: Option<f64>,
    pub photos: Vec<String>,
    pub track_id: Option<i64>,
}

/// A sign-off step.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PatrolStep {
    /// 村委负责人签字, by a user of the village.
    HeadSigns,
    /// 包村干部签字, by a user of the township.
    CadreSigns,
    /// 乡镇确认, by the township once both have signed.
    TownshipConfirms,
}

impl PatrolStep {
    #[must_use]
    pub fn from_code(code: &str) -> Option<Self> {
        match code {
            "head" => Some(PatrolStep::HeadSigns),
            "cadre" => Some(PatrolStep::CadreSigns),
            "confirm" => Some(PatrolStep::TownshipConfirms),
            _ => None,
        }
    }

    #[must_use]
    pub fn code(self) -> &'static str {
        match self {
            PatrolStep::HeadSigns => "head",
            PatrolStep::CadreSigns => "cadre",
            PatrolStep::TownshipConfirms => "confirm",
        }
    }
}

/// A signature: the roster's name, and who signed when (if signed).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Signature {
    pub name: String,
    pub signed_by: Option<String>,
    pub signed_at: Option<crate::Stamp>,
    /// Signed from another account than the named person's own (代签, where the county
    /// allows it): shown as "代签：signed_by 代 name", never as the person's signature.
    pub proxy: bool,
}

impl Signature {
    /// How the signature reads on the page and the form: who signed, for whom, when.
    #[must_use]
    pub fn words(&self, zh: bool) -> String {
        match (&self.signed_by, &self.signed_at) {
            (Some(by), Some(at)) => {
                let at = minewatch_core::clock::display_stamp(at);
                match (self.proxy, zh) {
                    (true, true) => format!("代签：{by} 代 {}（{at}）", self.name),
                    (true, false) => format!("signed by {by} on behalf of {} ({at})", self.name),
                    (false, true) => format!("{}（已签 {at}）", self.name),
                    (false, false) => format!("{} (signed {at})", self.name),
                }
            }
            _ => format!(
                "{}（{}）",
                self.name,
                if zh { "未签" } else { "not signed" }
            ),
        }
    }
}

/// Whether an account is the named person's own: its display name is the name, or the name
/// followed by the post in brackets ("张三(村网格员)").
fn is_person(display_name: &str, name: &str) -> bool {
    let (d, n) = (display_name.trim(), name.trim());
    d == n
        || d.strip_prefix(n)
            .is_some_and(|rest| rest.starts_with('(') || rest.starts_with('（'))
}

/// A stored patrol record.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PatrolRow {
    pub id: i64,
    #[schema(value_type = PatrolLevel)]
    pub level: String,
    pub township_id: i64,
    pub township: String,
    pub village_id: i64,
    pub village: String,
    pub patrolled_on: String,
    pub night: bool,
    pub address: String,
    pub situation: String,
    pub hazards: String,
    pub measures: String,
    pub remarks: String,
    pub clue_id: Option<i64>,
    pub case_number: Option<String>,
    pub track_id: Option<i64>,
    pub head: Signature,
    pub cadre: Signature,
    pub confirmed: Signature,
    pub created_by: String,
    pub created_at: crate::Stamp,
}

impl PatrolRow {
    /// Whether `actor` may take `step` now: the head signs as a user of the village, the
    /// 包村干部 as a user of the township, and the township confirms once both have signed.
    #[must_use]
    pub fn may_take(&self, actor: &Actor, step: PatrolStep) -> bool {
        match step {
            PatrolStep::HeadSigns => {
                actor.scope == Scope::Village(self.village_id) && self.head.signed_at.is_none()
            }
            PatrolStep::CadreSigns => {
                actor.scope == Scope::Township(self.township_id) && self.cadre.signed_at.is_none()
            }
            PatrolStep::TownshipConfirms => {
                actor.scope == Scope::Township(self.township_id)
                    && self.confirmed.signed_at.is_none()
                    && self.head.signed_at.is_some()
                    && self.cadre.signed_at.is_some()
            }
        }
    }

    /// The steps still open, in order.
    #[must_use]
    pub fn open_steps(&self) -> Vec<PatrolStep> {
        let mut out = Vec::new();
        if self.head.signed_at.is_none() {
            out.push(PatrolStep::HeadSigns);
        }
        if self.cadre.signed_at.is_none() {
            out.push(PatrolStep::CadreSigns);
        }
        if self.confirmed.signed_at.is_none() {
            out.push(PatrolStep::TownshipConfirms);
        }
        out
    }
}

/// Which records to list.
#[derive(Debug, Clone, Default)]
pub struct PatrolFilter {
    pub township_id: Option<i64>,
    pub village_id: Option<i64>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    pub level: Option<PatrolLevel>,
}

const PATROL_SELECT: &str = "SELECT p.id, p.level, p.township_id, t.name AS township, p.village_id, v.name AS village, p.patrolled_on, p.night, \
     p.address, p.situation, p.hazards, p.measures, p.remarks, p.clue_id, c.number AS case_number, p.track_id, \
     p.head_name, hs.display_name AS head_by, p.head_signed_at, p.head_proxy, p.cadre_name, cs.display_name AS cadre_by, p.cadre_signed_at, p.cadre_proxy, \
     t.name AS confirm_name, fs.display_name AS confirm_by, p.confirmed_at, cu.display_name AS created_by, p.created_at \
     FROM patrol_record p JOIN township t ON t.id = p.township_id JOIN village v ON v.id = p.village_id \
     JOIN app_user cu ON cu.id = p.created_by \
     LEFT JOIN app_user hs ON hs.id = p.head_signed_by LEFT JOIN app_user cs ON cs.id = p.cadre_signed_by \
     LEFT JOIN app_user fs ON fs.id = p.confirmed_by \
     LEFT JOIN clue cl ON cl.id = p.clue_id LEFT JOIN case_file c ON c.id = cl.case_id \
     WHERE p.county_id = $1";

/// A patrol record as [`PATROL_SELECT`] reads it, before its signatures are put together.
#[derive(sqlx::FromRow)]
struct PatrolRecordRow {
    id: i64,
    level: String,
    township_id: i64,
    township: String,
    village_id: i64,
    village: String,
    patrolled_on: String,
    night: bool,
    address: String,
    situation: String,
    hazards: String,
    measures: String,
    remarks: String,
    clue_id: Option<i64>,
    case_number: Option<String>,
    track_id: Option<i64>,
    head_name: String,
    head_by: Option<String>,
    head_signed_at: Option<crate::Stamp>,
    head_proxy: bool,
    cadre_name: String,
    cadre_by: Option<String>,
    cadre_signed_at: Option<crate::Stamp>,
    cadre_proxy: bool,
    confirm_name: String,
    confirm_by: Option<String>,
    confirmed_at: Option<crate::Stamp>,
    created_by: String,
    created_at: crate::Stamp,
}

impl From<PatrolRecordRow> for PatrolRow {
    fn from(r: PatrolRecordRow) -> Self {
        PatrolRow {
            id: r.id,
            level: r.level,
            township_id: r.township_id,
            township: r.township,
            village_id: r.village_id,
            village: r.village,
            patrolled_on: r.patrolled_on,
            night: r.night,
            address: r.address,
            situation: r.situation,
            hazards: r.hazards,
            measures: r.measures,
            remarks: r.remarks,
            clue_id: r.clue_id,
            case_number: r.case_number,
            track_id: r.track_id,
            head: Signature {
                name: r.head_name,
                signed_by: r.head_by,
                signed_at: r.head_signed_at,
                proxy: r.head_proxy,
            },
            cadre: Signature {
                name: r.cadre_name,
                signed_by: r.cadre_by,
                signed_at: r.cadre_signed_at,
                proxy: r.cadre_proxy,
            },
            confirmed: Signature {
                name: r.confirm_name,
                signed_by: r.confirm_by,
                signed_at: r.confirmed_at,
                proxy: false,
            },
            created_by: r.created_by,
            created_at: r.created_at,
        }
    }
}

impl Store {
    /// Files a patrol record at the level of the user's role; a hazard with a kind is also
    /// filed as a clue (source: patrol).
    ///
    /// # Errors
    /// `Forbidden` for roles that do not patrol; `Invalid` naming the field (village outside
    /// the user's area, a day to come or over 30 days ago, empty address or situation, an
    /// unknown track or photo).
    pub async fn add_patrol_record(
        &self,
        actor: &Actor,
        p: &NewPatrolRecord,
        now: DateTime<Utc>,
    ) -> Result<i64> {
        let Some(level) = PatrolLevel::of(actor.role) else {
            return Err(StoreError::Forbidden("this role does not patrol"));
        };
        let township_id: i64 = crate::db::query(
            "SELECT v.township_id FROM village v JOIN township t ON t.id = v.township_id WHERE v.id = $1 AND t.county_id = $2",
        )
        .bind(p.village_id)
        .bind(actor.county_id)
        .fetch_optional_scalar(self.pool())
        .await?
        .ok_or_else(|| StoreError::invalid("village", "no such village in this county"))?;
        if !may(actor.role, Right::ReadPatrolsCountyWide)
            && !in_scope(actor, township_id, Some(p.village_id))
        {
            return Err(StoreError::invalid("village", "outside your area"));
        }
        let today = local_date(now);
        if p.patrolled_on > today {
            return Err(StoreError::invalid(
                "patrolled_on",
                "a patrol cannot be recorded for a day to come",
            ));
        }
        if p.patrolled_on < today - Duration::days(30) {
            return Err(StoreError::invalid(
                "patrolled_on",
                "record a patrol within 30 days",
            ));
        }
        if p.address.trim().is_empty() {
            return Err(StoreError::invalid("address", "排查详细地址 is required"));
        }
        if p.situation.trim().is_empty() {
            return Err(StoreError::invalid("situation", "现场情况 is required"));
        }
        crate::error::check_lengths(&[
            ("address", &p.address),
            ("situation", &p.situation),
            ("hazards", &p.hazards),
            ("measures", &p.measures),
            ("remarks", &p.remarks),
        ])?;
        if p.problem_kind.is_some() && p.hazards.trim().is_empty() {
            return Err(StoreError::invalid(
                "hazards",
                "describe the hazard to file it in the ledger",
            ));
        }
        self.check_attachments(&p.photos).await?;
        if let Some(tid) = p.track_id {
            let n: i64 = crate::db::query(
                "SELECT COUNT(*) AS n FROM patrol_track WHERE id = $1 AND county_id = $2",
            )
            .bind(tid)
            .bind(actor.county_id)
            .fetch_scalar(self.pool())
            .await?;
            if n == 0 {
                return Err(StoreError::invalid("track", format!("no track {tid}")));
            }
        }
        let grid = crate::db::query("SELECT directly_responsible, village_cadre FROM grid WHERE village_id = $1 ORDER BY id")
            .bind(p.village_id)
            .fetch_optional_as::<(String, String)>(self.pool())
            .await?;
        let (head_name, cadre_name) = grid.unwrap_or_default();
        let clue = match p.problem_kind {
            Some(kind) => {
                let c = NewClue {
                    source: ClueSource::Patrol,
                    township_id,
                    village_id: Some(p.village_id),
                    address: p.address.trim().to_string(),
                    lon: p.lon,
                    lat: p.lat,
                    observed_at: None,
                    description: p.hazards.trim().to_string(),
                    problem_kind: kind,
                    severity: Severity::General,
                    reporter_name: String::new(),
                    reporter_phone: String::new(),
                    attachments: p.photos.clone(),
                };
                let point = place(&c)?;
                Some((c, point))
            }
            None => None,
        };
        let at = stamp(now);
        let mut tx = self.begin_write(&at).await?;
        let outcome = match &clue {
            Some((c, point)) => Some(
                self.file_clue_tx(&mut tx, actor, c, *point, now, &at)
                    .await?,
            ),
            None => None,
        };
        let id: i64 = crate::db::query(
            "INSERT INTO patrol_record (county_id, level, township_id, village_id, patrolled_on, night, address, situation, hazards, measures, remarks, \
             clue_id, track_id, cadre_name, head_name, created_by, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17) RETURNING id",
        )
        .bind(actor.county_id)
        .bind(level.code())
        .bind(township_id)
        .bind(p.village_id)
        .bind(p.patrolled_on.to_string())
        .bind(p.night)
        .bind(p.address.trim().to_string())
        .bind(p.situation.trim().to_string())
        .bind(p.hazards.trim().to_string())
        .bind(p.measures.trim().to_string())
        .bind(p.remarks.trim().to_string())
        .bind(outcome.as_ref().map(|o| o.clue_id))
        .bind(p.track_id)
        .bind(cadre_name)
        .bind(head_name)
        .bind(actor.user_id)
        .bind(at.clone())
        .fetch_scalar(&mut *tx)
        .await?;
        append(
            &mut tx,
            NewEvent {
                at: &at,
                actor: Some(actor.user_id),
                county_id: actor.county_id,
                case_id: outcome.as_ref().map(|o| o.case_id),
                clue_id: outcome.as_ref().map(|o| o.clue_id),
                kind: "patrol.recorded",
                payload: serde_json::json!({
                    "patrol": id, "level": level.code(), "village": p.village_id,
                    "patrolled_on": p.patrolled_on.to_string(), "address": p.address.trim(),
                    "situation": p.situation.trim(), "hazards": p.hazards.trim(),
                })
                .to_string(),
                attachments: &p.photos,
            },
        )
        .await?;
        crate::attachments::record_use(
            &mut tx,
            actor.county_id,
            crate::attachments::Owner::Patrol(id),
            &p.photos,
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Patrol records in the user's area.
    ///
    /// # Errors
    /// On database failure.
    pub async fn patrol_records(&self, actor: &Actor, f: &PatrolFilter) -> Result<Vec<PatrolRow>> {
        let (t, v) = match ground_scope(actor) {
            Some(s) => s,
            None if may(actor.role, Right::ReadPatrolsCountyWide) => (None, None),
            None => return Ok(Vec::new()),
        };
        let rows = crate::db::query(format!(
            "{PATROL_SELECT} AND ($2 IS NULL OR p.township_id = $2) AND ($3 IS NULL OR p.village_id = $3) \
             AND ($4 IS NULL OR p.township_id = $4) AND ($5 IS NULL OR p.village_id = $5) \
             AND ($6 IS NULL OR p.patrolled_on >= $6) AND ($7 IS NULL OR p.patrolled_on <= $7) AND ($8 IS NULL OR p.level = $8) \
             ORDER BY p.patrolled_on, p.township_id, p.village_id, p.id"
        ))
        .bind(actor.county_id)
        .bind(t)
        .bind(v)
        .bind(f.township_id)
        .bind(f.village_id)
        .bind(f.from.map(|d| d.to_string()))
        .bind(f.to.map(|d| d.to_string()))
        .bind(f.level.map(PatrolLevel::code))
        .fetch_all_as::<PatrolRecordRow>(self.pool())
        .await?;
        Ok(rows.into_iter().map(PatrolRow::from).collect())
    }

    /// One patrol record.
    ///
    /// # Errors
    /// `NotFound` when absent or out of the user's area.
    pub async fn patrol_record(&self, actor: &Actor, id: i64) -> Result<PatrolRow> {
        let p: PatrolRow = crate::db::query(format!("{PATROL_SELECT} AND p.id = $2"))
            .bind(actor.county_id)
            .bind(id)
            .fetch_optional_as::<PatrolRecordRow>(self.pool())
            .await?
            .ok_or_else(|| StoreError::not_found("patrol record", id))?
            .into();
        if !may(actor.role, Right::ReadPatrolsCountyWide)
            && !in_scope(actor, p.township_id, Some(p.village_id))
        {
            return Err(StoreError::not_found("patrol record", id));
        }
        Ok(p)
    }

    /// The photos of a patrol record in the user's area.
    ///
    /// # Errors
    /// `NotFound` out of area; database errors.
    pub async fn patrol_photos(&self, actor: &Actor, id: i64) -> Result<Vec<String>> {
        self.patrol_record(actor, id).await?;
        Ok(crate::db::query(
            "SELECT sha256 FROM attachment_use WHERE owner = 'patrol' AND owner_id = $1 AND county_id = $2 ORDER BY sha256",
        )
        .bind(id)
        .bind(actor.county_id)
        .fetch_all_scalar(self.pool())
        .await?)
    }

    /// Signs or confirms a patrol record. The head signs as a user of the village, the
    /// 包村干部 as a user of the township, and the township confirms after both.
    ///
    /// # Errors
    /// `NotFound` out of area; `Forbidden` for the wrong post; `Invalid` when the step was
    /// taken already or, for confirmation, a signature is missing.
    pub async fn sign_patrol_record(
        &self,
        actor: &Actor,
        id: i64,
        step: PatrolStep,
        now: DateTime<Utc>,
    ) -> Result<PatrolRow> {
        let p = self.patrol_record(actor, id).await?;
        // A person's signature: theirs, or recorded as given on their behalf where the
        // county allows that, or refused.
        let named = match step {
            PatrolStep::HeadSigns => Some(p.head.name.clone()),
            PatrolStep::CadreSigns => Some(p.cadre.name.clone()),
            PatrolStep::TownshipConfirms => None,
        };
        let proxy = named
            .as_deref()
            .is_some_and(|n| !n.trim().is_empty() && !is_person(&actor.display_name, n));
        if proxy {
            let settings = self.duty_settings(actor.county_id, local_date(now)).await?;
            if !settings.proxy_signing {
                return Err(StoreError::Forbidden(
                    "this signature is the named person's own: sign from their account (the county does not allow proxy signing) / 须由本人账号签字，本县未开启代签",
                ));
            }
        }
        let (column_by, column_at, done) = match step {
            PatrolStep::HeadSigns => {
                if actor.scope != Scope::Village(p.village_id) {
                    return Err(StoreError::Forbidden(
                        "the village committee's head signs as a user of the village",
                    ));
                }
                (
                    "head_signed_by",
                    "head_signed_at",
                    p.head.signed_at.is_some(),
                )
            }
            PatrolStep::CadreSigns => {
                if actor.scope != Scope::Township(p.township_id) {
                    return Err(StoreError::Forbidden(
                        "the 包村干部 signs as a user of the township",
                    ));
                }
                (
                    "cadre_signed_by",
                    "cadre_signed_at",
                    p.cadre.signed_at.is_some(),
                )
            }
            PatrolStep::TownshipConfirms => {
                if actor.scope != Scope::Township(p.township_id) {
                    return Err(StoreError::Forbidden(
                        "the township confirms its own records",
                    ));
                }
                if p.head.signed_at.is_none() || p.cadre.signed_at.is_none() {
                    return Err(StoreError::invalid(
                        "step",
                        "both the village committee's head and the 包村干部 must sign first",
                    ));
                }
                (
                    "confirmed_by",
                    "confirmed_at",
                    p.confirmed.signed_at.is_some(),
                )
            }
        };
        if done {
            return Err(StoreError::invalid("step", "this step was taken already"));
        }
        let at = stamp(now);
        let mut tx = self.begin_write(&at).await?;
        let signed = crate::db::query(format!(
            "UPDATE patrol_record SET {column_by} = $1, {column_at} = $2 WHERE id = $3 AND {column_at} IS NULL"
        ))
        .bind(actor.user_id)
        .bind(at.clone())
        .bind(id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if signed != 1 {
            return Err(StoreError::invalid("step", "this step was taken already"));
        }
        // Only a person's signature can be given on their behalf; confirmation is the unit's.
        let proxy_column = match step {
            PatrolStep::HeadSigns => Some("head_proxy"),
            PatrolStep::CadreSigns => Some("cadre_proxy"),
            PatrolStep::TownshipConfirms => None,
        };
        if let (true, Some(column)) = (proxy, proxy_column) {
            crate::db::query(format!(
                "UPDATE patrol_record SET {column} = TRUE WHERE id = $1"
            ))
            .bind(id)
            .execute(&mut *tx)
            .await?;
        }
        append(
            &mut tx,
            NewEvent {
                at: &at,
                actor: Some(actor.user_id),
                county_id: actor.county_id,
                case_id: None,
                clue_id: None,
                kind: "patrol.signed",
                payload: serde_json::json!({
                    "patrol": id, "step": step.code(),
                    "for": named, "proxy": proxy,
                })
                .to_string(),
                attachments: &[],
            },
        )
        .await?;
        tx.commit().await?;
        self.patrol_record(actor, id).await
    }
}
