//! End-to-end tests of the evidence check in `carefund run` and `carefund check`.

mod common;
use common::{TempDir, carefund, root, text};

#[test]
fn run_shows_both_verdicts_and_writes_the_evidence_outputs() {
    let dir = TempDir::new("run");
    let swindon = root().join("data/scenarios/swindon-2015.toml");
    let out = carefund(
        &[
            "run",
            swindon.to_str().expect("utf-8"),
            "--paths",
            "600",
            "--out",
            "out",
        ],
        &dir.0,
    );
    let stdout = text(&out.stdout);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(stdout.contains("Verdict under the evidence"), "{stdout}");
    assert!(stdout.contains("plan's own assumptions"));
    assert!(stdout.contains("Held against the evidence"));
    assert!(stdout.contains(
        "scheme `Integrated community teams and case management` (case management): assumes"
    ));
    for f in ["evidence.csv", "evidence-fan.png", "evidence-effects.png"] {
        assert!(dir.join("out").join(f).is_file(), "{f} not written");
    }
    let csv = std::fs::read_to_string(dir.join("out/evidence.csv")).expect("csv");
    assert_eq!(csv.lines().count(), 8, "header and seven schemes: {csv}");
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("out/summary.json")).expect("summary.json"))
            .expect("json");
    assert!(json["evidence"]["evidence"]["p_break_even_se"].is_number());
}

#[test]
fn check_compares_without_simulating_and_accepts_an_evidence_file() {
    let dir = TempDir::new("check");
    let swindon = root().join("data/scenarios/swindon-2015.toml");
    let out = carefund(&["check", swindon.to_str().expect("utf-8")], &dir.0);
    let stdout = text(&out.stdout);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        stdout.contains(
            "Held against the evidence (data/evidence/admission-avoidance.toml (built in))"
        )
    );
    assert!(
        !stdout.contains("Verdict under the evidence"),
        "check does not simulate"
    );

    // A user's own evidence file without the kinds Swindon names: a clean error.
    let mine = dir.join("mine.toml");
    std::fs::write(
        &mine,
        "[[kind]]\nid = \"reablement\"\n[kind.effect]\nvalue = 0.01\nsource = \"x\"\n\
         [kind.time_to_effect]\nvalue = 2.0\nassumption = \"y\"\n\
         [kind.success_probability]\nvalue = 0.5\nassumption = \"z\"\n",
    )
    .expect("write");
    let out = carefund(
        &[
            "check",
            swindon.to_str().expect("utf-8"),
            "--evidence",
            "mine.toml",
        ],
        &dir.0,
    );
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.starts_with("error: ") && err.contains("unknown kind of scheme"),
        "{err}"
    );
    assert!(err.contains("\"reablement\""), "{err}");

    // A number without a source is refused, naming the key.
    std::fs::write(
        &mine,
        "[[kind]]\nid = \"other\"\n[kind.effect]\nvalue = 0.01\n\
         [kind.time_to_effect]\nvalue = 2.0\nassumption = \"y\"\n\
         [kind.success_probability]\nvalue = 0.5\nassumption = \"z\"\n",
    )
    .expect("write");
    let out = carefund(
        &[
            "check",
            swindon.to_str().expect("utf-8"),
            "--evidence",
            "mine.toml",
        ],
        &dir.0,
    );
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("mine.toml:3") && err.contains("kind.other.effect"),
        "{err}"
    );
}

#[test]
fn a_misspelt_kind_suggests_the_evidence_kind() {
    let dir = TempDir::new("kind");
    let text_in = std::fs::read_to_string(root().join("data/scenarios/swindon-2015.toml"))
        .expect("swindon")
        .replace("kind = \"reablement\"", "kind = \"reablment\"");
    std::fs::write(dir.join("s.toml"), text_in).expect("write");
    let out = carefund(&["run", "s.toml", "--paths", "10"], &dir.0);
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("did you mean `reablement`?"), "{err}");
    assert!(!dir.join("carefund-out").exists(), "no output on bad input");
}
