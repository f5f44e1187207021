#!/usr/bin/env bash
# Run one shard of a carefund run as one task of a cluster job array.
#
#   run-shard.sh SCENARIO SHARDS OUTDIR [more `carefund run` options...]
#
# The shard index comes from the scheduler, counting from 0 in both:
#   - Slurm job arrays set SLURM_ARRAY_TASK_ID (submit with --array=0-(SHARDS-1));
#   - Kubernetes Indexed Jobs set JOB_COMPLETION_INDEX (completions: SHARDS).
# Each task writes OUTDIR/shard-K-of-SHARDS.json; when all are done,
#   carefund merge OUTDIR/shard-*-of-SHARDS.json --out RESULTS
# writes the outputs a single run would (see README, "Runs too big for one machine").
# CAREFUND names the binary (default: carefund on PATH).
set -euo pipefail
if [ $# -lt 3 ]; then
    echo "usage: run-shard.sh SCENARIO SHARDS OUTDIR [carefund run options...]" >&2
    exit 2
fi
scenario=$1
shards=$2
out=$3
shift 3
index=${SLURM_ARRAY_TASK_ID:-${JOB_COMPLETION_INDEX:-}}
if [ -z "$index" ]; then
    echo "run-shard.sh: neither SLURM_ARRAY_TASK_ID nor JOB_COMPLETION_INDEX is set;" \
        "run it as a Slurm array task or in a Kubernetes Indexed Job" >&2
    exit 2
fi
exec "${CAREFUND:-carefund}" run "$scenario" --shard "$index/$shards" --out "$out" "$@"
