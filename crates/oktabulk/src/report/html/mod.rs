//! The run report (`--report PATH.html`): one self-contained HTML file, no script and nothing
//! fetched, that tells the story of a run: what was asked and by whom (never a secret), the
//! outcome by status, failures grouped by Okta error code with examples, and a timeline per
//! rate-limit bucket of requests per second, the bucket's remaining budget, waits for a window's
//! reset, 429s and latency, drawn as inline SVG.
//!
//! The page is drawn from a run's record (`crate::record`), live at the end of the run or later
//! from its journal by `oktabulk report`; the outcome and the failures are counted from the
//! rows' results.

use crate::exit::AppError;
use crate::outcome::{FailureGroup, NextStep, RowTally};
use crate::record::{ResetWait, RunRecord, Second};
use crate::report::results::temporary_beside;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

mod chart;

#[cfg(test)]
use chart::Chart;
use chart::{bucket_chart, in_steps, MAX_STEPS, QUIET_REQUESTS};

/// Writes a page under a temporary name, readable by the owner only, and renames it into place.
pub fn write_page(path: &Path, html: &str) -> Result<(), AppError> {
    let write_error = |source| AppError::Write {
        path: path.to_owned(),
        source,
    };
    let (mut file, temp) = temporary_beside(path)?;
    std::io::Write::write_all(&mut file, html.as_bytes()).map_err(write_error)?;
    drop(file);
    temp.persist(path).map_err(|e| write_error(e.error))?;
    Ok(())
}

/// Text made safe inside HTML elements and attributes.
fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out
}

const STYLE: &str = "body{font:14px/1.45 system-ui,sans-serif;margin:2em auto;max-width:1100px;color:#1d2330;padding:0 1em}\
h1{font-size:1.5em}h2{font-size:1.15em;margin-top:2em;border-bottom:1px solid #d8dce4}\
table{border-collapse:collapse}td,th{padding:.25em .8em;text-align:left;vertical-align:top;border-bottom:1px solid #eceef2}\
th{color:#556}code{font-size:.92em}.num{text-align:right}svg{display:block;margin:.5em 0 1.5em}\
.legend span{display:inline-block;margin-right:1.2em}.sw{display:inline-block;width:.9em;height:.9em;margin-right:.3em;vertical-align:-.1em}";

const COLOURS: &[(&str, &str)] = &[
    ("Success", "#2e8b57"),
    ("Updated", "#3a7bd5"),
    ("Unchanged", "#8a93a6"),
    ("Exists", "#c59b1a"),
    ("Failed", "#c0392b"),
];

/// The page for a record and its rows.
pub fn render(record: &RunRecord, tally: &RowTally) -> String {
    Page { record, tally }.render()
}

struct Page<'a> {
    record: &'a RunRecord,
    tally: &'a RowTally,
}

impl Page<'_> {
    fn render(&self) -> String {
        let mut h = String::new();
        let title = format!("oktabulk {} report", self.record.facts.command);
        let _ = write!(
            h,
            "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{}</title><style>{STYLE}</style></head><body><h1>{}</h1>",
            esc(&title),
            esc(&title)
        );
        self.render_facts(&mut h);
        self.render_outcome(&mut h);
        self.render_next(&mut h);
        self.render_failures(&mut h);
        self.render_timeline(&mut h);
        h.push_str("</body></html>\n");
        h
    }

    fn render_facts(&self, h: &mut String) {
        let (r, f) = (self.record, &self.record.facts);
        let mut rows = vec![
            ("Command", format!("oktabulk {}", self.command_line())),
            ("Org", f.org.clone()),
            ("Input", f.file.clone()),
            ("Input SHA-256", f.digest.clone()),
            ("Results file", f.results.clone()),
            ("Calls made as", f.principal.clone()),
            (
                "Run by",
                if f.user.is_empty() {
                    "unknown".to_owned()
                } else {
                    f.user.clone()
                },
            ),
            ("Started", r.started_at.clone()),
            ("Took", format!("{:.1} s", r.took_ms as f64 / 1000.0)),
            ("Rows", r.total.to_string()),
        ];
        if r.interrupted {
            rows.push(("Ended", "interrupted (Ctrl-C)".to_owned()));
        }
        if !f.sources.is_empty() {
            rows.push(("Settings from", f.sources.join(", ")));
        }
        h.push_str("<h2>What was asked</h2><table>");
        for (name, value) in rows {
            let _ = write!(h, "<tr><th>{name}</th><td>{}</td></tr>", esc(&value));
        }
        for (name, value) in &f.options {
            let _ = write!(
                h,
                "<tr><th><code>{}</code></th><td>{}</td></tr>",
                esc(name),
                esc(value)
            );
        }
        h.push_str("</table>");
    }

    /// The command as the admin typed it (a record kept before it was, by its name).
    fn command_line(&self) -> &str {
        let f = &self.record.facts;
        if f.command_line.is_empty() {
            &f.command
        } else {
            &f.command_line
        }
    }

    /// What to do now, from the same facts as the summary (`RowTally::next_steps`).
    fn render_next(&self, h: &mut String) {
        h.push_str("<h2>What next</h2>");
        let results = &self.record.facts.results;
        let in_results = if results.is_empty() {
            String::new()
        } else {
            format!("; the results are in <code>{}</code>", esc(results))
        };
        let again = format!("<code>oktabulk {}</code>", esc(self.command_line()));
        let mut items = Vec::new();
        if self.record.interrupted {
            items.push(format!(
                "The run was interrupted: run {again} again; it resumes where this run stopped (rows Okta refused are sent again only with <code>--retry-failed</code>)."
            ));
        }
        for step in self.tally.next_steps() {
            items.push(match step {
                NextStep::Rerun { rows } => format!(
                    "{} failed for reasons that may pass (rate limits, server errors, the network): run {again} again; it settles and sends them.",
                    esc(&crate::report::words::count(rows, "row", "rows"))
                ),
                NextStep::FixAndRerun { rows } => format!(
                    "{} failed because Okta refused them or they were invalid (see <em>Failures</em> below{in_results}): fix those lines, then run {again} again; the rows done are found as they are.",
                    esc(&crate::report::words::count(rows, "row", "rows"))
                ),
                NextStep::FixUsers { command, found } => {
                    let found: Vec<String> =
                        found.iter().map(|(n, s)| format!("{n} {}", esc(s))).collect();
                    format!(
                        "{} met existing users who cannot sign in: <code>oktabulk {command} {}{}</code>",
                        found.join(", "),
                        esc(results),
                        esc(&self.record.facts.connection)
                    )
                }
            });
        }
        if items.is_empty() {
            let _ = write!(h, "<p>Nothing to do: every row is done{in_results}.</p>");
            return;
        }
        h.push_str("<ul class=\"next\">");
        for item in items {
            let _ = write!(h, "<li>{item}</li>");
        }
        h.push_str("</ul>");
    }

    fn render_outcome(&self, h: &mut String) {
        let outcomes = &self.tally.outcomes;
        let done: u64 = outcomes.values().sum();
        h.push_str("<h2>Outcome</h2>");
        if done == 0 {
            h.push_str("<p>No row finished.</p>");
            return;
        }
        let width = 900.0;
        let _ = write!(
            h,
            "<svg width=\"{width}\" height=\"34\" role=\"img\" aria-label=\"rows by status\">"
        );
        let mut x = 0.0;
        for (status, colour) in COLOURS {
            let n = outcomes.get(status).copied().unwrap_or(0);
            if n == 0 {
                continue;
            }
            let w = width * n as f64 / done as f64;
            let _ = write!(
                h,
                "<rect x=\"{x:.1}\" y=\"4\" width=\"{w:.1}\" height=\"26\" fill=\"{colour}\"><title>{status}: {n}</title></rect>"
            );
            x += w;
        }
        h.push_str("</svg><table><tr><th>Status</th><th class=\"num\">Rows</th></tr>");
        for (status, colour) in COLOURS {
            if let Some(n) = outcomes.get(status) {
                let _ = write!(
                    h,
                    "<tr><td><span class=\"sw\" style=\"background:{colour}\"></span>{status}</td><td class=\"num\">{n}</td></tr>"
                );
            }
        }
        let _ = write!(
            h,
            "<tr><th>All</th><th class=\"num\">{done} of {}</th></tr></table>",
            self.record.total
        );
        if !self.record.retries.is_empty() {
            let parts: Vec<String> = self
                .record
                .retries
                .iter()
                .map(|(why, n)| format!("{} &times; {n}", esc(why)))
                .collect();
            let _ = write!(h, "<p>Sent again after: {}</p>", parts.join(", "));
        }
    }

    fn render_failures(&self, h: &mut String) {
        h.push_str("<h2>Failures by Okta error code</h2>");
        if self.tally.failures.is_empty() {
            h.push_str("<p>None.</p>");
            return;
        }
        h.push_str("<table><tr><th>Code</th><th class=\"num\">Rows</th><th>Examples (line, row, message)</th></tr>");
        let mut groups: Vec<(&String, &FailureGroup)> = self.tally.failures.iter().collect();
        groups.sort_by(|a, b| b.1.count.cmp(&a.1.count).then(a.0.cmp(b.0)));
        for (code, group) in groups {
            let examples: Vec<String> = group
                .examples
                .iter()
                .map(|(line, label, message)| {
                    format!("line {line}, {}: {}", esc(label), esc(message))
                })
                .collect();
            let _ = write!(
                h,
                "<tr><td><code>{}</code></td><td class=\"num\">{}</td><td>{}</td></tr>",
                esc(code),
                group.count,
                examples.join("<br>")
            );
        }
        h.push_str("</table>");
    }

    fn render_timeline(&self, h: &mut String) {
        h.push_str("<h2>Timeline</h2>");
        let record = self.record;
        if record.seconds.is_empty() {
            h.push_str("<p>No request was answered.</p>");
            return;
        }
        let last = record
            .seconds
            .values()
            .filter_map(|s| s.keys().next_back().copied())
            .chain(
                record
                    .waits
                    .iter()
                    .map(|w| w.second + w.seconds.ceil() as u64),
            )
            .max()
            .unwrap_or(0);
        // A long run is drawn in steps of several seconds, so that a chart has at most
        // `MAX_STEPS` bars whatever the run's length.
        let step = (last + 1).div_ceil(MAX_STEPS).max(1);
        if step > 1 {
            let _ = write!(
                h,
                "<p>Each bar is {step} seconds; its height is the mean requests per second.</p>"
            );
        }
        h.push_str("<p class=\"legend\"><span><span class=\"sw\" style=\"background:#3a7bd5\"></span>requests per second</span>\
<span><span class=\"sw\" style=\"background:#2e8b57\"></span>remaining budget (requests left in the window, right scale)</span>\
<span><span class=\"sw\" style=\"background:#f3d9a4\"></span>waiting for the window's reset</span>\
<span><span class=\"sw\" style=\"background:#c0392b\"></span>429</span>\
<span><span class=\"sw\" style=\"background:#7d3c98\"></span>latency (mean, dashed max)</span></p>");
        // The busiest bucket first: it is the one that paced the run.
        let mut buckets: Vec<(&String, &BTreeMap<u64, Second>)> = record.seconds.iter().collect();
        buckets.sort_by_key(|(name, s)| {
            (
                std::cmp::Reverse(s.values().map(|x| u64::from(x.requests)).sum::<u64>()),
                *name,
            )
        });
        let mut quiet = Vec::new();
        for (n, (bucket, seconds)) in buckets.into_iter().enumerate() {
            let waits: Vec<&ResetWait> = record
                .waits
                .iter()
                .filter(|w| &w.bucket == bucket)
                .collect();
            let requests: u32 = seconds.values().map(|s| s.requests).sum();
            let too_many: u32 = seconds.values().map(|s| s.too_many).sum();
            // A bucket with a few calls and nothing to see is a table row, not an empty chart.
            if n > 0 && requests < QUIET_REQUESTS && too_many == 0 && waits.is_empty() {
                quiet.push((bucket, seconds));
                continue;
            }
            bucket_chart(h, bucket, &in_steps(seconds, step), &waits, last, step);
        }
        if !quiet.is_empty() {
            h.push_str("<h3>Other buckets</h3><table class=\"quiet\"><tr><th>Bucket</th><th class=\"num\">Requests</th><th class=\"num\">Mean latency</th><th class=\"num\">Lowest remaining</th></tr>");
            for (bucket, seconds) in quiet {
                let requests: u32 = seconds.values().map(|s| s.requests).sum();
                let latency: f64 = seconds.values().map(|s| s.latency_sum_ms).sum();
                let lowest = seconds
                    .values()
                    .filter_map(|s| s.remaining)
                    .min_by_key(|(r, _)| *r)
                    .map_or("-".to_owned(), |(r, l)| format!("{r} of {l}"));
                let _ = write!(
                    h,
                    "<tr><td><code>{}</code></td><td class=\"num\">{requests}</td><td class=\"num\">{:.0} ms</td><td class=\"num\">{lowest}</td></tr>",
                    esc(bucket),
                    latency / f64::from(requests.max(1))
                );
            }
            h.push_str("</table>");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::outcome::{Action, CreationStatus, RowResult};

    #[test]
    fn a_long_run_is_drawn_in_steps_of_seconds() {
        // Three hours of one request a second, a 429 in second 7,000.
        let mut seconds = BTreeMap::new();
        for at in 0..10_800u64 {
            let s = Second {
                requests: 1,
                too_many: u32::from(at == 7_000),
                remaining: Some((600 - (at % 60) as u32, 600)),
                latency_sum_ms: 150.0,
                latency_max_ms: 150.0,
            };
            seconds.insert(at, s);
        }
        let record = RunRecord {
            seconds: BTreeMap::from([("/api/v1/users".to_owned(), seconds)]),
            ..RunRecord::default()
        };
        let html = render(&record, &RowTally::default());
        assert!(html.contains("Each bar is 9 seconds"));
        assert_eq!(html.matches("fill=\"#3a7bd5\"><title>").count(), 1200);
        assert_eq!(html.matches("<circle").count(), 1);
        assert!(html.contains("seconds 6993 to 7001: 9 requests"));
        assert!(
            html.contains(">1/s</text>"),
            "the mean rate, not the step's sum"
        );
    }

    /// The time labels of a page, in order.
    fn time_labels(html: &str) -> Vec<String> {
        let re = regex::Regex::new(r#"class="time">([^<]+)</text>"#).expect("regex");
        re.captures_iter(html).map(|c| c[1].to_owned()).collect()
    }

    fn busy_seconds(seconds: u64, per_second: u32) -> BTreeMap<u64, Second> {
        (0..seconds)
            .map(|at| {
                let s = Second {
                    requests: per_second,
                    too_many: 0,
                    remaining: Some((
                        600u32.saturating_sub(per_second * (at as u32 % 60 + 1)),
                        600,
                    )),
                    latency_sum_ms: 150.0 * f64::from(per_second),
                    latency_max_ms: 180.0,
                };
                (at, s)
            })
            .collect()
    }

    #[test]
    fn the_time_axis_is_labelled_between_zero_and_the_end() {
        let record = |seconds: u64| RunRecord {
            seconds: BTreeMap::from([("/api/v1/users".to_owned(), busy_seconds(seconds, 1))]),
            ..RunRecord::default()
        };
        let html = render(&record(60), &RowTally::default());
        assert_eq!(
            time_labels(&html),
            [
                "0 s", "60 s", "5 s", "10 s", "15 s", "20 s", "25 s", "30 s", "35 s", "40 s",
                "45 s", "50 s", "55 s"
            ]
        );
        let html = render(&record(10_800), &RowTally::default());
        let labels = time_labels(&html);
        assert_eq!(
            labels[..4],
            ["0 s", "3 h", "15 min", "30 min"],
            "{labels:?}"
        );
        assert!(labels.contains(&"1 h 15 min".to_owned()), "{labels:?}");
        assert_eq!(labels.last().map(String::as_str), Some("2 h 45 min"));
    }

    #[test]
    fn the_remaining_budget_has_a_scale_of_the_bucket_s_limit() {
        let record = RunRecord {
            seconds: BTreeMap::from([("/api/v1/users".to_owned(), busy_seconds(5, 50))]),
            ..RunRecord::default()
        };
        let html = render(&record, &RowTally::default());
        let re = regex::Regex::new(r#"class="budget">([^<]+)</text>"#).expect("regex");
        let scale: Vec<&str> = re
            .captures_iter(&html)
            .map(|c| c.get(1).expect("label").as_str())
            .collect();
        assert_eq!(scale, ["600", "300", "0 left"]);
        // 550 of 600 left after the first second: the line's first point is 1/12 down the plot.
        let y = Chart::TOP + Chart::PLOT * 50.0 / 600.0;
        assert!(html.contains(&format!(",{y:.1} ")), "{y}");
    }

    #[test]
    fn a_small_run_is_drawn_compactly() {
        let record = RunRecord {
            seconds: BTreeMap::from([
                ("/api/v1/users".to_owned(), busy_seconds(4, 10)),
                ("/api/v1/groups".to_owned(), busy_seconds(1, 1)),
                ("/api/v1/meta/schemas".to_owned(), busy_seconds(1, 1)),
            ]),
            ..RunRecord::default()
        };
        let html = render(&record, &RowTally::default());
        assert_eq!(
            html.matches("aria-label=\"timeline of").count(),
            1,
            "one chart"
        );
        assert!(
            html.contains("<svg width=\"420\""),
            "320 px of plot and its scales"
        );
        assert!(html.contains("<h3>Other buckets</h3>"));
        assert!(html.contains("<td><code>/api/v1/groups</code></td><td class=\"num\">1</td><td class=\"num\">150 ms</td><td class=\"num\">599 of 600</td>"));
        let long = RunRecord {
            seconds: BTreeMap::from([("/api/v1/users".to_owned(), busy_seconds(60, 1))]),
            ..RunRecord::default()
        };
        assert!(render(&long, &RowTally::default()).contains("<svg width=\"1000\""));
    }

    #[test]
    fn what_next_comes_from_the_rows_and_names_the_command_as_typed() {
        let mut record = RunRecord::default();
        record.facts.command = "import".into();
        record.facts.command_line = "users import staff.csv --on-exists update".into();
        record.facts.results = "staff.results.csv".into();
        let clean = render(&record, &RowTally::default());
        assert!(clean.contains("<h2>What next</h2><p>Nothing to do: every row is done; the results are in <code>staff.results.csv</code>.</p>"));
        assert!(clean.contains(
            "<th>Command</th><td>oktabulk users import staff.csv --on-exists update</td>"
        ));
        assert!(clean.contains("<th>Results file</th><td>staff.results.csv</td>"));

        let mut tally = RowTally::default();
        let mut row = |status, unsettled, user_status: &str| {
            let mut r = RowResult::new(0, 2, "a@example.com", Action::Create);
            r.user_creation_status = status;
            r.unsettled = unsettled;
            r.user_status = user_status.into();
            tally.add(&r);
        };
        row(CreationStatus::Failed, false, "");
        row(CreationStatus::Failed, true, "");
        row(CreationStatus::Exists, false, "DEPROVISIONED");
        row(CreationStatus::Exists, false, "SUSPENDED");
        let html = render(&record, &tally);
        let again = "run <code>oktabulk users import staff.csv --on-exists update</code> again";
        for item in [
            format!("<li>1 row failed for reasons that may pass (rate limits, server errors, the network): {again}; it settles and sends them.</li>"),
            format!("<li>1 row failed because Okta refused them or they were invalid (see <em>Failures</em> below; the results are in <code>staff.results.csv</code>): fix those lines, then {again}; the rows done are found as they are.</li>"),
            "<li>1 DEPROVISIONED met existing users who cannot sign in: <code>oktabulk users activate staff.results.csv</code></li>".to_owned(),
            "<li>1 SUSPENDED met existing users who cannot sign in: <code>oktabulk users unsuspend staff.results.csv</code></li>".to_owned(),
        ] {
            assert!(html.contains(&item), "{item}\n{html}");
        }
    }

    #[test]
    fn text_from_the_file_cannot_open_markup() {
        assert_eq!(
            esc("<script>alert('x')</script>&\u{1b}"),
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;\\u{1b}"
        );
    }
}
