//! Public tips (R4, R13): a citizen's report without an account, filed as a clue (so it is
//! routed and merged like any other, R3/R10), answered with a tracking code and a secret that
//! show the tipster its progress and nothing else. The clocks run in working days: accepted
//! within a working day, checked within a set number, answered at the end. The tipster's
//! identity is kept apart from the ledger and seen by the reward officer only; rewards are
//! in `rewards`. The working-day calendar the clocks run on is `crate::calendar`.

pub(crate) mod rewards;

use chrono::{DateTime, NaiveDate, Utc};
use minewatch_core::calendar::WorkCalendar;
use minewatch_core::clock::local_date;
use minewatch_core::rights::{Right, may};
use minewatch_core::{ClueSource, ProblemKind, Role, Scope, Severity};
use minewatch_spatial::LonLat;
use rand::Rng;
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::calendar::work_calendar_in;
use crate::ledger::clues::NewClue;
use crate::ledger::events::{NewEvent, append, stamp};
use crate::{Actor, Result, Store, StoreError};

/// Longest description accepted.
pub const MAX_TIP_CHARS: usize = 2000;
/// Most photos with one tip.
pub const MAX_TIP_PHOTOS: usize = 5;
/// A second tip with the same content within this many hours is refused as a duplicate.
pub const DUPLICATE_HOURS: i64 = 24;

/// How a tip came in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum TipChannel {
    Web,
    Wechat,
    /// Taken down by the hotline operator, who is recorded.
    Hotline,
}

impl TipChannel {
    #[must_use]
    pub fn code(self) -> &'static str {
        match self {
            TipChannel::Web => "web",
            TipChannel::Wechat => "wechat",
            TipChannel::Hotline => "hotline",
        }
    }

    #[must_use]
    pub fn from_code(c: &str) -> Option<Self> {
        match c {
            "web" => Some(TipChannel::Web),
            "wechat" => Some(TipChannel::Wechat),
            "hotline" => Some(TipChannel::Hotline),
            _ => None,
        }
    }

    #[must_use]
    pub fn label(code: &str, zh: bool) -> &'static str {
        match (code, zh) {
            ("web", true) => "网站",
            ("web", false) => "Web",
            ("wechat", true) => "微信",
            ("wechat", false) => "WeChat",
            ("hotline", true) => "举报电话",
            ("hotline", false) => "Hotline",
            (_, true) => "其他",
            (_, false) => "Other",
        }
    }
}

/// A tip as the citizen (or the hotline operator) gives it.
#[derive(Debug, Clone)]
pub struct NewTip {
    pub channel: TipChannel,
    pub description: String,
    pub problem_kind: ProblemKind,
    pub township_id: Option<i64>,
    pub village_id: Option<i64>,
    pub address: String,
    pub lon: Option<f64>,
    pub lat: Option<f64>,
    pub observed_at: Option<DateTime<Utc>>,
    /// SHA-256 of photos stored before.
    pub photos: Vec<String>,
    /// For the reward; optional.
    pub name: String,
    pub phone: String,
    /// A keyed hash of where it came from (address, device), for limits and duplicates.
    pub source_hash: String,
    /// When the hotline call came in.
    pub call_at: Option<DateTime<Utc>>,
}

/// A tip's progress as its rows hold it, before the secret is checked.
#[derive(sqlx::FromRow)]
struct StoredProgress {
    tracking_code: String,
    secret_sha256: String,
    received_at: crate::Stamp,
    accepted_at: Option<crate::Stamp>,
    verified_at: Option<crate::Stamp>,
    answered_at: Option<crate::Stamp>,
    answer: String,
    status: String,
    amount_fen: Option<i64>,
    approved_at: Option<crate::Stamp>,
    paid_at: Option<crate::Stamp>,
}

/// What the tipster takes away: shown once, never stored in the clear.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct TipReceipt {
    pub tracking_code: String,
    pub secret: String,
    pub accept_by: NaiveDate,
}

/// One step of a tip as the tipster sees it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct TipStep {
    pub code: &'static str,
    pub done_at: Option<crate::Stamp>,
}

/// All the tipster may see: the steps, the answer, the reward — not the case.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct TipProgress {
    pub tracking_code: String,
    pub received_at: crate::Stamp,
    pub steps: Vec<TipStep>,
    /// "founded", "unfounded" or none yet.
    pub finding: Option<&'static str>,
    pub answer: String,
    pub reward_status: Option<&'static str>,
    pub reward_fen: Option<i64>,
}

/// A tip in the office's list.
#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct TipRow {
    pub id: i64,
    pub tracking_code: String,
    #[schema(value_type = TipChannel)]
    pub channel: String,
    pub operator: Option<String>,
    pub received_at: crate::Stamp,
    pub accept_by: String,
    pub accepted_at: Option<crate::Stamp>,
    pub verify_by: Option<String>,
    pub answer_by: Option<String>,
    pub answered_at: Option<crate::Stamp>,
    pub answer: String,
    pub case_id: crate::CaseId,
    pub case_number: String,
    #[schema(value_type = minewatch_core::CaseStatus)]
    pub case_status: String,
    pub township: String,
    pub village: String,
    pub description: String,
    /// Whether the tipster left a name or phone: told to the reward officer and the
    /// inspectors only (`None` for everyone else).
    pub has_identity: Option<bool>,
    /// Steps late as of the day asked: "accept", "verify", "answer".
    #[sqlx(skip)]
    pub late: Vec<&'static str>,
    /// Steps due today or the next working day.
    #[sqlx(skip)]
    pub due_soon: Vec<&'static str>,
}

/// A step of a tip not taken in time, for the accountability list (R26).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct TipLapse {
    pub tip_id: i64,
    pub tracking_code: String,
    pub case_id: crate::CaseId,
    pub case_number: String,
    pub township: String,
    /// "not_accepted", "not_verified" or "not_answered".
    pub kind: &'static str,
    pub due_on: String,
    /// When it was finally done, if it was.
    pub done_at: Option<crate::Stamp>,
}

impl TipLapse {
    #[must_use]
    pub fn label(kind: &str, zh: bool) -> &'static str {
        match (kind, zh) {
            ("not_accepted", true) => "举报不受理（逾期未受理）",
            ("not_accepted", false) => "Tip not accepted in time",
            ("not_verified", true) => "举报不核实（逾期未核实）",
            ("not_verified", false) => "Tip not checked in time",
            ("not_answered", true) => "举报未按时答复",
            ("not_answered", false) => "Tipster not answered in time",
            (_, true) => "其他",
            (_, false) => "Other",
        }
    }
}

/// The tipster's identity, for the reward officer.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Tipster {
    pub tip_id: i64,
    pub name: String,
    pub phone: String,
}

/// Working days each step may take; the office may change them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct TipPolicy {
    pub accept_days: u32,
    pub verify_days: u32,
    pub answer_days: u32,
}

impl Default for TipPolicy {
    fn default() -> Self {
        // Accepted within a working day (R13); checked within ten; answered within five more.
        TipPolicy {
            accept_days: 1,
            verify_days: 10,
            answer_days: 5,
        }
    }
}

const CODE_ALPHABET: &[u8] = b"23456789ABCDEFGHJKLMNPQRSTUVWXYZ";

fn random_text(rng: &mut impl Rng, n: usize) -> String {
    (0..n)
        .map(|_| char::from(CODE_ALPHABET[rng.gen_range(0..CODE_ALPHABET.len())]))
        .collect()
}

fn sha256_hex(text: &str) -> String {
    hex::encode(Sha256::digest(text.as_bytes()))
}

/// Refuses a tip whose content was received since `since` (a double send, a resent form).
async fn refuse_duplicate<E>(
    conn: E,
    county_id: i64,
    content: &str,
    since: &crate::Stamp,
) -> Result<()>
where
    E: crate::db::Executor,
{
    let dup: i64 = crate::db::query(
        "SELECT COUNT(*) AS n FROM tip WHERE county_id = $1 AND content_sha256 = $2 AND received_at >= $3",
    )
    .bind(county_id)
    .bind(content.to_string())
    .bind(since)
    .fetch_scalar(conn).await?;
    if dup > 0 {
        return Err(StoreError::invalid(
            "description",
            "the same tip was received in the last 24 hours; it is being handled",
        ));
    }
    Ok(())
}

/// Equal digests compared without an early exit, so timing tells nothing of the secret.
fn same(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

/// Normalises a tracking code as people type it: upper case, no spaces or dashes.
#[must_use]
pub fn normalise_code(code: &str) -> String {
    code.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

pub(crate) async fn tip_policy_in(conn: &mut crate::db::Conn, county_id: i64) -> Result<TipPolicy> {
    let row = crate::db::query(
        "SELECT accept_days, verify_days, answer_days FROM tip_policy WHERE county_id = $1",
    )
    .bind(county_id)
    .fetch_optional_as::<(i64, i64, i64)>(&mut *conn)
    .await?;
    let Some((accept, verify, answer)) = row else {
        return Ok(TipPolicy::default());
    };
    let days = |name: &str, n: i64| -> Result<u32> {
        u32::try_from(n).map_err(|_| StoreError::Corrupt(format!("tip_policy {name}")))
    };
    Ok(TipPolicy {
        accept_days: days("accept_days", accept)?,
        verify_days: days("verify_days", verify)?,
        answer_days: days("answer_days", answer)?,
    })
}

/// Called inside the case's write transaction when a case is verified: every tip on it now
/// owes the tipster an answer within the answer clock.
/// After a step on a case: once checked, the case's tipsters are owed an answer.
pub(crate) fn on_case_step<'a>(
    tx: &'a mut crate::hooks::Tx,
    step: &'a crate::hooks::Step<'a>,
) -> crate::hooks::HookFuture<'a> {
    Box::pin(async move {
        if matches!(step.action, minewatch_core::CaseAction::Verify { .. }) {
            start_answer_clock(tx, step.county_id, step.case_id, step.now).await?;
        }
        Ok(())
    })
}

pub(crate) async fn start_answer_clock(
    conn: &mut crate::db::Conn,
    county_id: i64,
    case_id: crate::CaseId,
    now: DateTime<Utc>,
) -> Result<()> {
    let cal = work_calendar_in(conn, county_id).await?;
    let policy = tip_policy_in(conn, county_id).await?;
    let by = cal.add_working_days(local_date(now), policy.answer_days);
    crate::db::query(
        "UPDATE tip SET answer_by = $1, verified_at = $2 WHERE answer_by IS NULL AND clue_id IN (SELECT id FROM clue WHERE case_id = $3)",
    )
    .bind(by.to_string())
    .bind(stamp(now))
    .bind(case_id)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

fn day_of(stamp: &str) -> Option<NaiveDate> {
    DateTime::parse_from_rfc3339(stamp)
        .ok()
        .map(|t| local_date(t.with_timezone(&Utc)))
}

fn parse_day(text: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").ok()
}

const TIP_SELECT: &str = "SELECT t.id, t.tracking_code, t.channel, op.display_name AS operator, t.received_at, t.accept_by, t.accepted_at, \
     t.verify_by, t.answer_by, t.answered_at, t.answer, t.has_identity, c.id AS case_id, c.number AS case_number, c.status AS case_status, \
     tw.name AS township, COALESCE(v.name, '') AS village, cl.description \
     FROM tip t JOIN clue cl ON cl.id = t.clue_id JOIN case_file c ON c.id = cl.case_id JOIN township tw ON tw.id = c.township_id \
     LEFT JOIN village v ON v.id = c.village_id LEFT JOIN app_user op ON op.id = t.operator_user_id \
     WHERE t.county_id = $1";

fn row_to_tip(r: &crate::db::Row, today: NaiveDate, cal: &WorkCalendar) -> Result<TipRow> {
    let mut t: TipRow = r.decode()?;
    let soon = cal.add_working_days(today, 1);
    let verified = t.case_status != "registered";
    let steps = [
        (
            "accept",
            Some(t.accept_by.as_str()),
            t.accepted_at.is_some(),
        ),
        ("verify", t.verify_by.as_deref(), verified),
        ("answer", t.answer_by.as_deref(), t.answered_at.is_some()),
    ];
    let (mut late, mut due_soon) = (Vec::new(), Vec::new());
    for (code, by, done) in steps {
        match by.and_then(parse_day) {
            Some(by) if !done && by < today => late.push(code),
            Some(by) if !done && by <= soon => due_soon.push(code),
            _ => {}
        }
    }
    t.late = late;
    t.due_soon = due_soon;
    Ok(t)
}

impl Store {
    /// The county the public pages serve: the only one, or the one with `code`.
    ///
    /// # Errors
    /// `NotFound` for an unknown code, or when several counties share the installation and
    /// none is named.
    pub async fn public_county(&self, code: Option<&str>) -> Result<(i64, String)> {
        if let Some(c) = code.filter(|c| !c.is_empty()) {
            return self.county_by_code(c).await;
        }
        let mut rows: Vec<(i64, String)> =
            crate::db::query("SELECT id, name FROM county ORDER BY id LIMIT 2")
                .fetch_all_as(self.pool())
                .await?;
        match (rows.pop(), rows.is_empty()) {
            (Some(only), true) => Ok(only),
            _ => Err(StoreError::not_found("county", "(name the county)")),
        }
    }

    /// The county's public desk: an inactive user (it cannot log in) in whose name tips
    /// from the public are filed.
    ///
    /// # Errors
    /// On database failure.
    pub async fn public_actor(&self, county_id: i64, now: DateTime<Utc>) -> Result<Actor> {
        let username = format!("__public_{county_id}");
        // Made on the first tip; two first tips at once both insert, one of them wins.
        crate::db::query(
            "INSERT INTO app_user (county_id, username, display_name, password_hash, role, active, created_at) \
             VALUES ($1, $2, $3, '!', $4, FALSE, $5) ON CONFLICT (username) DO NOTHING",
        )
        .bind(county_id)
        .bind(username.clone())
        .bind("公众举报")
        .bind(Role::CountyOffice.code())
        .bind(stamp(now))
        .execute(self.pool())
        .await?;
        let id: crate::UserId = crate::db::query("SELECT id FROM app_user WHERE username = $1")
            .bind(username.clone())
            .fetch_scalar(self.pool())
            .await?;
        Ok(Actor {
            user_id: id,
            county_id,
            username,
            display_name: "公众举报".into(),
            role: Role::CountyOffice,
            jurisdiction: minewatch_core::Jurisdiction::County,
            scope: Scope::County,
        })
    }

    /// Takes a tip from the public (or from the hotline `operator`): places it in its
    /// township and village (by the grid holding its point, else as chosen), refuses a
    /// duplicate, files it as a clue — routed and merged like any other — and starts the
    /// acceptance clock.
    ///
    /// # Errors
    /// `Invalid` naming the field: no description or too long, no place or a point outside
    /// every grid without a township chosen, too many or unknown photos, a duplicate within
    /// [`DUPLICATE_HOURS`], a hotline tip without an operator of the county office.
    pub async fn submit_tip(
        &self,
        county_id: i64,
        operator: Option<&Actor>,
        t: &NewTip,
        now: DateTime<Utc>,
    ) -> Result<TipReceipt> {
        let description = t.description.trim();
        if description.is_empty() {
            return Err(StoreError::invalid("description", "say what you saw"));
        }
        if description.chars().count() > MAX_TIP_CHARS {
            return Err(StoreError::invalid(
                "description",
                format!("at most {MAX_TIP_CHARS} characters"),
            ));
        }
        if t.photos.len() > MAX_TIP_PHOTOS {
            return Err(StoreError::invalid(
                "photo",
                format!("at most {MAX_TIP_PHOTOS} photos"),
            ));
        }
        if t.phone.trim().chars().count() > 30 || t.name.trim().chars().count() > 50 {
            return Err(StoreError::invalid("phone", "too long"));
        }
        let operator = match (t.channel, operator) {
            (TipChannel::Hotline, Some(op))
                if op.county_id == county_id && may(op.role, Right::TakeHotlineTip) =>
            {
                Some(op)
            }
            (TipChannel::Hotline, _) => {
                return Err(StoreError::Forbidden(
                    "hotline tips are entered by the county office's operator",
                ));
            }
            (_, _) => None,
        };
        let point = match (t.lon, t.lat) {
            (Some(x), Some(y)) => {
                Some(LonLat::new(x, y).map_err(|e| StoreError::invalid("lon", e.to_string()))?)
            }
            (None, None) => None,
            _ => {
                return Err(StoreError::invalid(
                    "lat",
                    "give both longitude and latitude",
                ));
            }
        };
        // Where: the grid holding the point decides; else the township (and village) chosen.
        let mut place: Option<(i64, Option<i64>)> = None;
        if let Some(p) = point
            && let Some(hit) =
                crate::patches::registers::grid_at(self.pool(), county_id, p.lon, p.lat).await?
        {
            place = Some((hit.township_id, Some(hit.village_id)));
        }
        let (township_id, village_id) = match (place, t.township_id) {
            (Some(found), _) => found,
            (None, Some(tw)) => (tw, t.village_id),
            (None, None) if point.is_some() => {
                return Err(StoreError::invalid(
                    "township",
                    "the point is outside the county's grids: choose the township",
                ));
            }
            (None, None) => {
                return Err(StoreError::invalid(
                    "township",
                    "choose the township, or give the place on the map",
                ));
            }
        };
        if point.is_none() && t.address.trim().is_empty() {
            return Err(StoreError::invalid(
                "address",
                "give an address or the place on the map",
            ));
        }
        let content = sha256_hex(&format!(
            "{}|{}|{}|{}",
            description.split_whitespace().collect::<Vec<_>>().join(" "),
            village_id.unwrap_or(township_id),
            t.address.trim(),
            point
                .map(|p| format!("{:.3},{:.3}", p.lon, p.lat))
                .unwrap_or_default()
        ));
        let since = stamp(now - chrono::Duration::hours(DUPLICATE_HOURS));
        refuse_duplicate(self.pool(), county_id, &content, &since).await?;
        let desk = self.public_actor(county_id, now).await?;
        self.check_place(&desk, township_id, village_id).await?;
        self.check_attachments(&t.photos).await?;
        let clue = NewClue {
            source: ClueSource::Tip,
            township_id,
            village_id,
            address: t.address.trim().to_string(),
            lon: point.map(|p| p.lon),
            lat: point.map(|p| p.lat),
            observed_at: t.observed_at.map(stamp),
            description: description.to_string(),
            problem_kind: t.problem_kind,
            severity: Severity::General,
            // The identity lives in `tipster`, never on the clue the ledger shows.
            reporter_name: String::new(),
            reporter_phone: String::new(),
            attachments: t.photos.clone(),
        };
        // The secret's keyed digest is made before the write lock is taken (the key may
        // have to be written on first use).
        let secret = self.draw(|rng| random_text(rng, 8));
        let secret_key = self.pseudonym("tip-secret", &secret).await?;
        let at = stamp(now);
        let mut tx = self.begin_write(&at).await?;
        // Again under the write lock: two identical tips sent at the same moment both passed
        // the check above, and only the first may be stored.
        refuse_duplicate(&mut *tx, county_id, &content, &since).await?;
        let outcome = self
            .file_clue_tx(&mut tx, &desk, &clue, point, now, &at)
            .await?;
        let cal = work_calendar_in(&mut tx, county_id).await?;
        let policy = tip_policy_in(&mut tx, county_id).await?;
        let accept_by = cal.add_working_days(local_date(now), policy.accept_days);
        let mut tracking_code = String::new();
        for _ in 0..5 {
            let candidate = format!("JB{}", self.draw(|rng| random_text(rng, 8)));
            let taken: i64 =
                crate::db::query("SELECT COUNT(*) AS n FROM tip WHERE tracking_code = $1")
                    .bind(candidate.clone())
                    .fetch_scalar(&mut *tx)
                    .await?;
            if taken == 0 {
                tracking_code = candidate;
                break;
            }
        }
        if tracking_code.is_empty() {
            return Err(StoreError::Corrupt("no free tracking code".into()));
        }
        let has_identity = !t.name.trim().is_empty() || !t.phone.trim().is_empty();
        let tip_id: i64 = crate::db::query(
            "INSERT INTO tip (county_id, clue_id, tracking_code, secret_sha256, channel, operator_user_id, call_at, source_hash, content_sha256, \
             received_at, accept_by, has_identity) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id",
        )
        .bind(county_id)
        .bind(outcome.clue_id)
        .bind(tracking_code.clone())
        .bind(secret_key.clone())
        .bind(t.channel.code())
        .bind(operator.map(|o| o.user_id))
        .bind(t.call_at.map(stamp))
        .bind(t.source_hash.clone())
        .bind(content)
        .bind(at.clone())
        .bind(accept_by.to_string())
        .bind(has_identity)
        .fetch_scalar(&mut *tx)
        .await?;
        // A tip joining a case checked already owes its answer from now.
        let case_status: String = crate::db::query("SELECT status FROM case_file WHERE id = $1")
            .bind(outcome.case_id)
            .fetch_scalar(&mut *tx)
            .await?;
        if case_status != "registered" {
            start_answer_clock(&mut tx, county_id, outcome.case_id, now).await?;
        }
        if has_identity {
            crate::db::query(
                "INSERT INTO tipster (tip_id, name, phone, created_at) VALUES ($1, $2, $3, $4)",
            )
            .bind(tip_id)
            .bind(t.name.trim().to_string())
            .bind(t.phone.trim().to_string())
            .bind(at.clone())
            .execute(&mut *tx)
            .await?;
        }
        append(
            &mut tx,
            NewEvent {
                at: &at,
                actor: Some(operator.map_or(desk.user_id, |o| o.user_id)),
                county_id,
                case_id: Some(outcome.case_id),
                clue_id: Some(outcome.clue_id),
                kind: "tip.received",
                payload: serde_json::json!({
                    "tip": tip_id, "tracking_code": tracking_code, "channel": t.channel.code(),
                    "accept_by": accept_by.to_string(), "identity_given": has_identity,
                    "call_at": t.call_at.map(stamp),
                })
                .to_string(),
                attachments: &[],
            },
        )
        .await?;
        tx.commit().await?;
        Ok(TipReceipt {
            tracking_code,
            secret,
            accept_by,
        })
    }

    /// What the tipster sees with the code and the secret; a wrong pair reads as "not found".
    ///
    /// # Errors
    /// `NotFound` for an unknown code or a wrong secret.
    pub async fn tip_progress(&self, code: &str, secret: &str) -> Result<TipProgress> {
        let code = normalise_code(code);
        let row: Option<StoredProgress> = crate::db::query(
            "SELECT t.tracking_code, t.secret_sha256, t.received_at, t.accepted_at, t.verified_at, t.answered_at, t.answer, c.status, \
             r.amount_fen, r.approved_at, r.paid_at \
             FROM tip t JOIN clue cl ON cl.id = t.clue_id JOIN case_file c ON c.id = cl.case_id LEFT JOIN reward r ON r.tip_id = t.id \
             WHERE t.tracking_code = $1",
        )
        .bind(code.clone())
        .fetch_optional_as(self.pool())
        .await?;
        let Some(r) = row else {
            return Err(StoreError::not_found("tip", code));
        };
        let typed = secret.trim().to_ascii_uppercase();
        // Keyed since the server secret came in; tips filed before keep their plain digest.
        let expected = if r.secret_sha256.starts_with("k1:") {
            self.pseudonym("tip-secret", &typed).await?
        } else {
            sha256_hex(&typed)
        };
        if !same(&r.secret_sha256, &expected) {
            return Err(StoreError::not_found("tip", code));
        }
        let finding = match r.status.as_str() {
            "registered" => None,
            "unfounded" => Some("unfounded"),
            _ => Some("founded"),
        };
        let reward_status = match (r.amount_fen, &r.approved_at, &r.paid_at) {
            (None, _, _) => None,
            (Some(_), _, Some(_)) => Some("paid"),
            (Some(_), Some(_), None) => Some("approved"),
            (Some(_), None, None) => Some("computed"),
        };
        let step = |code, done_at| TipStep { code, done_at };
        Ok(TipProgress {
            steps: vec![
                step("received", Some(r.received_at.clone())),
                step("accepted", r.accepted_at),
                step("verified", r.verified_at),
                step("answered", r.answered_at),
            ],
            tracking_code: r.tracking_code,
            received_at: r.received_at,
            finding,
            answer: r.answer,
            reward_status,
            reward_fen: r.amount_fen.filter(|_| r.approved_at.is_some()),
        })
    }

    /// The county's tip clocks in working days.
    ///
    /// # Errors
    /// On database failure.
    pub async fn tip_policy(&self, county_id: i64) -> Result<TipPolicy> {
        let mut conn = self.pool().acquire().await?;
        tip_policy_in(&mut conn, county_id).await
    }

    /// Sets the county's tip clocks (county office), logged; clocks already running keep
    /// their due days.
    ///
    /// # Errors
    /// `Forbidden` for other roles; `Invalid` for a step of 0 or over 60 working days.
    pub async fn set_tip_policy(
        &self,
        actor: &Actor,
        p: &TipPolicy,
        now: DateTime<Utc>,
    ) -> Result<()> {
        if !may(actor.role, Right::SetTipClocks) {
            return Err(StoreError::Forbidden(Right::SetTipClocks.refusal()));
        }
        for (field, v) in [
            ("accept_days", p.accept_days),
            ("verify_days", p.verify_days),
            ("answer_days", p.answer_days),
        ] {
            if v == 0 || v > 60 {
                return Err(StoreError::invalid(field, "must be 1–60 working days"));
            }
        }
        let at = stamp(now);
        let mut tx = self.begin_write(&at).await?;
        crate::db::query(
            "INSERT INTO tip_policy (county_id, accept_days, verify_days, answer_days, updated_at) VALUES ($1, $2, $3, $4, $5) \
             ON CONFLICT (county_id) DO UPDATE SET accept_days = excluded.accept_days, verify_days = excluded.verify_days, \
             answer_days = excluded.answer_days, updated_at = excluded.updated_at",
        )
        .bind(actor.county_id)
        .bind(i64::from(p.accept_days))
        .bind(i64::from(p.verify_days))
        .bind(i64::from(p.answer_days))
        .bind(at.clone())
        .execute(&mut *tx)
        .await?;
        append(
            &mut tx,
            NewEvent {
                at: &at,
                actor: Some(actor.user_id),
                county_id: actor.county_id,
                case_id: None,
                clue_id: None,
                kind: "tip.policy",
                payload: serde_json::to_string(p)
                    .map_err(|e| StoreError::Corrupt(e.to_string()))?,
                attachments: &[],
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Tips in the user's part of the county, with their clocks as of `today`.
    ///
    /// # Errors
    /// `Forbidden` for checkpoint staff.
    pub async fn tips(&self, actor: &Actor, today: NaiveDate) -> Result<Vec<TipRow>> {
        let (clause, arg): (&str, i64) = match actor.scope {
            Scope::County => ("", 0),
            Scope::Township(t) => (" AND c.township_id = $2", t),
            Scope::Village(v) => (" AND c.village_id = $2", v),
            Scope::Department(d) => (" AND c.lead_department_id = $2", d),
            Scope::OwnCluesOnly => {
                return Err(StoreError::Forbidden("checkpoint staff do not handle tips"));
            }
        };
        let text = format!("{TIP_SELECT}{clause} ORDER BY t.received_at DESC");
        let mut q = crate::db::query(&text).bind(actor.county_id);
        if !clause.is_empty() {
            q = q.bind(arg);
        }
        let rows = q.fetch_all(self.pool()).await?;
        let cal = self.work_calendar(actor.county_id).await?;
        let told = may(actor.role, Right::ReadReporter);
        rows.iter()
            .map(|r| {
                row_to_tip(r, today, &cal).map(|mut t| {
                    if !told {
                        t.has_identity = None;
                    }
                    t
                })
            })
            .collect()
    }

    /// The photos sent with a tip in the user's area.
    ///
    /// # Errors
    /// `NotFound` when absent or out of the user's area.
    pub async fn tip_photos(
        &self,
        actor: &Actor,
        id: i64,
        today: NaiveDate,
    ) -> Result<Vec<String>> {
        self.tip(actor, id, today).await?;
        let attachments: crate::List<String> = crate::db::query(
            "SELECT c.attachments FROM tip t JOIN clue c ON c.id = t.clue_id WHERE t.id = $1",
        )
        .bind(id)
        .fetch_scalar(self.pool())
        .await?;
        Ok(attachments.0)
    }

    /// One tip in the user's area.
    ///
    /// # Errors
    /// `NotFound` when absent or out of the user's area.
    pub async fn tip(&self, actor: &Actor, id: i64, today: NaiveDate) -> Result<TipRow> {
        self.tips(actor, today)
            .await?
            .into_iter()
            .find(|t| t.id == id)
            .ok_or_else(|| StoreError::not_found("tip", id))
    }

    /// The township or the county office accepts (受理) a tip; the check clock starts.
    ///
    /// # Errors
    /// `Forbidden` for other roles; `Invalid` when accepted already.
    pub async fn accept_tip(&self, actor: &Actor, id: i64, now: DateTime<Utc>) -> Result<TipRow> {
        if !may(actor.role, Right::AcceptTip) {
            return Err(StoreError::Forbidden(Right::AcceptTip.refusal()));
        }
        let today = local_date(now);
        let t = self.tip(actor, id, today).await?;
        if t.accepted_at.is_some() {
            return Err(StoreError::invalid("tip", "accepted already"));
        }
        let at = stamp(now);
        let mut tx = self.begin_write(&at).await?;
        let cal = work_calendar_in(&mut tx, actor.county_id).await?;
        let policy = tip_policy_in(&mut tx, actor.county_id).await?;
        let verify_by = cal.add_working_days(today, policy.verify_days);
        // The conditional update is the guard: of two accepts at the same moment, the second
        // changes no row and is told, and only one event is written.
        let moved = crate::db::query("UPDATE tip SET accepted_at = $1, accepted_by = $2, verify_by = $3 WHERE id = $4 AND accepted_at IS NULL")
            .bind(at.clone())
            .bind(actor.user_id)
            .bind(verify_by.to_string())
            .bind(id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        if moved != 1 {
            return Err(StoreError::invalid("tip", "accepted already"));
        }
        append(
            &mut tx,
            NewEvent {
                at: &at,
                actor: Some(actor.user_id),
                county_id: actor.county_id,
                case_id: Some(t.case_id),
                clue_id: None,
                kind: "tip.accepted",
                payload: serde_json::json!({"tip": id, "verify_by": verify_by.to_string(), "late": day_of(&at).zip(parse_day(&t.accept_by)).is_some_and(|(a, b)| a > b)}).to_string(),
                attachments: &[],
            },
        )
        .await?;
        tx.commit().await?;
        self.tip(actor, id, today).await
    }

    /// The county office answers the tipster (答复), after the case was verified.
    ///
    /// # Errors
    /// `Forbidden` unless county office; `Invalid` for an empty answer, a case not yet
    /// verified, or an answer given already.
    pub async fn answer_tip(
        &self,
        actor: &Actor,
        id: i64,
        answer: &str,
        now: DateTime<Utc>,
    ) -> Result<TipRow> {
        if !may(actor.role, Right::AnswerTip) {
            return Err(StoreError::Forbidden(Right::AnswerTip.refusal()));
        }
        let today = local_date(now);
        let t = self.tip(actor, id, today).await?;
        if answer.trim().is_empty() {
            return Err(StoreError::invalid(
                "answer",
                "write the answer the tipster will read",
            ));
        }
        crate::error::check_lengths(&[("answer", answer)])?;
        if t.case_status == "registered" {
            return Err(StoreError::invalid(
                "answer",
                "the case has not been verified yet",
            ));
        }
        if t.answered_at.is_some() {
            return Err(StoreError::invalid("answer", "answered already"));
        }
        let at = stamp(now);
        let mut tx = self.begin_write(&at).await?;
        let moved = crate::db::query(
            "UPDATE tip SET answer = $1, answered_at = $2, answered_by = $3 WHERE id = $4 AND answered_at IS NULL",
        )
        .bind(answer.trim().to_string())
        .bind(at.clone())
        .bind(actor.user_id)
        .bind(id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if moved != 1 {
            return Err(StoreError::invalid("answer", "answered already"));
        }
        append(
            &mut tx,
            NewEvent {
                at: &at,
                actor: Some(actor.user_id),
                county_id: actor.county_id,
                case_id: Some(t.case_id),
                clue_id: None,
                kind: "tip.answered",
                payload: serde_json::json!({"tip": id, "answer": answer.trim()}).to_string(),
                attachments: &[],
            },
        )
        .await?;
        tx.commit().await?;
        self.tip(actor, id, today).await
    }

    /// The tipster's name and phone, for the reward officer only; every view is logged with
    /// its purpose, in the table and in the hash chain.
    ///
    /// # Errors
    /// `Forbidden` for every other role; `Invalid` without a purpose; `NotFound`.
    pub async fn tipster(
        &self,
        actor: &Actor,
        tip_id: i64,
        purpose: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<Tipster>> {
        if !may(actor.role, Right::RevealTipster) {
            return Err(StoreError::Forbidden(Right::RevealTipster.refusal()));
        }
        if purpose.trim().is_empty() {
            return Err(StoreError::invalid(
                "purpose",
                "say why you need the tipster's identity",
            ));
        }
        if purpose.chars().count() > 500 {
            return Err(StoreError::invalid(
                "purpose",
                "at most 500 characters: the reason, not the case file",
            ));
        }
        let t = self.tip(actor, tip_id, local_date(now)).await?;
        let at = stamp(now);
        let mut tx = self.begin_write(&at).await?;
        let row = crate::db::query("SELECT name, phone FROM tipster WHERE tip_id = $1")
            .bind(tip_id)
            .fetch_optional_as::<(String, String)>(&mut *tx)
            .await?;
        crate::db::query("INSERT INTO tipster_view (tip_id, user_id, viewed_at, purpose) VALUES ($1, $2, $3, $4)")
            .bind(tip_id)
            .bind(actor.user_id)
            .bind(at.clone())
            .bind(purpose.trim().to_string())
            .execute(&mut *tx)
            .await?;
        append(
            &mut tx,
            NewEvent {
                at: &at,
                actor: Some(actor.user_id),
                county_id: actor.county_id,
                case_id: Some(t.case_id),
                clue_id: None,
                kind: "tip.identity_viewed",
                payload: serde_json::json!({"tip": tip_id, "purpose": purpose.trim()}).to_string(),
                attachments: &[],
            },
        )
        .await?;
        tx.commit().await?;
        Ok(row.map(|(name, phone)| Tipster {
            tip_id,
            name,
            phone,
        }))
    }

    /// Every view of tipsters' identities (who, when, why), for the inspectors and the office.
    ///
    /// # Errors
    /// `Forbidden` for other roles.
    pub async fn tipster_views(
        &self,
        actor: &Actor,
    ) -> Result<Vec<(i64, String, crate::Stamp, String)>> {
        if !may(actor.role, Right::ReadIdentityLog) {
            return Err(StoreError::Forbidden(Right::ReadIdentityLog.refusal()));
        }
        let rows = crate::db::query(
            "SELECT w.tip_id, u.display_name, w.viewed_at, w.purpose FROM tipster_view w JOIN app_user u ON u.id = w.user_id \
             JOIN tip t ON t.id = w.tip_id WHERE t.county_id = $1 ORDER BY w.id DESC",
        )
        .bind(actor.county_id)
        .fetch_all_as(self.pool())
        .await?;
        Ok(rows)
    }

    /// Tip steps not taken in time (R26: 举报不受理、不核实), derived from the clocks as of `today`:
    /// a step done late stays on the list with the day it was done.
    ///
    /// # Errors
    /// On database failure.
    pub async fn tip_lapses(&self, actor: &Actor, today: NaiveDate) -> Result<Vec<TipLapse>> {
        let tips = self.tips(actor, today).await?;
        let mut out = Vec::new();
        for t in &tips {
            let accepted = t.accepted_at.as_deref().and_then(day_of);
            let answered = t.answered_at.as_deref().and_then(day_of);
            let mut push = |kind: &'static str,
                            by: Option<&str>,
                            done: Option<NaiveDate>,
                            done_at: Option<crate::Stamp>,
                            open: bool| {
                let Some(due) = by.and_then(parse_day) else {
                    return;
                };
                let lapsed = match done {
                    Some(d) => d > due,
                    None => open && today > due,
                };
                if lapsed {
                    out.push(TipLapse {
                        tip_id: t.id,
                        tracking_code: t.tracking_code.clone(),
                        case_id: t.case_id,
                        case_number: t.case_number.clone(),
                        township: t.township.clone(),
                        kind,
                        due_on: due.to_string(),
                        done_at,
                    });
                }
            };
            push(
                "not_accepted",
                Some(&t.accept_by),
                accepted,
                t.accepted_at.clone(),
                true,
            );
            push(
                "not_verified",
                t.verify_by.as_deref(),
                None,
                None,
                t.case_status == "registered",
            );
            push(
                "not_answered",
                t.answer_by.as_deref(),
                answered,
                t.answered_at.clone(),
                true,
            );
        }
        Ok(out)
    }
}
