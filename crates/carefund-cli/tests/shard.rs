//! `carefund run --shard K/N`, `carefund merge` and the cluster example scripts
//! (issue 7): merged shards give the single run's outputs.

mod common;

use std::path::Path;
use std::process::Command;

use common::{TempDir, carefund, root, text};

const PATHS: &str = "2100";

fn scenario() -> String {
    root()
        .join("data/scenarios/swindon-2015.toml")
        .display()
        .to_string()
}

fn ok(out: &std::process::Output) {
    assert!(
        out.status.success(),
        "status {:?}\nstdout: {}\nstderr: {}",
        out.status,
        text(&out.stdout),
        text(&out.stderr)
    );
}

/// summary.json without the fields that say how the run was made (thread count).
fn summary(dir: &Path) -> serde_json::Value {
    let mut v: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("summary.json")).expect("summary.json"))
            .expect("json");
    v["meta"].as_object_mut().expect("meta").remove("threads");
    v
}

fn single_run(dir: &TempDir) -> std::path::PathBuf {
    let out = dir.join("single");
    ok(&carefund(
        &[
            "run",
            &scenario(),
            "--paths",
            PATHS,
            "--percentiles",
            "sketch",
            "--threads",
            "2",
            "--out",
            &out.display().to_string(),
        ],
        &dir.0,
    ));
    out
}

#[test]
fn merging_shards_gives_the_single_runs_outputs() {
    let dir = TempDir::new("merge");
    let single = single_run(&dir);
    let shards = dir.join("shards");
    let mut files = Vec::new();
    for k in [2, 0, 1] {
        let out = carefund(
            &[
                "run",
                &scenario(),
                "--paths",
                PATHS,
                "--threads",
                &(k + 1).to_string(),
                "--shard",
                &format!("{k}/3"),
                "--out",
                &shards.display().to_string(),
            ],
            &dir.0,
        );
        ok(&out);
        assert!(
            text(&out.stdout).contains("seed 20150401"),
            "{}",
            text(&out.stdout)
        );
        files.push(
            shards
                .join(format!("shard-{k}-of-3.json"))
                .display()
                .to_string(),
        );
    }
    let merged = dir.join("merged");
    let mut args = vec!["merge".to_string()];
    args.extend(files.iter().cloned());
    args.extend(["--out".into(), merged.display().to_string()]);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = carefund(&args, &dir.0);
    ok(&out);
    assert!(text(&out.stdout).contains("seed 20150401"));
    assert_eq!(summary(&merged), summary(&single));
    for file in ["percentiles.csv", "paths.csv", "evidence.csv"] {
        assert!(
            std::fs::read(merged.join(file)).unwrap() == std::fs::read(single.join(file)).unwrap(),
            "{file} differs"
        );
    }
}

#[test]
fn bad_shards_exit_2_and_write_nothing() {
    let dir = TempDir::new("bad");
    let shards = dir.join("shards");
    let s = scenario();
    let shard_dir = shards.display().to_string();
    for (args, says) in [
        (vec!["--shard", "3/3"], "K/N"),
        (vec!["--shard", "one/3"], "K/N"),
        (vec!["--shard", "0/0"], "K/N"),
        (vec!["--shard", "0/4", "--paths", "3000"], "only 3 blocks"),
        (vec!["--shard", "0/2", "--evpi"], "--evpi"),
        (
            vec!["--shard", "0/2", "--percentiles", "exact"],
            "--percentiles exact",
        ),
        (vec!["--shard", "0/2", "--target-se", "0.01"], "--target-se"),
    ] {
        let mut all = vec!["run", s.as_str(), "--out", shard_dir.as_str()];
        all.extend(args.iter().copied());
        let out = carefund(&all, &dir.0);
        assert_eq!(
            out.status.code(),
            Some(2),
            "{args:?}: {}",
            text(&out.stderr)
        );
        assert!(
            text(&out.stderr).contains(says),
            "{args:?}: {}",
            text(&out.stderr)
        );
        assert!(!shards.exists(), "{args:?} wrote {}", shards.display());
    }

    // One good shard of two: merging it alone says what is missing.
    ok(&carefund(
        &[
            "run", &s, "--paths", "2048", "--shard", "0/2", "--out", &shard_dir,
        ],
        &dir.0,
    ));
    let one = shards.join("shard-0-of-2.json").display().to_string();
    let merged = dir.join("merged");
    let m = merged.display().to_string();
    let out = carefund(&["merge", &one, "--out", &m], &dir.0);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("1 of the 2 shards is missing: index 1 (shard-1-of-2.json)"),
        "{}",
        text(&out.stderr)
    );
    let out = carefund(&["merge", &one, &one, "--out", &m], &dir.0);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("both shard 0/2"),
        "{}",
        text(&out.stderr)
    );
    // Not a shard file.
    let out = carefund(&["merge", &scenario(), "--out", &m], &dir.0);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("not a carefund shard file"),
        "{}",
        text(&out.stderr)
    );
    // A shard of the earlier format (DDSketch sketches): a clear error, not a parse error.
    let good = std::fs::read_to_string(shards.join("shard-0-of-2.json")).expect("shard");
    assert!(good.contains("\"carefund-shard/2\""));
    let old = dir.join("old-shard.json");
    std::fs::write(
        &old,
        good.replacen("\"carefund-shard/2\"", "\"carefund-shard/1\"", 1),
    )
    .expect("write");
    let out = carefund(
        &["merge", old.to_str().expect("utf-8"), "--out", &m],
        &dir.0,
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("old-shard.json: a shard file of an earlier carefund"),
        "{}",
        text(&out.stderr)
    );
    let out = carefund(&["merge", "no-such.json", "--out", &m], &dir.0);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("no-such.json"),
        "{}",
        text(&out.stderr)
    );
    assert!(!merged.exists());
}

/// The script both cluster examples call maps the scheduler's task index to the shard;
/// run as a Slurm array (SLURM_ARRAY_TASK_ID) and as a Kubernetes Indexed Job
/// (JOB_COMPLETION_INDEX), locally, its shards merge into the single run. The sbatch file
/// and the Job manifest ask for as many tasks as shards they pass to it.
#[test]
fn cluster_examples_run_shards_that_merge() {
    let dir = TempDir::new("cluster");
    let single = single_run(&dir);
    let script = root().join("examples/cluster/run-shard.sh");
    for var in ["SLURM_ARRAY_TASK_ID", "JOB_COMPLETION_INDEX"] {
        let shards = dir.join(var);
        for k in 0..2 {
            let out = Command::new("bash")
                .arg(&script)
                .args([&scenario(), "2", &shards.display().to_string()])
                .args(["--paths", PATHS])
                .env(var, k.to_string())
                .env_remove(if var == "SLURM_ARRAY_TASK_ID" {
                    "JOB_COMPLETION_INDEX"
                } else {
                    "SLURM_ARRAY_TASK_ID"
                })
                .env("CAREFUND", env!("CARGO_BIN_EXE_carefund"))
                .current_dir(&dir.0)
                .output()
                .expect("bash");
            ok(&out);
        }
        let merged = dir.join(&format!("{var}-merged"));
        let a = shards.join("shard-0-of-2.json").display().to_string();
        let b = shards.join("shard-1-of-2.json").display().to_string();
        ok(&carefund(
            &["merge", &b, &a, "--out", &merged.display().to_string()],
            &dir.0,
        ));
        assert_eq!(summary(&merged), summary(&single), "{var}");
    }
    // Without an index the script refuses to guess.
    let out = Command::new("bash")
        .arg(&script)
        .args([&scenario(), "2", "x"])
        .env_remove("SLURM_ARRAY_TASK_ID")
        .env_remove("JOB_COMPLETION_INDEX")
        .output()
        .expect("bash");
    assert_eq!(out.status.code(), Some(2));

    let sbatch = std::fs::read_to_string(root().join("examples/cluster/slurm.sbatch")).unwrap();
    assert!(sbatch.contains("#SBATCH --array=0-9"));
    assert!(sbatch.contains("run-shard.sh data/scenarios/swindon-2015.toml 10 shards"));
    assert!(sbatch.contains("shard-*-of-10.json"));
    let job =
        std::fs::read_to_string(root().join("examples/cluster/k8s-indexed-job.yaml")).unwrap();
    for line in [
        "completionMode: Indexed",
        "completions: 10",
        "- examples/cluster/run-shard.sh",
        "- \"10\"",
        "shard-*-of-10.json",
    ] {
        assert!(job.contains(line), "manifest lacks {line:?}");
    }
    assert!(root().join("data/scenarios/swindon-2015.toml").is_file());
}
