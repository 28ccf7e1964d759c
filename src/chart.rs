//! `/stats`'s chart as a PNG, drawn in-process: two panels of weekly bars, people (reached,
//! acknowledged) above and messages (announcements, deliveries) below, since their scales
//! differ a hundredfold. Text is drawn with the embedded DejaVu Sans (assets/), so Vietnamese
//! labels render the same on every machine and nothing is asked of the system's fonts.

use std::sync::OnceLock;

use plotters::{
    coord::Shift,
    prelude::*,
    style::{FontStyle, register_font},
};

use crate::domain::{Counts, Stats};

const WIDTH: u32 = 960;
const HEIGHT: u32 = 640;

/// Latin letters, Vietnamese ones and common punctuation only: see assets/README.md.
static FONT: &[u8] = include_bytes!("../assets/DejaVuSans-Vietnamese.ttf");
const FAMILY: &str = "sans-serif";

const REACH: RGBColor = RGBColor(33, 102, 172);
const ACKS: RGBColor = RGBColor(27, 158, 119);
const ANNOUNCEMENTS: RGBColor = RGBColor(217, 95, 2);
const DELIVERIES: RGBColor = RGBColor(117, 112, 179);

/// The words on the chart, in the reader's language.
pub struct Labels {
    pub title: String,
    pub people: String,
    pub reach: String,
    pub acks: String,
    pub messages: String,
    pub announcements: String,
    pub deliveries: String,
}

/// Why no chart could be drawn; the caller sends the table without it.
#[derive(Debug, thiserror::Error)]
#[error("chart: {0}")]
pub struct ChartError(String);

/// The chart of `stats`' weeks as a PNG file's bytes.
pub fn render(stats: &Stats, labels: &Labels) -> Result<Vec<u8>, ChartError> {
    register_font_once()?;
    let mut pixels = vec![0u8; WIDTH as usize * HEIGHT as usize * 3];
    {
        let root = BitMapBackend::with_buffer(&mut pixels, (WIDTH, HEIGHT)).into_drawing_area();
        root.fill(&WHITE).map_err(failed)?;
        let root = root.titled(&labels.title, (FAMILY, 26)).map_err(failed)?;
        let (top, bottom) = root.split_vertically(HEIGHT / 2 - 20);
        let weeks: Vec<String> =
            stats.weeks.iter().map(|(monday, _)| monday.format("%d/%m").to_string()).collect();
        let people =
            [(&labels.reach, REACH, pick(stats, |c| c.reach)), (&labels.acks, ACKS, pick(stats, |c| c.acks))];
        panel(&top, &labels.people, &weeks, people)?;
        let messages = [
            (&labels.announcements, ANNOUNCEMENTS, pick(stats, |c| c.announcements)),
            (&labels.deliveries, DELIVERIES, pick(stats, |c| c.deliveries)),
        ];
        panel(&bottom, &labels.messages, &weeks, messages)?;
        root.present().map_err(failed)?;
    }
    encode(&pixels)
}

/// One number of each week.
fn pick(stats: &Stats, number: fn(&Counts) -> u64) -> Vec<u64> {
    stats.weeks.iter().map(|(_, counts)| number(counts)).collect()
}

/// Two series of bars side by side in each week, week `i` centred on `i`.
fn panel(
    area: &DrawingArea<BitMapBackend<'_>, Shift>,
    caption: &str,
    weeks: &[String],
    series: [(&String, RGBColor, Vec<u64>); 2],
) -> Result<(), ChartError> {
    let highest = series.iter().flat_map(|(_, _, values)| values.iter().copied()).max().unwrap_or(0);
    // Headroom above the tallest bar for the legend, and a scale of at least 0..4 when
    // everything is small.
    let top = (highest as f64 * 1.4).max(4.0);
    let last = weeks.len() as f64 - 0.5;
    let mut chart = ChartBuilder::on(area)
        .caption(caption, (FAMILY, 20))
        .margin(12)
        .x_label_area_size(28)
        .y_label_area_size(56)
        .build_cartesian_2d(-0.5..last, 0.0..top)
        .map_err(failed)?;
    chart
        .configure_mesh()
        .disable_x_mesh()
        .x_labels(weeks.len())
        .x_label_formatter(&|x| week_label(weeks, *x))
        .y_labels(5)
        .y_label_formatter(&|y| format!("{y:.0}"))
        .label_style((FAMILY, 14))
        .draw()
        .map_err(failed)?;
    for (side, (name, color, values)) in series.into_iter().enumerate() {
        let offset = if side == 0 { -0.38 } else { 0.0 };
        let bars = values.into_iter().enumerate().map(move |(week, value)| {
            let left = week as f64 + offset;
            Rectangle::new([(left, 0.0), (left + 0.38, value as f64)], color.filled())
        });
        chart
            .draw_series(bars)
            .map_err(failed)?
            .label(name.as_str())
            .legend(move |(x, y)| Rectangle::new([(x, y - 6), (x + 14, y + 6)], color.filled()));
    }
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperLeft)
        .background_style(WHITE.mix(0.85))
        .border_style(BLACK.mix(0.3))
        .label_font((FAMILY, 14))
        .draw()
        .map_err(failed)
}

/// The Monday of the week at `x`, when `x` is a week's centre.
fn week_label(weeks: &[String], x: f64) -> String {
    let week = x.round();
    match weeks.get(week as usize) {
        Some(label) if (x - week).abs() < 0.01 && week >= 0.0 => label.clone(),
        _ => String::new(),
    }
}

/// plotters keeps its fonts in a process-wide table; registering once is enough.
fn register_font_once() -> Result<(), ChartError> {
    static REGISTERED: OnceLock<bool> = OnceLock::new();
    let registered = *REGISTERED.get_or_init(|| register_font(FAMILY, FontStyle::Normal, FONT).is_ok());
    registered.then_some(()).ok_or_else(|| ChartError("the embedded font does not parse".into()))
}

fn encode(pixels: &[u8]) -> Result<Vec<u8>, ChartError> {
    let mut file = Vec::new();
    let mut encoder = png::Encoder::new(&mut file, WIDTH, HEIGHT);
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    let mut writer = encoder.write_header().map_err(failed)?;
    writer.write_image_data(pixels).map_err(failed)?;
    writer.finish().map_err(failed)?;
    Ok(file)
}

fn failed(error: impl std::fmt::Display) -> ChartError {
    ChartError(error.to_string())
}

#[cfg(test)]
mod tests {
    use chrono::{DateTime, Utc};
    use chrono_tz::Asia::Ho_Chi_Minh;

    use super::*;
    use crate::domain::{BroadcastTally, Weeks};

    fn labels() -> Labels {
        Labels {
            title: "Thống kê 12 tuần".into(),
            people: "Số người".into(),
            reach: "Người nhận được".into(),
            acks: "Đã nhận".into(),
            messages: "Tin gửi".into(),
            announcements: "Thông báo".into(),
            deliveries: "Lượt gửi tới nhóm".into(),
        }
    }

    #[test]
    fn the_chart_is_a_png_of_the_stated_size() {
        let now: DateTime<Utc> = "2026-06-03T03:00:00Z".parse().unwrap();
        let weeks = Weeks::ending_at(now, Ho_Chi_Minh, 12);
        let tallies: Vec<BroadcastTally> = (0..12)
            .map(|week| BroadcastTally {
                created_at: weeks.start() + chrono::Duration::days(7 * week + 1),
                topic: "waste".into(),
                counts: Counts { announcements: 1, deliveries: 5 + week as u64, reach: 300, acks: 40 },
            })
            .collect();
        let png = render(&Stats::gather(&weeks, &tallies, Vec::new()), &labels()).expect("a chart");
        assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
        // IHDR: width and height, big-endian, right after the signature and the chunk header.
        assert_eq!(u32::from_be_bytes(png[16..20].try_into().unwrap()), WIDTH);
        assert_eq!(u32::from_be_bytes(png[20..24].try_into().unwrap()), HEIGHT);
    }

    #[test]
    fn every_vietnamese_letter_has_a_glyph_in_the_embedded_font() {
        use ab_glyph::Font;
        let font = ab_glyph::FontRef::try_from_slice(FONT).expect("the font parses");
        let letters =
            "aàáảãạăằắẳẵặâầấẩẫậbcdđeèéẻẽẹêềếểễệghiìíỉĩịklmnoòóỏõọôồốổỗộơờớởỡợpqrstuùúủũụưừứửữựvxyỳýỷỹỵ";
        let upper: String = letters.to_uppercase();
        for letter in letters.chars().chain(upper.chars()).chain("0123456789/·–—…%".chars()) {
            assert_ne!(font.glyph_id(letter).0, 0, "no glyph for {letter:?}");
        }
    }
}
