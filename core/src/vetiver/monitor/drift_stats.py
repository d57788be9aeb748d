"""Drift statistics: each compares a reference with a current sample of one column.

PSI and Jensen-Shannon work on bin counts (numpy only); KS, chi-square and Wasserstein use scipy
(imported when called). KS and Wasserstein have two forms: on raw values (exactly scipy's
result) and against a reference profile's quantile sketch (an approximation, as close as the
sketch's resolution: 1/100 of the distribution by default).
"""

from __future__ import annotations

import math
from typing import Any

from .optional import require

# A bin without observations on one side would make PSI infinite (ln of 0); its proportion is
# raised to this floor instead, as evidently does, so results stay finite and comparable.
EMPTY_BIN_PROPORTION = 1e-4
# Wasserstein is normed by the reference's standard deviation, floored so a constant reference
# column does not divide by zero (evidently's choice).
MIN_STD = 1e-3


def proportions(counts: Any) -> Any:
    import numpy as np

    counts = np.asarray(counts, dtype=np.float64)
    total = counts.sum()
    return counts / total if total else counts


def psi(reference_counts: Any, current_counts: Any) -> float:
    """Population stability index ``sum((cur - ref) * ln(cur / ref))`` over fixed bins."""
    import numpy as np

    ref = np.maximum(proportions(reference_counts), EMPTY_BIN_PROPORTION)
    cur = np.maximum(proportions(current_counts), EMPTY_BIN_PROPORTION)
    return float(np.sum((cur - ref) * np.log(cur / ref)))


def jensen_shannon(reference_counts: Any, current_counts: Any) -> float:
    """Jensen-Shannon distance (natural log, scipy's ``distance.jensenshannon``) of the bin shares."""
    distance = require("scipy.spatial.distance", "the Jensen-Shannon distance")
    return float(distance.jensenshannon(proportions(reference_counts), proportions(current_counts)))


def chi_square(reference_counts: Any, current_counts: Any) -> tuple[float, float]:
    """Chi-square test of homogeneity of the two samples over the levels (no continuity
    correction); levels empty on both sides are left out. Returns (statistic, p-value)."""
    import numpy as np

    stats = require("scipy.stats", "the chi-square drift test")
    table = np.vstack([np.asarray(reference_counts), np.asarray(current_counts)]).astype(np.float64)
    table = table[:, table.sum(axis=0) > 0]
    if table.shape[1] < 2:
        return 0.0, 1.0  # one level on both sides: nothing can differ
    result = stats.chi2_contingency(table, correction=False)
    return float(result.statistic), float(result.pvalue)


def ks(reference_values: Any, current_values: Any) -> tuple[float, float]:
    """Two-sample Kolmogorov-Smirnov test on raw values (scipy's ``ks_2samp``, method auto)."""
    stats = require("scipy.stats", "the Kolmogorov-Smirnov drift test")
    result = stats.ks_2samp(reference_values, current_values)
    return float(result.statistic), float(result.pvalue)


def ks_from_quantiles(quantiles: Any, n_reference: int, current_values: Any) -> tuple[float, float]:
    """KS against a reference known by its quantiles ``q_k`` at ``k / K``: the largest gap between
    the two CDFs at those points, with scipy's asymptotic two-sample p-value."""
    import numpy as np

    stats = require("scipy.stats", "the Kolmogorov-Smirnov drift test")
    q = np.asarray(quantiles, dtype=np.float64)
    levels = np.linspace(0, 1, len(q))
    x = np.sort(np.asarray(current_values, dtype=np.float64))
    below_or_at = np.searchsorted(x, q, side="right") / len(x)
    below = np.searchsorted(x, q, side="left") / len(x)
    # At q_k the reference CDF jumps to k / K; the current CDF is between "below" and "at or below".
    gaps = np.maximum(np.abs(levels - below_or_at), np.abs(np.r_[0.0, levels[:-1]] - below))
    statistic = float(gaps.max())
    effective = n_reference * len(x) / (n_reference + len(x))
    return statistic, float(stats.kstwo.sf(statistic, max(1, round(effective))))


def wasserstein_normed(reference_values: Any, current_values: Any, reference_std: float) -> float:
    """Wasserstein-1 distance (scipy) divided by the reference standard deviation."""
    stats = require("scipy.stats", "the Wasserstein distance")
    return float(stats.wasserstein_distance(reference_values, current_values)) / max(reference_std, MIN_STD)


def wasserstein_from_quantiles(quantiles: Any, current_values: Any, reference_std: float) -> float:
    """Wasserstein-1 as the area between the two quantile functions on the sketch's grid, normed."""
    import numpy as np

    q = np.asarray(quantiles, dtype=np.float64)
    levels = np.linspace(0, 1, len(q))
    current = np.quantile(np.asarray(current_values, dtype=np.float64), levels)
    gap = np.abs(q - current)
    area = float(np.sum((gap[1:] + gap[:-1]) / 2 * np.diff(levels))) if len(q) > 1 else float(gap[0])
    return area / max(reference_std, MIN_STD)


def is_finite(value: float) -> bool:
    return value is not None and math.isfinite(value)
