//! Arbitrary numbers on the command line (issue 20): every subcommand's numeric options
//! given arbitrary `u64`, `i64` and floating-point values (NaN, infinities, 1e308,
//! subnormals, `u64::MAX` …) end with exit status 0, 1 or 2, never a panic (101) or an
//! abort (134), and never a backtrace.
//!
//! 48 cases by default, each one process; `CAREFUND_ARGS_CASES=2000` for a longer run,
//! `CAREFUND_ARGS_SEED=N` (or `random`) for other cases. A case still running after 60 s
//! (a valid but large count, such as 50,000 Sobol rows in a debug build) is stopped and
//! counted as not crashed, with a line on standard error. `--threads` takes arbitrary
//! values too: the cap refuses the huge ones before any thread starts.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use proptest::prelude::*;

use common::TempDir;

/// One generated number, written as the command line would have it.
#[derive(Debug, Clone)]
enum Num {
    U(u64),
    I(i64),
    F(f64),
}

impl std::fmt::Display for Num {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Num::U(x) => write!(f, "{x}"),
            Num::I(x) => write!(f, "{x}"),
            Num::F(x) => write!(f, "{x}"),
        }
    }
}

fn num() -> impl Strategy<Value = Num> {
    prop_oneof![
        2 => prop_oneof![
            Just(0u64), Just(1), Just(2), Just(15), Just(16), Just(20), Just(101), Just(1024),
            Just(u64::from(u32::MAX)), Just(i64::MAX as u64), Just(u64::MAX),
            Just(100_000_001), Just(1_000_000_000),
        ]
        .prop_map(Num::U),
        1 => (0u64..200).prop_map(Num::U),
        2 => any::<u64>().prop_map(Num::U),
        2 => any::<i64>().prop_map(Num::I),
        2 => prop_oneof![
            Just(f64::NAN), Just(f64::INFINITY), Just(f64::NEG_INFINITY), Just(-0.0),
            Just(1e308), Just(-1e308), Just(f64::MIN_POSITIVE), Just(5e-324), Just(0.5),
            Just(1.0), Just(-1.0),
        ]
        .prop_map(Num::F),
        2 => any::<f64>().prop_map(Num::F),
    ]
}

/// A numeric option: its flag and how its value is made from three numbers.
struct Opt {
    flag: &'static str,
    value: fn(&[Num; 3]) -> String,
}

fn one(n: &[Num; 3]) -> String {
    n[0].to_string()
}
fn pair(n: &[Num; 3]) -> String {
    format!("{}:{}", n[0], n[1])
}
fn shard(n: &[Num; 3]) -> String {
    format!("{}/{}", n[0], n[1])
}
fn grid_x(n: &[Num; 3]) -> String {
    format!("scheme.Reablement.effect={}:{}:{}", n[0], n[1], n[2])
}
fn grid_y(n: &[Num; 3]) -> String {
    format!("costs.cashable_share_long={}:{}:{}", n[0], n[1], n[2])
}
fn triple(n: &[Num; 3]) -> String {
    format!("{}:{}:{}", n[0], n[1], n[2])
}

/// A subcommand: its fixed arguments (`{S}` the scenario, `{A}` an areas file) and its
/// numeric options.
struct Sub {
    args: &'static [&'static str],
    opts: &'static [Opt],
}

const PATHS: Opt = Opt {
    flag: "--paths",
    value: one,
};
const SEED: Opt = Opt {
    flag: "--seed",
    value: one,
};
const THREADS: Opt = Opt {
    flag: "--threads",
    value: one,
};

const SUBS: &[Sub] = &[
    Sub {
        args: &["run", "{S}"],
        opts: &[
            PATHS,
            SEED,
            THREADS,
            Opt {
                flag: "--target-se",
                value: one,
            },
            Opt {
                flag: "--max-paths",
                value: one,
            },
            Opt {
                flag: "--shard",
                value: shard,
            },
        ],
    },
    Sub {
        args: &["stress", "{S}"],
        opts: &[PATHS, SEED, THREADS],
    },
    Sub {
        args: &["reverse", "{S}", "--factor", "scale scheme.*.effect"],
        opts: &[
            PATHS,
            SEED,
            THREADS,
            Opt {
                flag: "--level",
                value: one,
            },
            Opt {
                flag: "--tolerance",
                value: one,
            },
            Opt {
                flag: "--range",
                value: pair,
            },
        ],
    },
    Sub {
        args: &["compare", "{S}", "{S}", "--voi"],
        opts: &[
            PATHS,
            SEED,
            THREADS,
            Opt {
                flag: "--scale",
                value: one,
            },
            Opt {
                flag: "--admission-value",
                value: one,
            },
            Opt {
                flag: "--weights",
                value: triple,
            },
        ],
    },
    Sub {
        args: &["sensitivity", "{S}"],
        opts: &[
            PATHS,
            SEED,
            THREADS,
            Opt {
                flag: "--sobol-rows",
                value: one,
            },
            Opt {
                flag: "--bootstrap",
                value: one,
            },
        ],
    },
    Sub {
        args: &["national", "--areas", "{A}", "--template", "{S}"],
        opts: &[
            PATHS,
            SEED,
            THREADS,
            Opt {
                flag: "--effect-correlation",
                value: one,
            },
            Opt {
                flag: "--growth-correlation",
                value: one,
            },
        ],
    },
    Sub {
        args: &["twoway", "{S}"],
        opts: &[
            PATHS,
            SEED,
            THREADS,
            Opt {
                flag: "--x",
                value: grid_x,
            },
            Opt {
                flag: "--y",
                value: grid_y,
            },
        ],
    },
];

/// The base scenario of the bad-input corpus, one year in one period (quick runs), and
/// a two-area CSV, written into `dir`.
fn inputs(dir: &Path) -> (PathBuf, PathBuf) {
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/bad-input");
    let text = std::fs::read_to_string(corpus.join("base-scenario.toml"))
        .expect("read")
        .replace("horizon_years = 5", "horizon_years = 1")
        .replace("periods_per_year = 4", "periods_per_year = 1");
    let scenario = dir.join("s.toml");
    std::fs::write(&scenario, text).expect("write");
    let areas = dir.join("areas.csv");
    std::fs::write(
        &areas,
        "area,pooled,baseline_admissions,target_reduction\nNorth,10000000,20000,0.05\nSouth,8000000,15000,0.04\n",
    )
    .expect("write");
    (scenario, areas)
}

fn cases() -> u32 {
    std::env::var("CAREFUND_ARGS_CASES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(48)
}

fn seed() -> proptest::test_runner::RngSeed {
    use proptest::test_runner::RngSeed;
    match std::env::var("CAREFUND_ARGS_SEED").ok().as_deref() {
        Some("random") => RngSeed::Random,
        Some(s) => RngSeed::Fixed(s.parse().expect("CAREFUND_ARGS_SEED: a number or `random`")),
        None => RngSeed::Fixed(20_261_201),
    }
}

/// Run the binary; `None` when it was still running after the limit (then stopped).
fn run(args: &[String], cwd: &Path) -> Option<(i32, String)> {
    let mut child = Command::new(env!("CARGO_BIN_EXE_carefund"))
        .args(args)
        .current_dir(cwd)
        .env_remove("RUST_BACKTRACE")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    let limit = Instant::now() + Duration::from_secs(60);
    loop {
        if let Some(status) = child.try_wait().expect("try_wait") {
            let mut err = String::new();
            if let Some(mut e) = child.stderr.take() {
                use std::io::Read;
                let _ = e.read_to_string(&mut err);
            }
            use std::os::unix::process::ExitStatusExt;
            let code = status
                .code()
                .unwrap_or_else(|| 128 + status.signal().unwrap_or(0));
            return Some((code, err));
        }
        if Instant::now() > limit {
            let _ = child.kill();
            let _ = child.wait();
            return None;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: cases(),
        failure_persistence: None,
        rng_seed: seed(),
        max_shrink_iters: 16,
        ..ProptestConfig::default()
    })]

    #[test]
    fn arbitrary_numbers_never_panic_or_abort(
        sub in 0..SUBS.len(),
        picks in prop::collection::vec((any::<prop::sample::Index>(), [num(), num(), num()]), 1..=3),
    ) {
        let dir = TempDir::new("args");
        let (scenario, areas) = inputs(&dir.0);
        let sub = &SUBS[sub];
        let mut args: Vec<String> = sub
            .args
            .iter()
            .map(|a| a.replace("{S}", scenario.to_str().expect("utf-8")).replace("{A}", areas.to_str().expect("utf-8")))
            .collect();
        let mut given: Vec<&str> = Vec::new();
        for (ix, nums) in &picks {
            let opt = &sub.opts[ix.index(sub.opts.len())];
            if given.contains(&opt.flag) {
                continue;
            }
            given.push(opt.flag);
            // `--flag=value`, so that a negative number is read as the value.
            args.push(format!("{}={}", opt.flag, (opt.value)(nums)));
        }
        // Small defaults for what was not given, so that valid cases finish quickly.
        for (flag, value) in [("--paths", "20"), ("--sobol-rows", "16"), ("--bootstrap", "20")] {
            let wanted = flag != "--sobol-rows" && flag != "--bootstrap" || sub.args[0] == "sensitivity";
            if wanted && !given.contains(&flag) {
                args.push(format!("{flag}={value}"));
            }
        }
        if sub.args[0] == "twoway" {
            for (flag, value) in [("--x", "scheme.Reablement.effect=0:0.04:3"), ("--y", "costs.cashable_share_long=0.3:0.9:3")] {
                if !given.contains(&flag) {
                    args.push(format!("{flag}={value}"));
                }
            }
        }
        args.push(format!("--out={}", dir.join("out").display()));
        match run(&args, &dir.0) {
            None => {
                eprintln!("stopped after 60 s (not crashed): {args:?}");
            }
            Some((code, err)) => {
                prop_assert!(
                    matches!(code, 0..=2),
                    "exit {code} for {args:?}\n{err}"
                );
                prop_assert!(
                    !err.contains("panicked") && !err.to_lowercase().contains("backtrace"),
                    "panic for {args:?}\n{err}"
                );
            }
        }
    }
}
