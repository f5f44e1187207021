//! Run the shipped Swindon scenario from Rust, print the verdict and list the files the
//! command would write.

use carefund::api::{OutputOptions, RunRequest, Scenario, run};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../data/scenarios/swindon-2015.toml"
    );
    let text = std::fs::read_to_string(path)?;
    let scenario = Scenario::from_toml(&text, "swindon-2015.toml")?;
    let outcome = run(&scenario, &RunRequest::new(10_000, 1), &())?;
    print!("{}", outcome.text());
    let summary = &outcome.summary;
    println!(
        "P(break even) = {:.3} ± {:.3}",
        summary.headline.p_break_even, summary.headline.p_break_even_se
    );
    let cum_net: &[f64] = outcome.path_column("cum_net").unwrap_or_default();
    println!("{} paths of cumulative net", cum_net.len());
    for file in outcome.files(&OutputOptions::default())? {
        println!("{} ({:?})", file.name, file.role);
    }
    Ok(())
}
