//! The outbox (R25): the sweep raises each notification once (a reminder the day before a
//! case falls due, a notice the day it is overdue, a notice when rectification is sent back)
//! for the unit that must act, and queues one delivery per channel the county switched on for
//! that unit; the server's adapters take due deliveries and report back, and a failed one is
//! tried again later, never dropped. The app shows each unit its notifications.

use chrono::{DateTime, Duration, Utc};
use minewatch_core::clock::local_date;
use minewatch_core::notify::{ChannelKind, Message, NoticeKind, retry_after};
use minewatch_core::rights::{Right, may};
use minewatch_core::{Role, Scope};
use serde::{Deserialize, Serialize};

use crate::db::Conn;
use crate::ledger::cases::open_statuses;
use crate::ledger::events::stamp;
use crate::{Actor, Result, Stamp, Store, StoreError};

/// A channel a county switched on.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema, sqlx::FromRow)]
pub struct ChannelRow {
    pub id: i64,
    /// `wecom`, `dingtalk`, `sms` or `email`.
    pub kind: String,
    pub name: String,
    /// The township whose notifications it carries; none: the county office's.
    pub township_id: Option<i64>,
    /// The robot's webhook or the gateway's URL; for e-mail the SMTP server as host:port.
    pub endpoint: String,
    /// Phones (SMS) or addresses (e-mail).
    pub recipients: String,
    /// The From address of e-mail.
    pub sender: String,
    pub active: bool,
}

/// A channel as the office enters it.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct NewChannel {
    pub kind: String,
    pub name: String,
    #[serde(default)]
    pub township_id: Option<i64>,
    pub endpoint: String,
    #[serde(default)]
    pub recipients: String,
    #[serde(default)]
    pub sender: String,
}

/// A notification as its unit reads it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema, sqlx::FromRow)]
pub struct NotificationRow {
    pub id: i64,
    pub kind: String,
    pub title: String,
    pub body: String,
    pub link: String,
    pub created_at: Stamp,
    pub read: bool,
}

/// A delivery, as the office watches them.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema, sqlx::FromRow)]
pub struct DeliveryRow {
    pub id: i64,
    pub channel: String,
    pub title: String,
    /// `pending` or `sent`.
    pub status: String,
    pub attempts: i64,
    pub next_attempt_at: Stamp,
    pub last_error: String,
    pub sent_at: Option<Stamp>,
}

/// A delivery the adapters should try now.
#[derive(Debug, Clone)]
pub struct DeliveryJob {
    pub id: i64,
    pub attempts: i64,
    pub channel: ChannelRow,
    pub message: Message,
}

/// The unit a reader's notifications are addressed to, as `COALESCE(township_id, 0)`
/// reads it: a township's id, or 0 for the county office's; none for other roles.
fn unit_of(actor: &Actor) -> Option<i64> {
    match (actor.role, actor.scope) {
        (Role::Township, Scope::Township(t)) => Some(t),
        (Role::Admin | Role::CountyOffice, _) => Some(0),
        _ => None,
    }
}

/// Raises a notification unless it was raised before, and queues its deliveries.
pub(crate) async fn raise(
    conn: &mut Conn,
    county: i64,
    township: Option<i64>,
    key: &str,
    kind: NoticeKind,
    m: &Message,
    at: &Stamp,
) -> Result<bool> {
    let id: Option<i64> = crate::db::query(
        "INSERT INTO notification (county_id, township_id, dedupe_key, kind, title, body, link, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (county_id, dedupe_key) DO NOTHING RETURNING id",
    )
    .bind(county)
    .bind(township)
    .bind(key)
    .bind(kind.code())
    .bind(m.title.as_str())
    .bind(m.body.as_str())
    .bind(m.link.as_str())
    .bind(at)
    .fetch_optional_scalar(&mut *conn)
    .await?;
    let Some(id) = id else {
        return Ok(false);
    };
    crate::db::query(
        "INSERT INTO delivery (notification_id, channel_id, status, attempts, next_attempt_at) \
         SELECT $1, id, 'pending', 0, $2 FROM notify_channel WHERE county_id = $3 AND active = TRUE \
         AND ((township_id IS NULL AND $4 = 0) OR township_id = $4)",
    )
    .bind(id)
    .bind(at)
    .bind(county)
    .bind(township.unwrap_or(0))
    .execute(&mut *conn)
    .await?;
    Ok(true)
}

impl Store {
    /// Raises what is due as of `now`; returns how many notifications were new.
    ///
    /// # Errors
    /// On database failure.
    pub async fn notify_sweep(&self, now: DateTime<Utc>) -> Result<usize> {
        let today = local_date(now);
        let at = stamp(now);
        // Read first, on the pool: a write transaction (which serialises SQLite's writers)
        // is opened only when there is something new to raise, not every minute.
        let mut due: Vec<(i64, i64, String, NoticeKind, Message)> = Vec::new();
        let cases: Vec<(i64, i64, i64, String, String, String, String)> = crate::db::query(format!(
            "SELECT c.id, c.county_id, c.township_id, c.number, c.finding, c.due_on, t.name FROM case_file c \
             JOIN township t ON t.id = c.township_id WHERE c.status IN {} AND c.due_on <= $1 ORDER BY c.id",
            open_statuses()
        ))
        // Every open case past its deadline is told once per deadline, however long ago it
        // passed: a county switching minewatch on learns of all it owes.
        .bind((today + Duration::days(1)).to_string())
        .fetch_all_as(self.pool())
        .await?;
        for (id, county, township, number, finding, due_on, name) in cases {
            let (kind, key, title) = match due_on.as_str().cmp(today.to_string().as_str()) {
                std::cmp::Ordering::Greater => (
                    NoticeKind::Reminder,
                    format!("due:{id}:{due_on}"),
                    format!("明日到期：{number}"),
                ),
                std::cmp::Ordering::Less => (
                    NoticeKind::Overdue,
                    format!("overdue:{id}:{due_on}"),
                    format!("已逾期：{number}"),
                ),
                // Due today: yesterday's reminder said so.
                std::cmp::Ordering::Equal => continue,
            };
            let m = Message {
                title,
                body: format!("{name} · {finding} · 办理时限 {due_on}"),
                link: format!("/cases/{id}"),
            };
            due.push((county, township, key, kind, m));
        }
        // Acceptance failed: the case goes back to the township for rectification.
        let since = stamp(now - Duration::days(7));
        let sent_back: Vec<(i64, i64, i64, i64, String, String)> = crate::db::query(
            "SELECT e.seq, c.id, c.county_id, c.township_id, c.number, e.payload FROM event e \
             JOIN case_file c ON c.id = e.case_id WHERE e.kind = 'action.accept' AND e.at >= $1 ORDER BY e.seq",
        )
        .bind(since.as_str())
        .fetch_all_as(self.pool())
        .await?;
        for (seq, id, county, township, number, payload) in sent_back {
            let v: serde_json::Value = serde_json::from_str(&payload).unwrap_or_default();
            if v["passed"].as_bool() != Some(false) {
                continue;
            }
            let m = Message {
                title: format!("验收未通过，退回整改：{number}"),
                body: v["note"].as_str().unwrap_or("").to_string(),
                link: format!("/cases/{id}"),
            };
            due.push((
                county,
                township,
                format!("sent_back:{seq}"),
                NoticeKind::SentBack,
                m,
            ));
        }
        let mut known = std::collections::HashSet::new();
        for chunk in due.chunks(500) {
            let mut sql = crate::sql::Sql::new(
                "SELECT county_id, dedupe_key FROM notification WHERE dedupe_key IN ",
            );
            sql.push_in(chunk.iter().map(|d| d.2.as_str()));
            let rows: Vec<(i64, String)> = sql.query().fetch_all_as(self.pool()).await?;
            known.extend(rows);
        }
        due.retain(|(county, _, key, _, _)| !known.contains(&(*county, key.clone())));
        if due.is_empty() {
            return Ok(0);
        }
        let mut tx = self.begin_write(at.as_str()).await?;
        let mut raised = 0;
        // A sweep in another process may have raised some meanwhile: `raise` skips those.
        for (county, township, key, kind, m) in &due {
            if raise(&mut tx, *county, Some(*township), key, *kind, m, &at).await? {
                raised += 1;
            }
        }
        tx.commit().await?;
        Ok(raised)
    }

    /// The reader's unit's notifications, newest first, with whether this reader read each.
    ///
    /// # Errors
    /// On database failure.
    pub async fn notifications(&self, actor: &Actor, limit: i64) -> Result<Vec<NotificationRow>> {
        let Some(unit) = unit_of(actor) else {
            return Ok(Vec::new());
        };
        Ok(crate::db::query(
            "SELECT n.id, n.kind, n.title, n.body, n.link, n.created_at, \
             (r.user_id IS NOT NULL) AS read FROM notification n \
             LEFT JOIN notification_read r ON r.notification_id = n.id AND r.user_id = $1 \
             WHERE n.county_id = $2 AND COALESCE(n.township_id, 0) = $3 ORDER BY n.id DESC LIMIT $4",
        )
        .bind(actor.user_id)
        .bind(actor.county_id)
        .bind(unit)
        .bind(limit)
        .fetch_all_as(self.pool())
        .await?)
    }

    /// How many of the reader's unit's notifications this reader has not read.
    ///
    /// # Errors
    /// On database failure.
    pub async fn unread_notifications(&self, actor: &Actor) -> Result<i64> {
        let Some(unit) = unit_of(actor) else {
            return Ok(0);
        };
        Ok(crate::db::query(
            "SELECT COUNT(*) FROM notification n LEFT JOIN notification_read r \
             ON r.notification_id = n.id AND r.user_id = $1 \
             WHERE n.county_id = $2 AND COALESCE(n.township_id, 0) = $3 AND r.user_id IS NULL",
        )
        .bind(actor.user_id)
        .bind(actor.county_id)
        .bind(unit)
        .fetch_scalar(self.pool())
        .await?)
    }

    /// Marks every notification of the reader's unit read, for this reader.
    ///
    /// # Errors
    /// On database failure.
    pub async fn mark_notifications_read(&self, actor: &Actor, now: DateTime<Utc>) -> Result<()> {
        let Some(unit) = unit_of(actor) else {
            return Ok(());
        };
        let at = stamp(now);
        let mut tx = self.begin_write(at.as_str()).await?;
        crate::db::query(
            "INSERT INTO notification_read (notification_id, user_id, read_at) \
             SELECT n.id, $1, $2 FROM notification n WHERE n.county_id = $3 AND COALESCE(n.township_id, 0) = $4 \
             AND NOT EXISTS (SELECT 1 FROM notification_read r WHERE r.notification_id = n.id AND r.user_id = $1)",
        )
        .bind(actor.user_id)
        .bind(&at)
        .bind(actor.county_id)
        .bind(unit)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The county's channels.
    ///
    /// # Errors
    /// `Forbidden` unless the county office.
    pub async fn notify_channels(&self, actor: &Actor) -> Result<Vec<ChannelRow>> {
        if !may(actor.role, Right::ManageNotifications) {
            return Err(StoreError::Forbidden(Right::ManageNotifications.refusal()));
        }
        Ok(crate::db::query(
            "SELECT id, kind, name, township_id, endpoint, recipients, sender, active FROM notify_channel \
             WHERE county_id = $1 ORDER BY id",
        )
        .bind(actor.county_id)
        .fetch_all_as(self.pool())
        .await?)
    }

    /// Switches a channel on.
    ///
    /// # Errors
    /// `Forbidden` unless the county office; `Invalid` naming the field at fault.
    pub async fn add_notify_channel(
        &self,
        actor: &Actor,
        c: &NewChannel,
        now: DateTime<Utc>,
    ) -> Result<i64> {
        if !may(actor.role, Right::ManageNotifications) {
            return Err(StoreError::Forbidden(Right::ManageNotifications.refusal()));
        }
        let kind = ChannelKind::from_code(c.kind.trim())
            .ok_or_else(|| StoreError::invalid("kind", "wecom, dingtalk, sms or email"))?;
        let name = c.name.trim();
        if name.is_empty() {
            return Err(StoreError::invalid("name", "name the channel"));
        }
        let endpoint = c.endpoint.trim();
        match kind {
            ChannelKind::Email => {
                let ok = endpoint
                    .rsplit_once(':')
                    .is_some_and(|(host, port)| !host.is_empty() && port.parse::<u16>().is_ok());
                if !ok {
                    return Err(StoreError::invalid(
                        "endpoint",
                        "the SMTP server as host:port",
                    ));
                }
                if !c.sender.contains('@') {
                    return Err(StoreError::invalid("sender", "the From address"));
                }
            }
            _ => {
                if !(endpoint.starts_with("https://") || endpoint.starts_with("http://")) {
                    return Err(StoreError::invalid(
                        "endpoint",
                        "the URL, starting https://",
                    ));
                }
            }
        }
        if matches!(kind, ChannelKind::Sms | ChannelKind::Email)
            && minewatch_core::notify::recipients(&c.recipients).is_empty()
        {
            return Err(StoreError::invalid(
                "recipients",
                "at least one phone or address",
            ));
        }
        if let Some(t) = c.township_id
            && !self
                .townships(actor.county_id)
                .await?
                .iter()
                .any(|x| x.id == t)
        {
            return Err(StoreError::invalid(
                "township",
                "no such township in this county",
            ));
        }
        let at = stamp(now);
        let mut tx = self.begin_write(at.as_str()).await?;
        let id: i64 = crate::db::query(
            "INSERT INTO notify_channel (county_id, kind, name, township_id, endpoint, recipients, sender, active, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, TRUE, $8) RETURNING id",
        )
        .bind(actor.county_id)
        .bind(kind.code())
        .bind(name)
        .bind(c.township_id)
        .bind(endpoint)
        .bind(c.recipients.trim())
        .bind(c.sender.trim())
        .bind(&at)
        .fetch_scalar(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Switches a channel off (or on again); its pending deliveries wait meanwhile.
    ///
    /// # Errors
    /// `Forbidden` unless the county office; `NotFound` for another county's channel.
    pub async fn set_notify_channel_active(
        &self,
        actor: &Actor,
        id: i64,
        active: bool,
        now: DateTime<Utc>,
    ) -> Result<()> {
        if !may(actor.role, Right::ManageNotifications) {
            return Err(StoreError::Forbidden(Right::ManageNotifications.refusal()));
        }
        let at = stamp(now);
        let mut tx = self.begin_write(at.as_str()).await?;
        let n = crate::db::query(
            "UPDATE notify_channel SET active = $1 WHERE id = $2 AND county_id = $3",
        )
        .bind(active)
        .bind(id)
        .bind(actor.county_id)
        .execute(&mut *tx)
        .await?;
        if n.rows_affected() == 0 {
            return Err(StoreError::not_found("channel", id));
        }
        tx.commit().await?;
        Ok(())
    }

    /// The county's deliveries, pending first, then the latest sent.
    ///
    /// # Errors
    /// `Forbidden` unless the county office.
    pub async fn deliveries(&self, actor: &Actor, limit: i64) -> Result<Vec<DeliveryRow>> {
        if !may(actor.role, Right::ManageNotifications) {
            return Err(StoreError::Forbidden(Right::ManageNotifications.refusal()));
        }
        Ok(crate::db::query(
            "SELECT d.id, ch.name AS channel, n.title, d.status, d.attempts, d.next_attempt_at, d.last_error, d.sent_at \
             FROM delivery d JOIN notify_channel ch ON ch.id = d.channel_id JOIN notification n ON n.id = d.notification_id \
             WHERE ch.county_id = $1 ORDER BY CASE WHEN d.status = 'pending' THEN 0 ELSE 1 END, d.id DESC LIMIT $2",
        )
        .bind(actor.county_id)
        .bind(limit)
        .fetch_all_as(self.pool())
        .await?)
    }

    /// Deliveries due by `now` on active channels, oldest first.
    ///
    /// # Errors
    /// On database failure.
    pub async fn due_deliveries(&self, now: DateTime<Utc>, limit: i64) -> Result<Vec<DeliveryJob>> {
        type Row = (
            i64,
            i64,
            String,
            String,
            String,
            i64,
            String,
            Option<i64>,
            String,
            String,
            String,
            bool,
        );
        let rows: Vec<Row> = crate::db::query(
            "SELECT d.id, d.attempts, n.title, n.body, n.link, ch.id, ch.kind, ch.township_id, ch.endpoint, \
             ch.recipients, ch.sender, ch.active FROM delivery d JOIN notify_channel ch ON ch.id = d.channel_id \
             JOIN notification n ON n.id = d.notification_id \
             WHERE d.status = 'pending' AND ch.active = TRUE AND d.next_attempt_at <= $1 ORDER BY d.id LIMIT $2",
        )
        .bind(Stamp::at(now))
        .bind(limit)
        .fetch_all_as(self.pool())
        .await?;
        Ok(rows
            .into_iter()
            .map(
                |(
                    id,
                    attempts,
                    title,
                    body,
                    link,
                    ch,
                    kind,
                    township_id,
                    endpoint,
                    recipients,
                    sender,
                    active,
                )| DeliveryJob {
                    id,
                    attempts,
                    message: Message {
                        title: title.clone(),
                        body,
                        link,
                    },
                    channel: ChannelRow {
                        id: ch,
                        kind,
                        name: String::new(),
                        township_id,
                        endpoint,
                        recipients,
                        sender,
                        active,
                    },
                },
            )
            .collect())
    }

    /// What an adapter reports: sent, or failed with the reason, to be tried again later.
    ///
    /// # Errors
    /// On database failure.
    pub async fn delivery_done(
        &self,
        id: i64,
        outcome: std::result::Result<(), String>,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let at = stamp(now);
        let mut tx = self.begin_write(at.as_str()).await?;
        match outcome {
            Ok(()) => {
                crate::db::query(
                    "UPDATE delivery SET status = 'sent', attempts = attempts + 1, sent_at = $1, last_error = '' WHERE id = $2",
                )
                .bind(&at)
                .bind(id)
                .execute(&mut *tx)
                .await?;
            }
            Err(reason) => {
                let attempts: i64 = crate::db::query("SELECT attempts FROM delivery WHERE id = $1")
                    .bind(id)
                    .fetch_scalar(&mut *tx)
                    .await?;
                let next = Stamp::at(now + retry_after(attempts + 1));
                let reason: String = reason.chars().take(500).collect();
                crate::db::query(
                    "UPDATE delivery SET attempts = attempts + 1, next_attempt_at = $1, last_error = $2 WHERE id = $3",
                )
                .bind(&next)
                .bind(reason.as_str())
                .bind(id)
                .execute(&mut *tx)
                .await?;
            }
        }
        tx.commit().await?;
        Ok(())
    }
}
