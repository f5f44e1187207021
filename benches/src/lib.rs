//! Benchmarks for carefund; see benches/README.md.
