"""plotly figures: metrics over time, drift per feature, drift over time, metrics per group.

plotly is imported when a figure is made (``pip install 'vetiver-core[monitor]'``).
"""

from __future__ import annotations

from typing import Any

from .optional import require

VERDICT_COLORS = {"no drift": "#2e7d32", "possible drift": "#f9a825", "drift": "#c62828"}


def _px() -> Any:
    return require("plotly.express", "plotting")


def _clean_facets(fig: Any) -> None:
    # "metric=mean_absolute_error" -> "mean_absolute_error" (0.2.6 left the prefix on).
    fig.for_each_annotation(lambda a: a.update(text=a.text.split("=", 1)[-1]))


def plot_metrics(
    df_metrics: Any, date: str = "index", estimate: str = "estimate", metric: str = "metric", n: str = "n", **kw: Any
) -> Any:
    """Metrics over time, one panel per metric with its own y axis; point size shows ``n``.

    Arguments name the columns of ``df_metrics`` (0.2.6's names and defaults); ``kw`` goes to
    ``plotly.express.scatter`` (e.g. ``color="group"`` for disaggregated metrics).
    """
    px = _px()
    frame = df_metrics.sort_values(date, kind="stable")
    options = {"color": metric, "facet_row": metric, "size": n, "hover_data": {n: True},
               "labels": {date: "date", estimate: "estimate"}, **kw}  # fmt: skip
    fig = px.scatter(frame, x=date, y=estimate, **options)
    fig.update_traces(mode="lines+markers")
    fig.update_yaxes(matches=None, title_text="")
    _clean_facets(fig)
    fig.update_layout(showlegend=False, height=max(300, 220 * frame[metric].nunique()))
    return fig


def plot_drift(drift: Any, method: str | None = None) -> Any:
    """One bar per feature: its statistic for ``method`` (default: the first method of the
    table, PSI with the defaults), colored by verdict, with the drift threshold marked."""
    px = _px()
    table = drift[drift["kind"] != "dataset"]
    method = method or (table["method"].iloc[0] if len(table) else "psi")
    table = table[table["method"] == method].sort_values("statistic", ascending=False)
    fig = px.bar(table, x="feature", y="statistic", color="verdict", color_discrete_map=VERDICT_COLORS,
                 hover_data=["p_value", "threshold", "n_reference", "n_current"],
                 title=f"Drift per feature ({method})")  # fmt: skip
    if len(table):
        fig.add_hline(y=float(table["threshold"].iloc[0]), line_dash="dash", annotation_text="drift threshold")
    return fig


def plot_drift_over_time(drift: Any, method: str = "psi", baseline: str = "reference") -> Any:
    """The statistic of ``method`` per window and feature (from ``compute_drift_over_time``)."""
    px = _px()
    table = drift[(drift["kind"] != "dataset") & (drift["method"] == method) & (drift["baseline"] == baseline)]
    fig = px.line(table.sort_values("index"), x="index", y="statistic", color="feature", markers=True,
                  hover_data=["verdict", "n_current"],
                  title=f"{method} per window against the {baseline}")  # fmt: skip
    if len(table):
        fig.add_hline(y=float(table["threshold"].iloc[0]), line_dash="dash", annotation_text="drift threshold")
    return fig


def plot_group_metrics(group_metrics: Any) -> Any:
    """Each metric per group (from ``compute_group_metrics``); flagged groups are red."""
    px = _px()
    table = group_metrics.assign(
        status=group_metrics["flagged"].map({True: "flagged", False: "within rule"}),
        group=group_metrics["group"].astype(str),
    )  # fmt: skip
    fig = px.bar(table, x="group", y="estimate", color="status", facet_col="metric",
                 color_discrete_map={"flagged": "#c62828", "within rule": "#1565c0"},
                 hover_data=["n", "reference_group", "difference", "ratio"], title="Metrics per group")  # fmt: skip
    fig.update_yaxes(matches=None)
    _clean_facets(fig)
    return fig
