//! The same schemes over 5 years under payment by results (tariff) and over 20 years
//! under capitation, on common random numbers: when does break-even arrive, who captures
//! the saving, and how does discounting change the verdict?
//!
//! Both runs use the shipped Valencia/Alzira scenario (money in euros) and the same seed.
//! Every uncertain input draws from a stream keyed by (seed, input name, path), so path
//! `p` of the 5-year run has exactly the same scheme effects, costs and demand as path
//! `p` of the 20-year run: the differences below come from the horizon and the payment
//! model, not from sampling noise.
//!
//! ```text
//! cargo run --release -p carefund-examples --example tariff-vs-capitation [-- PATHS [SEED]]
//! ```

use carefund::{PathSummary, RunOptions, Scenario, Summary, simulate, summarise};

fn variant(text: &str, horizon: u32, payment: &str) -> Result<Scenario, carefund::Error> {
    let text = text
        .replace("horizon_years = 20", &format!("horizon_years = {horizon}"))
        .replace(
            "payment = \"capitation\"",
            &format!("payment = \"{payment}\""),
        )
        .replace(
            "name = \"Alzira integrated care concession (Valencia), 20 years\"",
            &format!("name = \"Alzira schemes, {horizon} years, {payment}\""),
        );
    Scenario::from_toml(
        &text,
        &format!("valencia-alzira.toml ({horizon} y, {payment})"),
    )
}

fn mean(xs: impl Iterator<Item = f64>) -> f64 {
    let (mut s, mut n) = (0.0, 0.0);
    for x in xs {
        s += x;
        n += 1.0;
    }
    s / n
}

fn eur(x: f64) -> String {
    let sign = if x < 0.0 { "−" } else { "" };
    format!("{sign}€{:.2}m", x.abs() / 1e6)
}

fn report(label: &str, summary: &Summary, paths: &[PathSummary]) {
    let h = &summary.headline;
    println!("\n== {label} ==");
    println!(
        "rating: {} · P(cumulative net ≥ 0 at the horizon) = {:.1}% ± {:.1}%",
        summary.rating,
        100.0 * h.p_break_even,
        100.0 * h.p_break_even_se
    );
    let p_npv = paths.iter().filter(|p| p.npv >= 0.0).count() as f64 / paths.len() as f64;
    println!(
        "undiscounted cumulative net: mean {}, median {} · NPV (Green Book): mean {}, median {} · P(NPV ≥ 0) = {:.1}%",
        eur(h.cum_net_horizon.mean),
        eur(h.cum_net_horizon.p50),
        eur(h.npv.mean),
        eur(h.npv.p50),
        100.0 * p_npv
    );
    println!("who captures the saving (mean cumulative position over the horizon):");
    println!(
        "  commissioner {:>10}   provider {:>10}   council {:>10}   system {:>10}",
        eur(mean(paths.iter().map(|p| p.commissioner))),
        eur(mean(paths.iter().map(|p| p.provider))),
        eur(mean(paths.iter().map(|p| p.council))),
        eur(mean(paths.iter().map(|p| p.cum_net)))
    );
    println!("break-even year (cumulative net turns ≥ 0 for good), share of futures:");
    let mut line = String::new();
    for b in h.break_even_year.iter().filter(|b| b.probability > 0.0) {
        line.push_str(&format!("  {} {:.1}%", b.year, 100.0 * b.probability));
    }
    println!("{line}");
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let paths: u64 = args.next().map_or(Ok(10_000), |a| a.parse())?;
    let seed: u64 = args.next().map_or(Ok(20_150_401), |a| a.parse())?;
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../data/scenarios/valencia-alzira.toml"
    );
    let text = std::fs::read_to_string(path)?;
    let short = variant(&text, 5, "tariff")?;
    let long = variant(&text, 20, "capitation")?;
    let options = RunOptions {
        paths,
        seed,
        threads: None,
    };
    let a = simulate(&short, &options, &|_| {})?;
    let b = simulate(&long, &options, &|_| {})?;
    let paired = (0..a.paths())
        .filter(|&p| a.path_inputs(p) == b.path_inputs(p))
        .count();
    println!(
        "{paths} paths, seed {seed}; common random numbers: {paired} of {paths} paths draw identical inputs in both runs"
    );
    let (sa, sb) = (summarise(&short, &a), summarise(&long, &b));
    report(
        "5 years, payment by results (tariff)",
        &sa,
        a.path_summaries(),
    );
    report("20 years, capitation", &sb, b.path_summaries());

    // Paired: the same futures, seen over 5 and over 20 years.
    let later = a
        .path_summaries()
        .iter()
        .zip(b.path_summaries())
        .filter(|(s, l)| s.cum_net < 0.0 && l.cum_net >= 0.0)
        .count();
    println!(
        "\npaired: {:.1}% of futures lose money over 5 years but break even within 20",
        100.0 * later as f64 / paths as f64
    );
    Ok(())
}
