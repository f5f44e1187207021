//! The workbook `carefund init --xlsx` writes opens in LibreOffice: converted to PDF
//! headless, it has one page per sheet and shows the labels, the example's values, the
//! forms table and the sceptical pack on the Stresses sheet. Needs `soffice`
//! (LibreOffice) and `pdfinfo`/`pdftotext` (poppler-utils): skipped with a printed reason
//! when they are missing, except under CI (`CI` set), where their absence fails the test
//! (`.ci/run` installs them).

mod common;

use std::path::Path;
use std::process::Command;

use common::{TempDir, carefund, text};

/// Whether `program` can be started (poppler's tools exit non-zero on `--version`, so
/// only starting counts).
fn available(program: &str) -> bool {
    Command::new(program).arg("--version").output().is_ok()
}

/// The PDF's pages as text (`pdftotext -layout`, one string per page).
fn pages(pdf: &Path) -> Vec<String> {
    let info = Command::new("pdfinfo").arg(pdf).output().expect("pdfinfo");
    let count: usize = text(&info.stdout)
        .lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .and_then(|n| n.trim().parse().ok())
        .expect("pdfinfo prints the page count");
    (1..=count)
        .map(|p| {
            let out = Command::new("pdftotext")
                .args(["-layout", "-f", &p.to_string(), "-l", &p.to_string()])
                .arg(pdf)
                .arg("-")
                .output()
                .expect("pdftotext");
            text(&out.stdout)
        })
        .collect()
}

#[test]
fn the_init_workbook_renders_in_libreoffice() {
    let missing: Vec<&str> = ["soffice", "pdfinfo", "pdftotext"]
        .into_iter()
        .filter(|p| !available(p))
        .collect();
    if !missing.is_empty() {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI is set but {missing:?} are missing: install libreoffice-calc-nogui and poppler-utils"
        );
        eprintln!("skipped: {missing:?} not installed (libreoffice-calc-nogui, poppler-utils)");
        return;
    }
    let dir = TempDir::new("libreoffice");
    let out = carefund(&["init", "--xlsx", "plan.xlsx"], &dir.0);
    assert!(out.status.success(), "{}", text(&out.stderr));
    // A profile of its own, so that a LibreOffice already running does not take the job.
    let profile = format!(
        "-env:UserInstallation=file://{}",
        dir.join("profile").display()
    );
    let lo = Command::new("soffice")
        .args([
            profile.as_str(),
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
        ])
        .arg(&dir.0)
        .arg(dir.join("plan.xlsx"))
        .output()
        .expect("run soffice");
    let pdf = dir.join("plan.pdf");
    assert!(
        lo.status.success() && pdf.is_file(),
        "soffice did not convert the workbook: {}{}",
        text(&lo.stdout),
        text(&lo.stderr)
    );
    let pages = pages(&pdf);
    // One page per sheet: About, Scenario, Fund and demand, Costs, Plan and P4P, Schemes,
    // Correlations, Stresses (each sheet is fitted to one page wide, and the example and
    // the sceptical pack are short).
    assert_eq!(pages.len(), 8, "pages: {pages:#?}");
    let expect = [
        (
            0,
            &[
                "carefund scenario workbook",
                "lognormal mean-sd",
                "green-book-opex",
            ][..],
        ),
        (
            1,
            &[
                "Scenario",
                "scenario.horizon_years",
                "Example pooled fund",
                "green-book",
            ][..],
        ),
        (
            2,
            &["Fund and demand", "fund.pooled", "10,000,000", "ci90"][..],
        ),
        (3, &["Costs", "costs.unit_cost", "pert", "beta"][..]),
        (
            4,
            &["Plan and P4P", "plan.target_reduction", "0.025", "year 5"][..],
        ),
        (
            5,
            &[
                "Schemes",
                "Annual cost",
                "(GBP a year)",
                "Reablement",
                "Integrated care teams",
                "Telecare",
                "s-curve",
            ][..],
        ),
        (6, &["Correlations", "scheme.Reablement.effect", "0.3"][..]),
        (
            7,
            &[
                "Stresses",
                "Effects halved",
                "scheme.*.effect",
                "never release capacity",
                "scheme.{largest}.success_probability",
                "Nuffield Trust",
            ][..],
        ),
    ];
    for (page, words) in expect {
        for w in words {
            assert!(
                pages[page].contains(w),
                "page {} lacks {w:?}:\n{}",
                page + 1,
                pages[page]
            );
        }
    }
}
