//! Figures and verdicts as the scenarios print them.

use std::fmt::Write as _;

/// A target and whether it was met.
pub struct Verdict {
    passed: bool,
    line: String,
}

impl Verdict {
    pub fn new(passed: bool, line: String) -> Verdict {
        Verdict { passed, line }
    }
}

/// Prints one PASS or FAIL line per verdict; true if all passed.
pub fn print_verdicts(verdicts: &[Verdict]) -> bool {
    for verdict in verdicts {
        println!("{} {}", if verdict.passed { "PASS" } else { "FAIL" }, verdict.line);
    }
    verdicts.iter().all(|verdict| verdict.passed)
}

/// Min, median, 95th percentile and max of some latencies in milliseconds.
#[derive(Clone, Copy)]
pub struct Spread {
    pub min: f64,
    pub median: f64,
    pub p95: f64,
    pub max: f64,
}

impl Spread {
    /// `None` for no values. A fire that never arrived counts as `f64::INFINITY`.
    pub fn of(values: &[f64]) -> Option<Spread> {
        let mut sorted = values.to_vec();
        sorted.sort_by(f64::total_cmp);
        Some(Spread {
            min: *sorted.first()?,
            median: crate::common::median(sorted.clone()),
            p95: percentile(&sorted, 0.95),
            max: *sorted.last()?,
        })
    }

    /// `min/median/p95/max` in whole milliseconds.
    pub fn fields(spread: Option<Spread>) -> [String; 4] {
        match spread {
            Some(s) => [s.min, s.median, s.p95, s.max].map(|value| ms(Some(value))),
            None => std::array::from_fn(|_| "-".into()),
        }
    }
}

/// The value at `fraction` of sorted, non-empty `values` (nearest rank).
fn percentile(sorted: &[f64], fraction: f64) -> f64 {
    let rank = ((fraction * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
    sorted[rank - 1]
}

/// Whole milliseconds, `-` for none.
pub fn ms(value: Option<f64>) -> String {
    value.map_or("-".into(), |ms| format!("{ms:.0}"))
}

/// `rows` as text: the first cell of each left-aligned, the others right-aligned, in columns
/// wide enough for every cell.
pub fn table(rows: Vec<Vec<String>>) -> String {
    let columns = rows.iter().map(Vec::len).max().unwrap_or(0);
    let widths: Vec<usize> = (0..columns)
        .map(|column| {
            rows.iter().filter_map(|row| row.get(column)).map(|cell| cell.chars().count()).max().unwrap_or(0)
        })
        .collect();
    let mut out = String::new();
    for row in rows {
        for (column, cell) in row.iter().enumerate() {
            let width = widths[column];
            let _ = match column {
                0 => write!(out, "{cell:<width$}"),
                _ => write!(out, "  {cell:>width$}"),
            };
        }
        out.push('\n');
    }
    out
}
