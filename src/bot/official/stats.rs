//! `/stats`: the last 12 weeks in numbers — a chart, then the tables. The chart is a nicety:
//! when it cannot be drawn, the tables still go, and the failure is logged.

use super::Official;
use crate::{
    bot::{Context, Outgoing, Reply, one, texts},
    chart,
    domain::{Stats, Weeks},
    error::Result,
};

/// How far back `/stats` looks, this week included.
const WEEKS: usize = 12;

pub async fn stats(official: &Official, ctx: &Context) -> Result<Vec<Outgoing>> {
    let lang = official.lang;
    let now = ctx.clock.now();
    let weeks = Weeks::ending_at(now, ctx.timezone, WEEKS);
    let broadcasts = ctx.store.broadcast_tallies(weeks.start(), now).await?;
    let areas = ctx.store.area_tallies(weeks.start(), now).await?;
    let stats = Stats::gather(&weeks, &broadcasts, areas);
    if stats.is_empty() {
        return Ok(one(texts::stats_empty(lang, WEEKS)));
    }
    let table = Reply::html(texts::stats_table(lang, &stats, &ctx.topics));
    let caption = format!("📊 {}", texts::stats_title(lang, &stats));
    let labels = texts::stats_chart_labels(lang, &stats);
    // Drawing takes tens of milliseconds of CPU: off the threads that serve updates.
    let drawn = tokio::task::spawn_blocking(move || chart::render(&stats, &labels)).await;
    let mut answer = Vec::with_capacity(2);
    match drawn {
        Ok(Ok(png)) => answer.push(Outgoing::Picture { png, caption }),
        Ok(Err(error)) => tracing::warn!(%error, "/stats is sent without its chart"),
        Err(error) => tracing::error!(%error, "drawing /stats's chart panicked"),
    }
    answer.push(table.into());
    Ok(answer)
}
