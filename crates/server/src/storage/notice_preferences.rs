//! Which kinds of notice each staff member receives at their own address. None
//! until they choose; the outbox reads them when a notice is written.

use super::Storage;
use super::outbox::NoticeKind;
use crate::ids::StaffId;

impl Storage {
    /// The kinds `staff` chose, in [`NoticeKind::ALL`] order.
    pub async fn notice_preferences(
        &self,
        staff: &StaffId,
    ) -> Result<Vec<NoticeKind>, sqlx::Error> {
        let chosen: Vec<String> =
            sqlx::query_scalar("SELECT kind FROM staff_notices WHERE staff_id = $1")
                .bind(staff)
                .fetch_all(&self.pool)
                .await?;
        Ok(NoticeKind::ALL
            .into_iter()
            .filter(|kind| chosen.iter().any(|chosen| chosen == kind.as_str()))
            .collect())
    }

    /// Replaces the kinds `staff` receives with `kinds`, at once.
    pub async fn set_notice_preferences(
        &self,
        staff: &StaffId,
        kinds: &[NoticeKind],
    ) -> Result<(), sqlx::Error> {
        let mut transaction = self.pool.begin().await?;
        sqlx::query("DELETE FROM staff_notices WHERE staff_id = $1")
            .bind(staff)
            .execute(&mut *transaction)
            .await?;
        for kind in NoticeKind::ALL
            .into_iter()
            .filter(|kind| kinds.contains(kind))
        {
            sqlx::query("INSERT INTO staff_notices (staff_id, kind) VALUES ($1, $2)")
                .bind(staff)
                .bind(kind.as_str())
                .execute(&mut *transaction)
                .await?;
        }
        transaction.commit().await
    }
}
