//! Run the shipped Swindon scenario from Rust and print the verdict.

use carefund::{RunOptions, Scenario, simulate, summarise};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../data/scenarios/swindon-2015.toml"
    );
    let text = std::fs::read_to_string(path)?;
    let scenario = Scenario::from_toml(&text, "swindon-2015.toml")?;
    let options = RunOptions {
        paths: 10_000,
        seed: 1,
        threads: None,
    };
    let sim = simulate(&scenario, &options, &|_paths_done| {})?;
    let summary = summarise(&scenario, &sim);
    println!(
        "{}: P(break even) = {:.3} ± {:.3}",
        summary.rating, summary.headline.p_break_even, summary.headline.p_break_even_se
    );
    for reason in &summary.reasons {
        println!("  - {reason}");
    }
    Ok(())
}
