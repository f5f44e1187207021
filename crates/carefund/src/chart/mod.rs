//! Charts (placeholder until the chart module lands).

/// Chart errors.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ChartError {
    /// Drawing failed.
    #[error("{0}")]
    Draw(String),
}
