//! The run report's timeline of one rate-limit bucket, as inline SVG: requests per second
//! (bars), the remaining budget (a line, with its scale), waits for a window's reset (shaded),
//! 429s (red dots) and, below, latency per second; time labelled along the axis. A long run is
//! drawn in steps of several seconds (`in_steps`), so a page stays small.

use super::esc;
use crate::record::{ResetWait, Second};
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// One bucket's chart: requests per second (bars), remaining budget (line, of the limit), reset
/// waits (shaded), 429s (red dots) and, below, latency per second (mean and max).
pub(super) fn bucket_chart(
    h: &mut String,
    bucket: &str,
    seconds: &BTreeMap<u64, Second>,
    waits: &[&ResetWait],
    last: u64,
    step: u64,
) {
    let requests: u32 = seconds.values().map(|s| s.requests).sum();
    let too_many: u32 = seconds.values().map(|s| s.too_many).sum();
    let _ = write!(
        h,
        "<h3><code>{}</code></h3><p>{requests} requests, {too_many} answered 429, {} waits for a reset.</p>",
        esc(bucket),
        waits.len()
    );
    let chart = Chart::new(seconds, last, step);
    let _ = write!(
        h,
        "<svg width=\"{:.0}\" height=\"{}\" role=\"img\" aria-label=\"timeline of {}\" font-size=\"11\">",
        chart.width(),
        chart.height(),
        esc(bucket)
    );
    for wait in waits {
        chart.wait(h, wait);
    }
    let mut lines = Lines::default();
    for (at, s) in seconds {
        chart.second(h, *at, s, &mut lines);
    }
    lines.draw(h);
    chart.axes(h, last);
    h.push_str("</svg>");
}

/// A rate as a label: whole numbers as such, others to one decimal.
fn rate(per_second: f64) -> String {
    if per_second.fract() == 0.0 {
        format!("{per_second:.0}")
    } else {
        format!("{per_second:.1}")
    }
}

/// Bars in a chart at most: a longer run is drawn in steps of several seconds.
pub(super) const MAX_STEPS: u64 = 1200;

/// A bucket (not the busiest) with fewer requests, and no 429 or wait, is a table row.
pub(super) const QUIET_REQUESTS: u32 = 10;

/// The time axis's label steps, in seconds: the first that leaves room between labels is used.
const TICK_STEPS: &[u64] = &[
    1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10_800, 21_600, 43_200, 86_400,
];

/// A time since the start as the axis shows it.
fn at_time(seconds: u64) -> String {
    match seconds {
        s if s < 120 => format!("{s} s"),
        s if s < 3600 && s % 60 == 0 => format!("{} min", s / 60),
        s if s < 3600 => format!("{} min {} s", s / 60, s % 60),
        s if s % 3600 == 0 => format!("{} h", s / 3600),
        s => format!("{} h {} min", s / 3600, s % 3600 / 60),
    }
}

/// The labelled times between 0 and `end` (exclusive of both), at least `gap` seconds apart
/// and away from the end's own label.
fn ticks(end: u64, gap: f64) -> Vec<u64> {
    let step = TICK_STEPS
        .iter()
        .copied()
        .find(|s| *s as f64 >= gap)
        .unwrap_or(86_400);
    (1..)
        .map(|i| i * step)
        .take_while(|t| (*t as f64) < end as f64 - gap * 0.6)
        .collect()
}

/// Seconds gathered into steps of `step` seconds (keyed by their first second): requests and
/// 429s summed, the lowest remaining budget, latency summed and its maximum.
pub(super) fn in_steps(seconds: &BTreeMap<u64, Second>, step: u64) -> BTreeMap<u64, Second> {
    if step <= 1 {
        return seconds.clone();
    }
    let mut steps: BTreeMap<u64, Second> = BTreeMap::new();
    for (at, s) in seconds {
        let into = steps.entry(at - at % step).or_default();
        into.requests += s.requests;
        into.too_many += s.too_many;
        into.remaining = match (into.remaining, s.remaining) {
            (Some((a, limit)), Some((b, _))) => Some((a.min(b), limit)),
            (a, b) => a.or(b),
        };
        into.latency_sum_ms += s.latency_sum_ms;
        into.latency_max_ms = into.latency_max_ms.max(s.latency_max_ms);
    }
    steps
}

/// The geometry of one bucket's chart: requests above, latency below, seconds across.
pub(super) struct Chart {
    span: f64,
    /// The plot's width: narrower for a run of a few seconds.
    plot_width: f64,
    /// The bucket's limit per window, for the remaining budget's scale.
    limit: Option<u32>,
    /// Seconds per bar.
    step: u64,
    bar: f64,
    /// The most requests in a second, and the longest latency (ms).
    peak: f64,
    lat_peak: f64,
}

/// The polylines of a chart: remaining budget, mean and max latency.
#[derive(Default)]
struct Lines {
    remaining: Vec<String>,
    mean: Vec<String>,
    max: Vec<String>,
}

impl Chart {
    const WIDTH: f64 = 1000.0;
    pub(super) const TOP: f64 = 10.0;
    pub(super) const PLOT: f64 = 160.0;
    const LAT: f64 = 60.0;
    const LEFT: f64 = 48.0;
    /// Room for the remaining budget's scale.
    const RIGHT: f64 = 52.0;
    const LAT_TOP: f64 = Self::TOP + Self::PLOT + 20.0;
    /// A short run gets this many pixels a second, down to `MIN_PLOT`.
    const PER_SECOND: f64 = 40.0;
    const MIN_PLOT: f64 = 320.0;

    fn new(seconds: &BTreeMap<u64, Second>, last: u64, step: u64) -> Chart {
        let span = (last + 1) as f64;
        let most = seconds.values().map(|s| s.requests).max().unwrap_or(1);
        let plot_width =
            (span * Self::PER_SECOND).clamp(Self::MIN_PLOT, Self::WIDTH - Self::LEFT - Self::RIGHT);
        Chart {
            span,
            plot_width,
            limit: seconds
                .values()
                .filter_map(|s| s.remaining.map(|(_, limit)| limit))
                .max(),
            step,
            bar: (plot_width / span * step as f64 * 0.8).max(1.0),
            // Requests per second: a step's sum over its seconds.
            peak: (f64::from(most.max(1)) / step as f64).max(f64::MIN_POSITIVE),
            lat_peak: seconds
                .values()
                .map(|s| s.latency_max_ms)
                .fold(1.0, f64::max),
        }
    }

    fn height(&self) -> f64 {
        Self::LAT_TOP + Self::LAT + 24.0
    }

    fn width(&self) -> f64 {
        Self::LEFT + self.plot_width + Self::RIGHT
    }

    fn x(&self, second: f64) -> f64 {
        Self::LEFT + self.plot_width * second / self.span
    }

    fn latency_y(&self, ms: f64) -> f64 {
        Self::LAT_TOP + Self::LAT - Self::LAT * ms / self.lat_peak
    }

    /// A wait for the window's reset, shaded.
    fn wait(&self, h: &mut String, wait: &ResetWait) {
        let x0 = self.x(wait.second as f64);
        let x1 = self.x(wait.second as f64 + wait.seconds).max(x0 + 1.0);
        let _ = write!(
            h,
            "<rect x=\"{x0:.1}\" y=\"{}\" width=\"{:.1}\" height=\"{}\" fill=\"#f3d9a4\"><title>waiting {:.1} s for the reset</title></rect>",
            Self::TOP,
            x1 - x0,
            Self::PLOT,
            wait.seconds
        );
    }

    /// One second (or step of seconds): its bar, a dot for its 429s, and its points of the
    /// lines.
    fn second(&self, h: &mut String, at: u64, s: &Second, lines: &mut Lines) {
        let (top, plot) = (Self::TOP, Self::PLOT);
        let when = if self.step > 1 {
            format!("seconds {at} to {}", at + self.step - 1)
        } else {
            format!("second {at}")
        };
        let bx = self.x(at as f64);
        let per_second = f64::from(s.requests) / self.step as f64;
        let bh = plot * per_second / self.peak;
        let _ = write!(
            h,
            "<rect x=\"{bx:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{bh:.1}\" fill=\"#3a7bd5\"><title>{when}: {} requests</title></rect>",
            top + plot - bh,
            self.bar,
            s.requests
        );
        let mid = bx + self.bar / 2.0;
        if s.too_many > 0 {
            let _ = write!(
                h,
                "<circle cx=\"{mid:.1}\" cy=\"{:.1}\" r=\"4\" fill=\"#c0392b\"><title>{when}: {} answered 429</title></circle>",
                top + 6.0,
                s.too_many
            );
        }
        if let (Some((rem, _)), Some(limit)) = (s.remaining, self.limit) {
            let y = top + plot - plot * f64::from(rem) / f64::from(limit.max(1));
            lines.remaining.push(format!("{mid:.1},{y:.1}"));
        }
        let mean = s.latency_sum_ms / f64::from(s.requests.max(1));
        lines
            .mean
            .push(format!("{mid:.1},{:.1}", self.latency_y(mean)));
        lines
            .max
            .push(format!("{mid:.1},{:.1}", self.latency_y(s.latency_max_ms)));
    }

    /// The base line, the time axis with labels between 0 and the end, the requests' and the
    /// latency's scales on the left, and the remaining budget's on the right.
    fn axes(&self, h: &mut String, last: u64) {
        let (left, base) = (Self::LEFT, Self::TOP + Self::PLOT);
        let right = left + self.plot_width;
        let label = left - 4.0;
        let bottom = self.height() - 4.0;
        let _ = write!(
            h,
            "<line x1=\"{left}\" y1=\"{base}\" x2=\"{right}\" y2=\"{base}\" stroke=\"#556\"/>\
<text x=\"{label}\" y=\"{:.1}\" text-anchor=\"end\">{}/s</text>\
<text x=\"{label}\" y=\"{base}\" text-anchor=\"end\">0</text>\
<text x=\"{label}\" y=\"{:.1}\" text-anchor=\"end\">{:.0} ms</text>\
<text x=\"{left}\" y=\"{bottom}\" class=\"time\">0 s</text><text x=\"{right}\" y=\"{bottom}\" text-anchor=\"end\" class=\"time\">{}</text>",
            Self::TOP + 10.0,
            rate(self.peak),
            Self::LAT_TOP + 10.0,
            self.lat_peak,
            at_time(last + 1)
        );
        // Labels at least 70 px apart.
        let gap = 70.0 * self.span / self.plot_width;
        let lat_base = Self::LAT_TOP + Self::LAT;
        for t in ticks(last + 1, gap) {
            let x = self.x(t as f64);
            let _ = write!(
                h,
                "<line x1=\"{x:.1}\" y1=\"{lat_base}\" x2=\"{x:.1}\" y2=\"{:.1}\" stroke=\"#556\"/>\
<text x=\"{x:.1}\" y=\"{bottom}\" text-anchor=\"middle\" class=\"time\">{}</text>",
                lat_base + 4.0,
                at_time(t)
            );
        }
        if let Some(limit) = self.limit {
            let x = right + 4.0;
            let mid = Self::TOP + Self::PLOT / 2.0;
            let _ = write!(
                h,
                "<line x1=\"{right:.1}\" y1=\"{}\" x2=\"{right:.1}\" y2=\"{base}\" stroke=\"#2e8b57\"/>\
<text x=\"{x:.1}\" y=\"{:.1}\" fill=\"#2e8b57\" class=\"budget\">{limit}</text>\
<text x=\"{x:.1}\" y=\"{:.1}\" fill=\"#2e8b57\" class=\"budget\">{}</text>\
<text x=\"{x:.1}\" y=\"{base}\" fill=\"#2e8b57\" class=\"budget\">0 left</text>",
                Self::TOP,
                Self::TOP + 10.0,
                mid + 4.0,
                limit / 2
            );
        }
    }
}

impl Lines {
    fn draw(&self, h: &mut String) {
        let _ = write!(
            h,
            "<polyline points=\"{}\" fill=\"none\" stroke=\"#2e8b57\" stroke-width=\"1.5\"/>\
<polyline points=\"{}\" fill=\"none\" stroke=\"#7d3c98\" stroke-width=\"1.5\"/>\
<polyline points=\"{}\" fill=\"none\" stroke=\"#7d3c98\" stroke-width=\"1\" stroke-dasharray=\"3 2\"/>",
            self.remaining.join(" "),
            self.mean.join(" "),
            self.max.join(" ")
        );
    }
}
