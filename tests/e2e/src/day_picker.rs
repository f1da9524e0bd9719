//! The forms where a day is picked and its free times are listed: the inbox's
//! new booking and move forms, and the visitor's manage page when changing the
//! time. Each asks the availability API again on each change of day, and must
//! show only the answer for the day that is picked now.

use serde_json::Value;

use crate::{Browser, BrowserKind, eventually};

/// Where a page picks its day and lists that day's free times.
#[derive(Clone, Copy, Debug)]
pub struct DayPicker {
    /// The date field.
    pub date: &'static str,
    /// One listed free time.
    pub times: &'static str,
    /// The attribute of a listed time that holds its start (`2026-12-04T18:30:00Z`).
    pub start: &'static str,
}

/// The inbox's form for a booking staff enter.
pub const NEW_BOOKING: DayPicker = DayPicker {
    date: "#sb-new-date",
    times: "#sb-new-slot option",
    start: "value",
};

/// The inbox's "Move" form.
pub const MOVE_FORM: DayPicker = DayPicker {
    date: "#sb-move-date",
    times: "#sb-move-slot option",
    start: "value",
};

/// The manage page's change of time.
pub const MANAGE_CHANGE: DayPicker = DayPicker {
    date: "#sb-change-day",
    times: ".sb-slot",
    start: "data-start",
};

impl DayPicker {
    /// Picks `day` and waits until at least `at_least` of its free times are
    /// listed; returns the starts listed then. A start is UTC and a day is the
    /// business's: the test businesses open 11:00–23:00 Paris time, so each of
    /// their days' starts carries that day's date.
    pub async fn turn_to(
        self,
        browser: &Browser,
        day: &str,
        at_least: usize,
    ) -> anyhow::Result<Vec<String>> {
        browser.set_value(self.date, day).await?;
        eventually(&format!("{at_least} free times of {day}"), || async {
            let starts = self.listed(browser).await.ok()?;
            let of_day = starts.iter().filter(|start| start.starts_with(day)).count();
            (of_day >= at_least).then_some(starts)
        })
        .await
    }

    /// The starts of the times listed now.
    pub async fn listed(self, browser: &Browser) -> anyhow::Result<Vec<String>> {
        let starts = browser
            .script(&format!(
                "return Array.from(document.querySelectorAll('{}'))
                     .map(time => time.getAttribute('{}')).filter(start => start);",
                self.times, self.start
            ))
            .await?;
        Ok(starts
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .map(str::to_owned)
            .collect())
    }

    /// Shows that an answer which comes late, for a day already left, is not
    /// drawn: the answer for `left` is held in the page while the picker turns
    /// to it and back to `shown`, and let through once `shown`'s times are
    /// listed. After that answer is read and every frame it could cause is
    /// drawn, only `shown`'s times may be listed. Ends with `shown` picked.
    ///
    /// Chromium only: geckodriver runs a test's scripts in a sandbox, and the
    /// page's fetches through a function defined there fail (measured: the
    /// manage page then says the service cannot be reached).
    pub async fn drops_a_late_answer(
        self,
        browser: &Browser,
        shown: &str,
        left: &str,
    ) -> anyhow::Result<()> {
        anyhow::ensure!(
            browser.kind() == BrowserKind::Chromium,
            "answers are held back in Chromium only"
        );
        hold_availability(browser, left).await?;
        browser.set_value(self.date, left).await?;
        eventually(&format!("the question for {left}"), || async {
            let asked = browser.script("return window.sbHeld.asked;").await.ok()?;
            (asked.as_u64()? >= 1).then_some(())
        })
        .await?;
        self.turn_to(browser, shown, 1).await?;
        browser.script("window.sbHeld.release();").await?;
        eventually(
            &format!("the late answer for {left}, read and drawn"),
            || async {
                let drawn = browser.script("return window.sbHeld.drawn;").await.ok()?;
                (drawn == Value::Bool(true)).then_some(())
            },
        )
        .await?;
        let listed = self.listed(browser).await?;
        anyhow::ensure!(
            !listed.is_empty() && listed.iter().all(|start| start.starts_with(shown)),
            "{shown} is picked, yet the times listed are {listed:?}"
        );
        Ok(())
    }
}

/// Holds the page's availability answers for `day` until
/// `window.sbHeld.release()`; `window.sbHeld.asked` counts the questions held
/// and `window.sbHeld.drawn` turns true once the page has read a held answer
/// and has had a timer and a frame to draw what it made of it. The apps call
/// `window.fetch` (through wasm-bindgen) at each question, so replacing it
/// here catches their next questions.
async fn hold_availability(browser: &Browser, day: &str) -> anyhow::Result<()> {
    browser
        .script(&format!(
            "const original = window.fetch;
             let release;
             const gate = new Promise(resolve => {{ release = resolve; }});
             window.sbHeld = {{ asked: 0, drawn: false, release }};
             window.fetch = function (input, init) {{
                 const url = String(typeof input === 'string' ? input : input.url);
                 const answer = original.call(this, input, init);
                 if (!url.includes('/availability?from={day}')) return answer;
                 window.sbHeld.asked += 1;
                 return answer.then(response => gate.then(() => {{
                     const text = response.text.bind(response);
                     response.text = () => text().then(body => {{
                         setTimeout(() => requestAnimationFrame(() => setTimeout(() => {{
                             window.sbHeld.drawn = true;
                         }})));
                         return body;
                     }});
                     return response;
                 }}));
             }};"
        ))
        .await?;
    Ok(())
}
