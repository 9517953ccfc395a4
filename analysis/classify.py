"""Classification schemes for choropleths: one small class per scheme behind one interface.

Every scheme turns the values that have data into class upper bounds; :func:`classify` then assigns each
value a class index, with ``-1`` for "no data" (NaN), which is never folded into the lowest class.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

NO_DATA = -1


@dataclass(frozen=True)
class Classification:
    """The result of classifying a set of values.

    Attributes
    ----------
    scheme : str
        Key of the scheme used.
    lower : float
        Lowest value with data (the first class starts here).
    bins : tuple of float
        Upper bound of each class (inclusive), ascending.
    class_of : ndarray of int
        Class index of each input value; ``-1`` where there is no data.
    names : tuple of str
        For target-based classes the class keys ("not_met", "near", "met"), in class order; empty otherwise.
    """

    scheme: str
    lower: float
    bins: tuple[float, ...]
    class_of: np.ndarray = field(repr=False)
    names: tuple[str, ...] = ()

    @property
    def k(self) -> int:
        return len(self.bins)

    def intervals(self) -> list[tuple[float, float]]:
        """(lower, upper) of each class, for legends."""
        lowers = (self.lower, *self.bins[:-1])
        return list(zip(lowers, self.bins))

    def counts(self) -> list[int]:
        """Number of values in each class (no-data values not included)."""
        return [int((self.class_of == index).sum()) for index in range(self.k)]


class Scheme:
    """A classification scheme: computes class upper bounds from the values that have data."""

    key = ""

    def upper_bounds(self, values: np.ndarray, k: int) -> np.ndarray:
        raise NotImplementedError


def _distinct_k(values: np.ndarray, k: int) -> int:
    return max(1, min(k, len(np.unique(values))))


class Quantiles(Scheme):
    """Each class holds about the same number of units (mapclassify's definition)."""

    key = "quantiles"

    def upper_bounds(self, values: np.ndarray, k: int) -> np.ndarray:
        k = _distinct_k(values, k)
        return np.unique(np.percentile(values, np.linspace(100.0 / k, 100.0, k)))


class EqualInterval(Scheme):
    """Classes of equal width between the lowest and highest value."""

    key = "equal_interval"

    def upper_bounds(self, values: np.ndarray, k: int) -> np.ndarray:
        k = _distinct_k(values, k)
        low, high = float(values.min()), float(values.max())
        bounds = low + (high - low) / k * np.arange(1, k + 1)
        bounds[-1] = high  # no floating-point drift past the maximum
        return np.unique(bounds)


class NaturalBreaks(Scheme):
    """Fisher-Jenks optimal natural breaks (mapclassify)."""

    key = "natural_breaks"

    def upper_bounds(self, values: np.ndarray, k: int) -> np.ndarray:
        # Imported here: mapclassify pulls in scipy and costs seconds at start-up, and only this scheme needs it.
        import mapclassify

        k = _distinct_k(values, k)
        if k == 1:
            return np.array([values.max()])
        with warnings.catch_warnings():  # mapclassify warns when ties leave fewer classes than asked
            warnings.simplefilter("ignore")
            return np.unique(mapclassify.FisherJenks(values, k=k).bins)


class UserDefined(Scheme):
    """Fixed upper bounds, e.g. to share one legend between two periods on the compare page."""

    key = "user_defined"

    def __init__(self, bounds):
        self.bounds = np.asarray(sorted(bounds), dtype=float)

    def upper_bounds(self, values: np.ndarray, k: int) -> np.ndarray:
        top = max(self.bounds[-1], values.max())
        return np.append(self.bounds[:-1], top)


class TargetBased(Scheme):
    """Three classes relative to a target: not met, near (within a band of it), met.

    Classes are ordered by value; for an indicator where lower is better the order of the names flips.
    """

    key = "target"

    def __init__(self, target: float, band: float, higher_is_better: bool = True):
        self.target = float(target)
        self.band = float(band)
        self.higher_is_better = higher_is_better

    @property
    def names(self) -> tuple[str, ...]:
        return ("not_met", "near", "met") if self.higher_is_better else ("met", "near", "not_met")

    def upper_bounds(self, values: np.ndarray, k: int) -> np.ndarray:
        top = max(values.max(), self.target + self.band)
        if self.higher_is_better:
            # "at target" includes the target itself: nudge the boundary just below it.
            return np.array([self.target - self.band, np.nextafter(self.target, -np.inf), top])
        return np.array([self.target, self.target + self.band, top])


SCHEMES = {scheme.key: scheme for scheme in (Quantiles, EqualInterval, NaturalBreaks)}


def classify(values, scheme: str | Scheme = "quantiles", k: int = 5) -> Classification:
    """Classify ``values`` (NaN = no data) with a scheme.

    Parameters
    ----------
    values : array-like of float
    scheme : str or Scheme
        "quantiles", "equal_interval", "natural_breaks", or a :class:`Scheme` instance
        (:class:`TargetBased`, :class:`UserDefined`).
    k : int
        Number of classes asked for; fewer are made when there are fewer distinct values.

    Returns
    -------
    Classification
    """
    if isinstance(scheme, str):
        try:
            scheme = SCHEMES[scheme]()
        except KeyError:
            raise KeyError(f"unknown classification {scheme!r}; choose one of: {', '.join(SCHEMES)}, target")
    array = pd.to_numeric(pd.Series(values), errors="coerce").to_numpy(dtype=float)
    has_data = ~np.isnan(array)
    class_of = np.full(array.shape, NO_DATA, dtype=int)
    if not has_data.any():
        return Classification(scheme.key, float("nan"), (), class_of, getattr(scheme, "names", ()))
    present = array[has_data]
    bins = np.asarray(scheme.upper_bounds(present, k), dtype=float)
    class_of[has_data] = np.minimum(np.searchsorted(bins, present, side="left"), len(bins) - 1)
    lower = float(min(present.min(), bins[0]))
    return Classification(scheme.key, lower, tuple(float(b) for b in bins), class_of, getattr(scheme, "names", ()))
