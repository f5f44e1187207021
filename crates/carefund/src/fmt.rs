//! Numbers for readers: money in the scenario's currency, counts with thousands
//! separators, probabilities as percentages (docs/model.md §14).
//!
//! This module is the ground floor of the output layer: it imports nothing from the rest
//! of the crate, and every text, table, chart label, workbook format and HTML page takes
//! its money formatting from here, so that a scenario in euros never shows a "£".
//!
//! | function | example |
//! |---|---|
//! | [`Currency::money`] | `£12.7m`, `−€3.4m`, `$850k`, `£38,900`, `£1,490` |
//! | [`group`] | `12,675,000`, `−1,234` |
//! | [`Currency::symbol`] | `£`, `€`, `$`, or the code and a space (`CHF `) |

use serde::{Serialize, Serializer};

/// The currency every amount of a scenario is in (`scenario.currency`, an ISO 4217 code;
/// GBP when the file does not say). Amounts are never converted: the currency only
/// decides how they are written.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Currency(iso_currency::Currency);

impl Default for Currency {
    fn default() -> Self {
        Self(iso_currency::Currency::GBP)
    }
}

impl std::fmt::Debug for Currency {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.code())
    }
}

impl std::fmt::Display for Currency {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.code())
    }
}

impl Serialize for Currency {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.code())
    }
}

impl Currency {
    /// Pounds sterling, the default.
    pub const GBP: Currency = Currency(iso_currency::Currency::GBP);
    /// Euros.
    pub const EUR: Currency = Currency(iso_currency::Currency::EUR);
    /// US dollars.
    pub const USD: Currency = Currency(iso_currency::Currency::USD);

    /// The currency of an ISO 4217 code (upper case, e.g. `"EUR"`); `None` if there is no
    /// such code.
    pub fn from_code(code: &str) -> Option<Self> {
        iso_currency::Currency::from_code(code).map(Self)
    }

    /// The ISO 4217 code, e.g. `GBP`.
    pub fn code(self) -> &'static str {
        self.0.code()
    }

    /// The prefix written before an amount: the currency's sign where it is one
    /// non-letter character (`£`, `€`, `$`, `¥`, `₹` …), else its code and a space
    /// (`CHF `, `SEK `), which no reader can mistake.
    pub fn symbol(self) -> String {
        let s = self.0.symbol().symbol;
        let mut chars = s.chars();
        match (chars.next(), chars.next()) {
            (Some(c), None) if !c.is_alphabetic() && c != '¤' && c != '₣' => s,
            _ => format!("{} ", self.code()),
        }
    }

    /// The unit of an axis or column in millions, e.g. `£m` or `CHF m`.
    pub fn millions(self) -> String {
        format!("{}m", self.symbol())
    }

    /// An amount for a reader, to about three significant figures: `£5,300m`, `£12.7m`,
    /// `−£3.4m`, `£850k`, `£38,900`, `£1,490`, `£75` (in the currency's symbol).
    pub fn money(self, x: f64) -> String {
        let sign = if x < 0.0 { "−" } else { "" };
        let c = self.symbol();
        let a = x.abs();
        if a >= 1e9 {
            format!("{sign}{c}{}m", group(a / 1e6))
        } else if a >= 1e6 {
            format!("{sign}{c}{:.1}m", a / 1e6)
        } else if a >= 1e5 {
            format!("{sign}{c}{:.0}k", a / 1e3)
        } else if a >= 1e4 {
            format!("{sign}{c}{}", group((a / 100.0).round() * 100.0))
        } else {
            format!("{sign}{c}{}", group(a))
        }
    }

    /// A column of amounts written by one rule, chosen from the largest: millions with
    /// one decimal (`£4.8m`, `£0.1m`) when it reaches a million, else thousands (`£92k`,
    /// `£441k`) when it reaches ten thousand, else whole units (`£1,490`). A column never
    /// mixes `£92,000` with `£272k`.
    pub fn money_column(self, values: &[f64]) -> Vec<String> {
        let c = self.symbol();
        let top = values.iter().fold(0.0_f64, |m, v| m.max(v.abs()));
        values
            .iter()
            .map(|&x| {
                let sign = if x < 0.0 { "−" } else { "" };
                let a = x.abs();
                let body = if top >= 1e6 {
                    format!("{}m", thousands_with_decimal(a / 1e6))
                } else if top >= 1e4 {
                    format!("{}k", group(a / 1e3))
                } else {
                    group(a)
                };
                // A value that rounds to zero carries no sign.
                let zero = body
                    .trim_end_matches(['m', 'k'])
                    .chars()
                    .all(|ch| ch == '0' || ch == '.');
                format!("{}{c}{body}", if zero { "" } else { sign })
            })
            .collect()
    }

    /// An estimate and its standard error in one unit, so that a reader compares like
    /// with like: `−£815k ± £28k`, `−£22.0m ± £0.2m`, `−£12.70m ± £0.04m`, `£1,490 ± £85`.
    /// The unit follows the larger of the two (millions from a million, thousands from
    /// ten thousand); the decimals are as many as the error needs to show one significant
    /// figure (at least one in millions, at most three). `signed` writes `+` before a
    /// positive estimate, for differences.
    pub fn money_pm(self, mean: f64, se: f64, signed: bool) -> String {
        let c = self.symbol();
        let top = mean.abs().max(se.abs());
        let (div, unit, least, most) = if top >= 1e6 {
            (1e6, "m", 1, 3)
        } else if top >= 1e4 {
            (1e3, "k", 0, 2)
        } else {
            (1.0, "", 0, 0)
        };
        let e = se.abs() / div;
        let need = if e > 0.0 && e < 1.0 {
            // ceil(−log10 e) decimals show e's first significant digit.
            (-e.log10()).ceil() as usize
        } else {
            0
        };
        let d = need.clamp(least, most);
        let body = |x: f64| {
            if unit.is_empty() {
                group(x)
            } else {
                let s = format!("{:.d$}", x / div);
                let (int, frac) = s.split_once('.').map_or((s.as_str(), ""), |(i, f)| (i, f));
                let int = group(int.parse::<f64>().unwrap_or(0.0));
                if frac.is_empty() {
                    format!("{int}{unit}")
                } else {
                    format!("{int}.{frac}{unit}")
                }
            }
        };
        let m = body(mean.abs());
        let zero = m
            .trim_end_matches(['m', 'k'])
            .chars()
            .all(|ch| ch == '0' || ch == '.' || ch == ',');
        let sign = if zero {
            ""
        } else if mean < 0.0 {
            "−"
        } else if signed {
            "+"
        } else {
            ""
        };
        format!("{sign}{c}{m} ± {c}{}", body(se.abs()))
    }

    /// A number format for spreadsheets: whole units with thousands separators and
    /// negative amounts in red, e.g. `"£"#,##0;[Red]-"£"#,##0`.
    pub fn excel_format(self) -> String {
        let c = self.symbol().replace('"', "");
        format!("\"{c}\"#,##0;[Red]-\"{c}\"#,##0")
    }

    /// A spreadsheet number format in millions with one decimal, e.g. `"£"#,##0.0,,"m"`.
    pub fn excel_millions_format(self) -> String {
        let c = self.symbol().replace('"', "");
        format!("\"{c}\"#,##0.0,,\"m\"")
    }
}

/// `5,300.0`, `12.7`: one decimal, thousands separated.
///
/// It rounds `10·x` half away from zero, where [`Currency::money_pm`] lets `format!`
/// round the exact value (half to even): 0.25 is `0.3` here and `0.2` there. The two
/// stay apart because one rule for both would change written figures at such ties.
fn thousands_with_decimal(x: f64) -> String {
    let tenths = (x * 10.0).round();
    format!(
        "{}.{}",
        group((tenths / 10.0).trunc()),
        (tenths % 10.0).abs() as u8
    )
}

/// `34.2%`, `0.35%`, `100%`: one decimal, two under 1%.
pub fn percent(p: f64) -> String {
    let x = 100.0 * p;
    if !x.is_finite() {
        return "–".into();
    }
    if x.abs() < 1.0 && x != 0.0 {
        format!("{x:.2}%")
    } else {
        format!("{x:.1}%")
    }
}

/// `34%`, `−3.0%`: a fixed number of decimals, `−` for negatives.
pub fn percent_fixed(p: f64, decimals: usize) -> String {
    format!("{:.decimals$}%", 100.0 * p).replace('-', "−")
}

/// `34.0%`, `−3.0%`: [`percent_fixed`] with one decimal, the tables' percent.
pub fn percent1(p: f64) -> String {
    percent_fixed(p, 1)
}

/// `34%` for a probability in words: whole percent, but `under 1%` and `over 99%` rather
/// than a rounded `0%` or `100%` that would read as certain.
pub fn percent_words(p: f64) -> String {
    let x = 100.0 * p;
    if x > 0.0 && x < 1.0 {
        "under 1%".into()
    } else if x < 100.0 && x > 99.0 {
        "over 99%".into()
    } else {
        format!("{x:.0}%")
    }
}

/// Up to four decimals, trailing zeros removed.
pub fn number(x: f64) -> String {
    if !x.is_finite() {
        return "–".into();
    }
    let s = format!("{x:.4}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" { "0".into() } else { s.into() }
}

/// `12,345` (rounded to a whole number, thousands separated, `−` for negatives).
pub fn group(x: f64) -> String {
    let r = x.round();
    let digits = format!("{:.0}", r.abs());
    let mut out = String::new();
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(ch);
    }
    if r < 0.0 { format!("−{out}") } else { out }
}

/// A probability and its standard error in percent, with enough digits that a non-zero
/// error never reads as `± 0.0%`: `34.2% ± 1.4%`, `0.1% ± 0.03%`, `0.0% ± 0.0%` (exactly
/// zero), `99.99% ± < 0.01%`.
pub fn percent_pm(p: f64, se: f64) -> String {
    let (x, e) = (100.0 * p, 100.0 * se);
    if e == 0.0 {
        return format!("{x:.1}% ± 0.0%");
    }
    let decimals = if e >= 0.05 {
        1
    } else if e >= 0.005 {
        2
    } else {
        return format!("{x:.2}% ± < 0.01%");
    };
    format!("{x:.decimals$}% ± {e:.decimals$}%")
}

/// A change of a probability in percentage points with its standard error, signed, with
/// as many decimals as the error needs: `−17.5 ± 0.4`, `+0.2 ± 0.04`, `0.0 ± 0.0`.
pub fn points_pm(change: f64, se: f64) -> String {
    let (x, e) = (100.0 * change, 100.0 * se);
    let decimals = if e == 0.0 || e >= 0.05 {
        1
    } else if e >= 0.005 {
        2
    } else {
        3
    };
    let shown = format!("{:.decimals$}", x.abs());
    let zero = shown.chars().all(|c| c == '0' || c == '.');
    let sign = if zero {
        ""
    } else if x < 0.0 {
        "−"
    } else {
        "+"
    };
    format!("{sign}{shown} ± {e:.decimals$}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_reads_well_at_every_size() {
        let gbp = Currency::default();
        assert_eq!(gbp.money(5_300_000_000.0), "£5,300m");
        assert_eq!(gbp.money(12_675_000.0), "£12.7m");
        assert_eq!(gbp.money(-3_400_000.0), "−£3.4m");
        assert_eq!(gbp.money(850_000.0), "£850k");
        assert_eq!(gbp.money(38_913.0), "£38,900");
        assert_eq!(gbp.money(1_490.0), "£1,490");
        assert_eq!(gbp.money(75.4), "£75");
    }

    #[test]
    fn every_currency_writes_its_own_sign_or_code() {
        assert_eq!(Currency::EUR.money(-3_400_000.0), "−€3.4m");
        assert_eq!(Currency::USD.money(850_000.0), "$850k");
        let chf = Currency::from_code("CHF").expect("CHF is ISO 4217");
        assert_eq!(chf.money(1_490.0), "CHF 1,490");
        assert_eq!(Currency::EUR.millions(), "€m");
        assert_eq!(Currency::EUR.excel_format(), "\"€\"#,##0;[Red]-\"€\"#,##0");
        assert!(Currency::from_code("XYZ").is_none());
        assert!(
            Currency::from_code("gbp").is_none()
                || Currency::from_code("gbp") == Some(Currency::GBP)
        );
    }

    #[test]
    fn a_non_zero_error_never_reads_as_zero() {
        assert_eq!(percent_pm(0.342, 0.014), "34.2% ± 1.4%");
        assert_eq!(percent_pm(0.001, 0.0003), "0.10% ± 0.03%");
        assert_eq!(percent_pm(0.0, 0.0), "0.0% ± 0.0%");
        assert_eq!(percent_pm(0.9999, 0.00001), "99.99% ± < 0.01%");
    }

    #[test]
    fn point_changes_are_signed_and_keep_their_error() {
        assert_eq!(points_pm(-0.175, 0.004), "−17.5 ± 0.4");
        assert_eq!(points_pm(0.002, 0.0004), "+0.20 ± 0.04");
        assert_eq!(points_pm(0.0, 0.0), "0.0 ± 0.0");
    }

    #[test]
    fn an_estimate_and_its_error_share_one_unit() {
        let gbp = Currency::GBP;
        assert_eq!(gbp.money_pm(-815_000.0, 27_600.0, true), "−£815k ± £28k");
        assert_eq!(
            gbp.money_pm(-22_000_000.0, 196_000.0, false),
            "−£22.0m ± £0.2m"
        );
        assert_eq!(
            gbp.money_pm(-12_700_000.0, 42_600.0, true),
            "−£12.70m ± £0.04m"
        );
        assert_eq!(gbp.money_pm(49_200.0, 1_687.0, true), "+£49k ± £2k");
        assert_eq!(gbp.money_pm(9_200.0, 1_687.0, true), "+£9,200 ± £1,687");
        assert_eq!(
            gbp.money_pm(5_300_000_000.0, 2e8, false),
            "£5,300.0m ± £200.0m"
        );
        assert_eq!(gbp.money_pm(0.0, 0.0, true), "£0 ± £0");
        assert_eq!(
            Currency::EUR.money_pm(715_000.0, 23_400.0, true),
            "+€715k ± €23k"
        );
    }

    #[test]
    fn a_column_of_money_keeps_one_rule() {
        let gbp = Currency::GBP;
        assert_eq!(
            gbp.money_column(&[92_000.0, 272_000.0, 441_000.0]),
            ["£92k", "£272k", "£441k"]
        );
        assert_eq!(
            gbp.money_column(&[-4_300_000.0, 92_000.0, 5_300_000_000.0]),
            ["−£4.3m", "£0.1m", "£5,300.0m"]
        );
        assert_eq!(gbp.money_column(&[1_490.0, -75.4]), ["£1,490", "−£75"]);
        assert_eq!(gbp.money_column(&[-0.01, 2e6]), ["£0.0m", "£2.0m"]);
    }

    #[test]
    fn grouping() {
        assert_eq!(group(12_675_000.0), "12,675,000");
        assert_eq!(group(-1234.4), "−1,234");
        assert_eq!(group(999.0), "999");
        assert_eq!(group(0.2), "0");
    }
}
