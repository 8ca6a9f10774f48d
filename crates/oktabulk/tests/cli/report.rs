use super::support::{code, seed_csv, stderr, Env, TOKEN};
use okta_emulator::{FaultAction, FaultConfig, FaultRule, RateLimitConfig};

/// Windows of 1.5 s with 40 creates each (20 for one token): a run of 60 rows waits for resets.
fn small_windows() -> RateLimitConfig {
    let mut limits = RateLimitConfig::workforce();
    limits.window_ms = 1500;
    limits.limits = limits.limits.map(|mut l| {
        l.users = 40;
        l
    });
    limits
}

/// A run with every kind of thing a report shows: created rows, a login that exists, a weak
/// password Okta refuses (E0000001), an invalid row skipped, two 429s and waits for resets.
async fn run_with_report() -> (Env, std::process::Output) {
    let env = Env::with_limits(small_windows()).await;
    env.seed(serde_json::json!({"users": [{"profile": {"login": "user00003@example.com", "email": "user00003@example.com", "firstName": "Pre", "lastName": "Existing"}}]}))
        .await;
    let mut csv = seed_csv(60, "");
    csv.push_str("weak@example.com,weak@example.com,Weak,Password,abc,\n");
    csv.push_str("not-a-login,not-an-email,Bad,Row,,\n");
    env.write("report.csv", csv);
    env.emulator.set_faults(FaultConfig {
        seed: 1,
        rules: vec![FaultRule {
            method: Some("POST".into()),
            path: "/api/v1/users".into(),
            action: FaultAction::Status { status: 429 },
            skip: 5,
            times: Some(2),
            probability: None,
        }],
    });
    let out = env
        .run(&[
            "users",
            "import",
            "report.csv",
            "--skip-invalid",
            "--report",
            "run.html",
            "-q",
        ])
        .await;
    (env, out)
}

/// The "what next" items of a page, and the labels of its first time axis as seconds (the
/// first is 0, the second the end, those between after them).
fn what_next_and_time_axis(html: &str) -> (Vec<String>, Vec<u64>) {
    let next = html
        .split("<h2>What next</h2>")
        .nth(1)
        .and_then(|rest| rest.split("<h2>").next())
        .expect("a what-next section");
    let items = regex::Regex::new(r"<li>(.*?)</li>")
        .expect("regex")
        .captures_iter(next)
        .map(|c| c[1].to_owned())
        .collect();
    let chart = html
        .split("aria-label=\"timeline of")
        .nth(1)
        .and_then(|rest| rest.split("</svg>").next())
        .expect("a chart");
    let labels = regex::Regex::new(r#"class="time">(\d+) s</text>"#)
        .expect("regex")
        .captures_iter(chart)
        .map(|c| c[1].parse().expect("seconds"))
        .collect();
    (items, labels)
}

/// Checks the page's what-next section and its time axis: the run's two failed rows and the
/// command as typed, and labels between 0 and the end.
fn check_next_and_axis(html: &str) {
    let (items, labels) = what_next_and_time_axis(html);
    assert_eq!(items.len(), 1, "{items:?}");
    assert!(
        items[0].starts_with("2 rows failed because Okta refused them or they were invalid")
            && items[0].contains("<code>report.results.csv</code>")
            && items[0].contains(
                "run <code>oktabulk users import report.csv --skip-invalid --report run.html -q</code> again"
            ),
        "{items:?}"
    );
    assert!(
        labels.len() >= 3,
        "0, the end and labels between: {labels:?}"
    );
    let (zero, end, between) = (labels[0], labels[1], &labels[2..]);
    assert_eq!(zero, 0);
    assert!(
        between.windows(2).all(|w| w[0] < w[1]) && between.iter().all(|t| 0 < *t && *t < end),
        "{labels:?}"
    );
}

/// The number in "`<n>` `what`" of the busiest bucket's line.
fn count_before(html: &str, what: &str) -> u64 {
    let re = regex::Regex::new(&format!(r"(\d+) {what}")).expect("regex");
    re.captures(html)
        .and_then(|c| c[1].parse().ok())
        .unwrap_or_else(|| panic!("no '{what}' in the report"))
}

#[tokio::test]
async fn the_report_tells_the_run_its_failures_429s_and_reset_waits() {
    let (env, out) = run_with_report().await;
    assert_eq!(code(&out), 1, "rows failed: {}", stderr(&out));
    let html = std::fs::read_to_string(env.path("run.html")).expect("report written");
    assert!(html.starts_with("<!DOCTYPE html>") && html.trim_end().ends_with("</html>"));
    for part in [
        "What was asked",
        "Outcome",
        "Failures by Okta error code",
        "Timeline",
    ] {
        assert!(html.contains(&format!("<h2>{part}</h2>")), "{part}");
    }
    let digest = regex::Regex::new(r"Input SHA-256</th><td>[0-9a-f]{64}<").expect("regex");
    assert!(digest.is_match(&html));
    assert!(html.contains("Calls made as</th><td>an API token (SSWS)"));
    for (status, n) in [("Success", 59), ("Exists", 1), ("Failed", 2)] {
        let row = format!("{status}</td><td class=\"num\">{n}</td>");
        assert!(html.contains(&row), "{status} {n}");
    }
    assert!(html.contains("<code>E0000001</code></td><td class=\"num\">1</td>"));
    assert!(html.contains("line 62, weak@example.com: Api validation failed: password"));
    assert!(
        html.contains(
            "<code>(not sent: the row is invalid)</code></td><td class=\"num\">1</td><td>line 63, not-a-login:"
        ),
        "the skipped row is an example"
    );
    // The users bucket is drawn first: two 429s, and the run waited for windows to reset.
    assert_eq!(count_before(&html, "answered 429"), 2);
    assert!(count_before(&html, "waits for a reset") >= 1);
    assert!(html.contains("><title>waiting ") && html.contains("<circle"));
    assert!(!html.contains(TOKEN), "never the token");
    assert!(!html.contains("Correct-Horse-42"), "never a password");
    assert!(
        !html.contains("<script"),
        "nothing runs and nothing is fetched"
    );
    assert!(!html.contains("http://") || !html.contains("src="));
    check_next_and_axis(&html);
    assert!(html.contains("<th>Results file</th><td>report.results.csv</td>"));
    assert!(
        html.contains("<th>Run by</th><td>org.admin@example.com (the API token&#39;s owner)</td>"),
        "the token's owner, from /users/me"
    );
    assert!(
        !html.contains("nextLogin=") && !html.contains("onExists="),
        "options as typed, not the journal's"
    );
    let scale = regex::Regex::new(r#"class="budget">(\d+)</text>"#).expect("regex");
    assert!(
        scale.captures_iter(&html).count() >= 2,
        "the remaining budget has a scale"
    );

    let later = env.run(&["report", "-o", "later.html"]).await;
    assert_eq!(code(&later), 0, "{}", stderr(&later));
    let again = std::fs::read_to_string(env.path("later.html")).expect("drawn from the journal");
    assert_eq!(again, html, "the journal draws the same page");
}

#[tokio::test]
async fn report_without_a_journal_is_a_configuration_error() {
    let env = Env::start().await;
    let out = env.run(&["report", "-o", "x.html"]).await;
    assert_eq!(code(&out), 2);
    assert!(
        stderr(&out).contains("no run has been journaled yet"),
        "{}",
        stderr(&out)
    );
}

/// The elements the page's SVG is drawn with, counted in the markup.
fn shapes(html: &str) -> Vec<usize> {
    ["<svg", "<rect", "<circle", "<polyline", "<table"]
        .iter()
        .map(|tag| html.matches(tag).count())
        .collect()
}

#[tokio::test]
#[ignore = "needs headless Chromium: OKTABULK_CHROMIUM=path/to/chromium (.ci/run sets it)"]
async fn the_report_renders_in_headless_chromium_without_console_errors() {
    let chromium = std::env::var("OKTABULK_CHROMIUM").expect("OKTABULK_CHROMIUM names chromium");
    let (env, out) = run_with_report().await;
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    let page = env.path("run.html");
    let shot = std::env::var("OKTABULK_REPORT_SCREENSHOT")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|_| env.path("run.png"));
    if let Some(dir) = shot.parent() {
        std::fs::create_dir_all(dir).expect("screenshot directory");
    }
    let chrome = |extra: &[String], page: &std::path::Path| {
        let mut cmd = std::process::Command::new(&chromium);
        cmd.args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--enable-logging=stderr",
            "--v=0",
        ])
        .arg(format!(
            "--user-data-dir={}",
            env.path("chromium-profile").display()
        ))
        .args(extra)
        .arg(format!("file://{}", page.display()));
        cmd.output().expect("chromium runs")
    };
    let console = |log: &[u8]| -> Vec<String> {
        String::from_utf8_lossy(log)
            .lines()
            .filter(|l| l.contains("CONSOLE"))
            .map(str::to_owned)
            .collect()
    };
    // The check sees what it looks for: a page that logs an error is caught.
    let noisy = env.write(
        "noisy.html",
        "<!DOCTYPE html><script>console.error('boom')</script>",
    );
    let caught = chrome(&["--dump-dom".into()], &noisy);
    assert_eq!(console(&caught.stderr).len(), 1, "the console check works");

    let shown = chrome(
        &[
            format!("--screenshot={}", shot.display()),
            "--window-size=1100,2400".into(),
        ],
        &page,
    );
    assert!(
        shown.status.success(),
        "{}",
        String::from_utf8_lossy(&shown.stderr)
    );
    let messages = console(&shown.stderr);
    assert!(messages.is_empty(), "console messages: {messages:?}");
    let png = std::fs::read(&shot).expect("screenshot written");
    assert!(
        png.starts_with(b"\x89PNG") && png.len() > 10_000,
        "a real picture"
    );

    // Chromium's DOM has every shape the markup has: nothing was dropped as malformed.
    let dom = chrome(&["--dump-dom".into()], &page);
    assert!(dom.status.success());
    let html = std::fs::read_to_string(&page).expect("page");
    let rendered = String::from_utf8_lossy(&dom.stdout);
    assert_eq!(shapes(&rendered), shapes(&html));
    // What Chromium shows has the what-next section and the axis labels between 0 and the end.
    check_next_and_axis(&rendered);
}

#[tokio::test]
async fn a_dry_run_writes_no_report_and_says_so() {
    let env = Env::start().await;
    env.write("dry.csv", seed_csv(3, ""));
    let out = env
        .run(&[
            "users",
            "import",
            "dry.csv",
            "--dry-run",
            "--report",
            "dry.html",
        ])
        .await;
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(!env.path("dry.html").exists());
    assert!(
        stderr(&out).contains("no run report written to dry.html: a dry run sends nothing"),
        "{}",
        stderr(&out)
    );
}
