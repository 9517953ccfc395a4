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


class TwoClasses(TargetBased):
    """Yes/no values (a hamlet has a team or not): "not met" and "met", no "near" class in between."""

    key = "two_classes"

    def __init__(self, target: float, higher_is_better: bool = True):
        super().__init__(target, 0.0, higher_is_better)

    @property
    def names(self) -> tuple[str, ...]:
        return ("not_met", "met") if self.higher_is_better else ("met", "not_met")

    def upper_bounds(self, values: np.ndarray, k: int) -> np.ndarray:
        top = max(values.max(), self.target)
        below = np.nextafter(self.target, -np.inf) if self.higher_is_better else self.target
        return np.array([below, top])


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


#: Schemes a user can choose (the web map's picker, ``--scheme`` on the CLI, ``scheme=`` in a link).
SCHEME_KEYS = ("quantiles", "equal_interval", "natural_breaks", "target")


def reclassify(values, template: Classification) -> Classification:
    """Classes of ``values`` with the bounds of ``template``; values beyond them go to the end classes.

    The one way class bounds are reused: two periods on the compare page, every page of an atlas.
    """
    array = pd.to_numeric(pd.Series(values), errors="coerce").to_numpy(dtype=float)
    class_of = np.full(array.shape, NO_DATA, dtype=int)
    present = ~np.isnan(array)
    bins = np.asarray(template.bins, dtype=float)
    if len(bins):
        class_of[present] = np.minimum(np.searchsorted(bins, array[present], side="left"), len(bins) - 1)
    return Classification(template.scheme, template.lower, template.bins, class_of, template.names)


def is_yes_no(values) -> bool:
    """True when the values with data take at most two distinct values (hamlet team presence: 0 or 100)."""
    return pd.to_numeric(pd.Series(values), errors="coerce").dropna().nunique() <= 2


def classify_indicator(values, scheme: str = "quantiles", k: int = 5, *, target: float | None = None,
                       band: float = 10.0, higher_is_better: bool = True,
                       template: Classification | None = None) -> Classification:
    """How an indicator map is classified: the one decision every map, legend and export takes.

    Parameters
    ----------
    values : array-like of float
        The indicator's values (NaN = no data).
    scheme : str
        One of :data:`SCHEME_KEYS`; "target" needs a target (quantiles otherwise).
    k : int
        Classes asked for (value-range schemes).
    target, band, higher_is_better
        The indicator's configured target, the "near target" band and its direction.
    template : Classification, optional
        Reuse these class bounds (:func:`reclassify`) instead of classifying anew.

    Yes/no values (hamlet team presence) get two classes, below and at the target, whenever there is a target:
    value ranges would put every hamlet in one class "0 – 100".
    """
    if scheme not in SCHEME_KEYS:
        raise ValueError(f"unknown classification {scheme!r}; choose one of: {', '.join(SCHEME_KEYS)}")
    if template is not None:
        return reclassify(values, template)
    if target is not None and is_yes_no(values):
        return classify(values, TwoClasses(target, higher_is_better))
    if target is not None and scheme == "target":
        return classify(values, TargetBased(target, band, higher_is_better))
    return classify(values, "quantiles" if scheme == "target" else scheme, k)


def change_classification(change) -> Classification:
    """Five classes symmetric around 0 (fell a lot, fell, little change, rose, rose a lot).

    The scale is the 95th percentile of the absolute change, so one outlier does not flatten the map.
    """
    values = pd.to_numeric(pd.Series(change), errors="coerce").to_numpy(dtype=float)
    spread = float(np.nanpercentile(np.abs(values), 95)) if np.isfinite(values).any() else 0.0
    step = spread if spread > 0 else 1.0
    return classify(values, UserDefined([-0.6 * step, -0.2 * step, 0.2 * step, 0.6 * step, step]))


def gap_classification(scores, is_gap, has_population, k: int = 4) -> Classification:
    """Class 0 = not a gap; 1..k = quantiles of the gap score; no data where a non-gap has no population.

    ``bins`` holds 0 (the "not a gap" class) then the upper bounds of the gap classes; ``lower`` the smallest
    gap score.
    """
    scores = pd.to_numeric(pd.Series(scores), errors="coerce").to_numpy(dtype=float)
    is_gap = np.asarray(is_gap, dtype=bool)
    class_of = np.zeros(len(scores), dtype=int)
    bins: tuple[float, ...] = (0.0,)
    lower = 0.0
    if is_gap.any():
        gaps = classify(scores[is_gap], "quantiles", k)
        class_of[is_gap] = gaps.class_of + 1
        bins = (0.0, *gaps.bins)
        lower = float(np.nanmin(scores[is_gap]))
    class_of[~np.asarray(has_population, dtype=bool) & ~is_gap] = NO_DATA
    return Classification("gaps", lower, bins, class_of, ())
