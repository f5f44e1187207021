//! The national portfolio: one template scenario applied to many areas (docs/model.md §10).
//!
//! A [`Portfolio`] is a template scenario plus a table of areas (CSV: `area, pooled,
//! baseline_admissions, target_reduction`, and optional override columns named like an
//! input or key: `demand.growth`, `scheme.<name>.effect`, `costs.unit_cost`, …). Each
//! area's scenario is the template with that row's values written in, then checked by the
//! same rules as any scenario file, so an override cell may be a number or a distribution
//! (`{ pert = [0, 0.01, 0.03] }`). An empty override cell keeps the template's value.
//! Scheme spend scales with the area's pool (`annual_cost × pooled / template pooled`),
//! because a template's schemes are a typical plan's spend, not a fixed sum; a
//! `scheme.<name>.annual_cost` column sets one scheme's spend instead.
//!
//! # National factors (a one-factor Gaussian copula)
//!
//! Areas share two national shocks: one to the effectiveness of schemes, one to demand
//! growth. For each path a common standard normal `Z_e` is drawn from the stream keyed by
//! `(seed, "national.effect_shock", path)` and `Z_g` from `(seed, "national.growth_shock",
//! path)`. For every area `a`, the uniform `u` of each `scheme.*.effect` input (after the
//! template's own copula) becomes
//!
//! ```text
//! u' = Φ(√ρ_e · Z_e + √(1 − ρ_e) · Φ⁻¹(u))
//! ```
//!
//! and that of `demand.growth` likewise with `ρ_g` and `Z_g`. `u'` is still uniform, so
//! every area keeps its own marginal distributions; the latent normals of two areas are
//! correlated `ρ` (ρ = 1: every area and every scheme effect moves with the shock; ρ = 0:
//! areas are independent). With ρ = 0 the transform is skipped, not applied.
//!
//! # Streams and reproducing one area
//!
//! Area `a` draws from the ordinary streams of a single run (see [`crate::rng`]) under its
//! own seed [`area_seed`]`(seed, a)`, a hash of the national seed and the area's name, so
//! areas are independent at ρ = 0 and an area's draws do not depend on the other rows or
//! their order. A portfolio with ρ_e = ρ_g = 0 therefore reproduces, area by area and bit
//! for bit, single runs of each area's scenario ([`Portfolio::area_scenario`]) with seed
//! `area_seed(seed, a)` (the per-area table prints it).
//!
//! # Memory
//!
//! Areas run one after another, paths in parallel within an area. Nothing of an area is
//! kept but its per-path horizon totals while it runs; the national run keeps per path
//! the totals in [`NationalPath`] and the national cumulative net per period:
//! about `paths × (T + 8) × 8` bytes, whatever the number of areas.

pub mod report;

mod portfolio;
mod simulate;

pub use portfolio::{Area, Portfolio};
pub use simulate::{
    AreaResult, National, NationalMeta, NationalPath, NationalPeriod, NationalTotals, RatingCount,
    simulate,
};

use crate::rng::stream_key;
use crate::summary::Rating;
/// Stream name of the national shock to scheme effectiveness.
pub const EFFECT_SHOCK_STREAM: &str = "national.effect_shock";
/// Stream name of the national shock to demand growth.
pub const GROWTH_SHOCK_STREAM: &str = "national.growth_shock";
/// The columns every areas file must have, in any order.
pub const REQUIRED_COLUMNS: [&str; 4] =
    ["area", "pooled", "baseline_admissions", "target_reduction"];
/// Sections whose keys an override column may set (`<section>.<key>`).
const OVERRIDE_SECTIONS: [&str; 5] = ["fund", "demand", "costs", "plan", "p4p"];

pub use crate::scenario::national::Factors;

/// The seed of area `area` under the national seed `seed`.
///
/// # Formula
/// `stream_key(seed, "area." + name)` (FNV-1a of the name folded into SplitMix64 of the
/// seed, as for every stream key).
pub fn area_seed(seed: u64, area: &str) -> u64 {
    stream_key(seed, &format!("area.{area}"))
}

/// The ratings, best first ("not rated" last): [`Rating::ALL`], kept under this name for
/// callers.
pub const RATINGS: [Rating; 5] = Rating::ALL;
