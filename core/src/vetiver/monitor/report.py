"""One self-contained HTML monitoring report: drift against the reference, over time, metrics.

plotly.js is inlined once (no CDN, no network needed to open the file); tables are plain HTML.
"""

from __future__ import annotations

import html
import os
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from .drift import DATASET, DRIFT
from .profile import ReferenceProfile

_STYLE = """
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:2rem auto;max-width:1100px;color:#222}
h1{font-size:1.6rem;margin-bottom:.2rem} h2{font-size:1.25rem;margin-top:2.2rem;border-bottom:1px solid #ddd}
.meta{color:#555} .verdict{display:inline-block;padding:.3rem .7rem;border-radius:4px;color:#fff;font-weight:600}
.drift{background:#c62828} .ok{background:#2e7d32} .possible{background:#f9a825}
table{border-collapse:collapse;font-size:.85rem;margin:.5rem 0} th,td{border:1px solid #ddd;padding:.25rem .5rem;text-align:right}
th{background:#f4f4f4} td:first-child,th:first-child{text-align:left} .note{color:#555;font-size:.9rem}
"""


def write_report(
    path: str | os.PathLike[str],
    *,
    profile: ReferenceProfile | None,
    log: Any = None,
    metrics: Any = None,
    group_metrics: Any = None,
    period: Any = "day",
    title: str | None = None,
    **drift_options: Any,
) -> Path:
    """Write the report to ``path`` and return it.

    Args:
        profile: The model version's reference profile (:func:`read_reference_profile`); None
            leaves out the drift sections.
        log: Logged predictions (:func:`read_prediction_log`), compared with the profile overall
            and per ``period``.
        metrics: Metrics over time (:func:`compute_metrics` or a metrics pin).
        group_metrics: Metrics per group (:func:`compute_group_metrics`).
        title: The page title (default: from the profile's model name and version).
        **drift_options: For :func:`compute_drift`.
    """
    from .drift import compute_drift, compute_drift_over_time
    from .plots import plot_drift, plot_drift_over_time, plot_group_metrics, plot_metrics

    name = profile.model_name if profile is not None else None
    version = profile.model_version if profile is not None else None
    title = title or f"Monitoring report: {name or 'model'}" + (f" version {version}" if version else "")
    sections: list[str] = []
    figures: list[Any] = []

    def figure(fig: Any) -> str:
        figures.append(fig)
        return f"<!--figure-{len(figures) - 1}-->"

    if profile is not None and log is not None and len(log):
        drift = compute_drift(profile, log, **drift_options)
        dataset = drift[drift["feature"] == DATASET].iloc[0]
        drifting = drift[(drift["verdict"] == DRIFT) & (drift["kind"] != "dataset")]["feature"].unique()
        css = "drift" if dataset["verdict"] == DRIFT else "ok"
        sections.append(
            f"<h2>Drift against the reference</h2><p><span class='verdict {css}'>dataset: {html.escape(dataset['verdict'])}"
            f"</span> {dataset['statistic']:.0%} of columns drift (threshold "
            f"{dataset['threshold']:.0%})" + (f": {html.escape(', '.join(map(str, drifting)))}" if len(drifting) else "")
            + f"</p><p class='note'>{len(log)} logged rows compared with the {profile.n} reference rows profiled when "
            "the model was pinned.</p>" + figure(plot_drift(drift)) + _table(drift)
        )  # fmt: skip
        if "time" in log.columns:
            over_time = compute_drift_over_time(profile, log, "time", period, **drift_options)
            if len(over_time):
                sections.append(
                    f"<h2>Drift over time (per {html.escape(str(period))})</h2>"
                    + figure(plot_drift_over_time(over_time, baseline="reference"))
                    + (figure(plot_drift_over_time(over_time, baseline="previous"))
                       if (over_time["baseline"] == "previous").any() else "")
                )  # fmt: skip
    elif profile is None:
        sections.append("<h2>Drift</h2><p class='note'>This model version was pinned without reference data, so "
                        "there is no reference profile to compare with.</p>")  # fmt: skip
    if metrics is not None and len(metrics):
        sections.append("<h2>Metrics over time</h2>" + figure(plot_metrics(metrics)) + _table(metrics))
    if group_metrics is not None and len(group_metrics):
        flagged = int(group_metrics["flagged"].sum())
        sections.append(f"<h2>Metrics per group</h2><p>{flagged} group/metric pair(s) flagged by the disparity rule.</p>"
                        + figure(plot_group_metrics(group_metrics)) + _table(group_metrics))  # fmt: skip

    body = "\n".join(sections)
    for i, fig in enumerate(figures):
        # The first figure carries plotly.js inline; the rest reuse it.
        snippet = fig.to_html(full_html=False, include_plotlyjs=(i == 0), config={"displaylogo": False})
        body = body.replace(f"<!--figure-{i}-->", snippet)
    generated = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    page = (
        f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>{html.escape(title)}</title>"
        f"<style>{_STYLE}</style></head><body><h1>{html.escape(title)}</h1>"
        f"<p class='meta'>Generated {generated} by vetiver.</p>{body}</body></html>"
    )
    target = Path(path)
    target.write_text(page, encoding="utf-8")
    return target


def _table(frame: Any) -> str:
    return frame.to_html(index=False, float_format=lambda v: f"{v:.4g}", na_rep="", border=0, escape=True)
