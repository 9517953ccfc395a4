"""Colour-blind-safe ColorBrewer palettes (colorbrewer2.org, Cynthia Brewer, Apache-2.0 licence).

Every palette here is marked colour-blind safe on colorbrewer2.org. "No data" is a neutral grey drawn with a
diagonal hatch, so it cannot be mistaken for the lightest class of any palette.
"""

from __future__ import annotations

#: Sequential, for "higher is better" indicators (dark blue = high).
_YLGNBU = {
    3: ["#edf8b1", "#7fcdbb", "#2c7fb8"],
    4: ["#ffffcc", "#a1dab4", "#41b6c4", "#225ea8"],
    5: ["#ffffcc", "#a1dab4", "#41b6c4", "#2c7fb8", "#253494"],
    6: ["#ffffcc", "#c7e9b4", "#7fcdbb", "#41b6c4", "#2c7fb8", "#253494"],
    7: ["#ffffcc", "#c7e9b4", "#7fcdbb", "#41b6c4", "#1d91c0", "#225ea8", "#0c2c84"],
}
#: Sequential, for "lower is better" values and gap scores (dark red = large problem).
_YLORRD = {
    3: ["#ffeda0", "#feb24c", "#f03b20"],
    4: ["#ffffb2", "#fecc5c", "#fd8d3c", "#e31a1c"],
    5: ["#ffffb2", "#fecc5c", "#fd8d3c", "#f03b20", "#bd0026"],
    6: ["#ffffb2", "#fed976", "#feb24c", "#fd8d3c", "#f03b20", "#bd0026"],
    7: ["#ffffb2", "#fed976", "#feb24c", "#fd8d3c", "#fc4e2a", "#e31a1c", "#b10026"],
}
#: Diverging PuOr, for change maps: orange = fell, purple = rose.
_PUOR = {
    3: ["#f1a340", "#f7f7f7", "#998ec3"],
    4: ["#e66101", "#fdb863", "#b2abd2", "#5e3c99"],
    5: ["#e66101", "#fdb863", "#f7f7f7", "#b2abd2", "#5e3c99"],
    6: ["#b35806", "#f1a340", "#fee0b6", "#d8daeb", "#998ec3", "#542788"],
    7: ["#b35806", "#f1a340", "#fee0b6", "#f7f7f7", "#d8daeb", "#998ec3", "#542788"],
}
#: Target classes by name (from PuOr's ends, readable by people with any colour-vision deficiency).
TARGET_COLOURS = {"not_met": "#e66101", "near": "#fdb863", "met": "#5e3c99"}

#: Units without any team on the team indicators' maps: near-black, in no palette here, so they stand out
#: whatever the scheme (and distinct from the magenta island and brown mountain outlines).
NO_TEAM_COLOUR = "#252525"
#: Units that are not gaps on the gap map: pale, so the gaps stand out.
NOT_A_GAP_COLOUR = "#f4f4f4"
NO_DATA_COLOUR = "#d4d4d4"
NO_DATA_HATCH = "#8a8a8a"
#: CSS background of the legend's "no data" swatch: the same hatch as on the map.
NO_DATA_CSS = (
    f"repeating-linear-gradient(135deg, {NO_DATA_COLOUR} 0 3px, {NO_DATA_HATCH} 3px 4px)"
)

MIN_CLASSES, MAX_CLASSES = 3, 7


def _pick(table: dict[int, list[str]], k: int) -> list[str]:
    """``k`` colours; for 1 or 2 classes, the darker end of the 3-class palette."""
    if k <= 0:
        return []
    if k < MIN_CLASSES:
        return table[MIN_CLASSES][-k:]
    return list(table[min(k, MAX_CLASSES)])


def sequential(k: int, higher_is_better: bool = True) -> list[str]:
    """``k`` colours from light to dark.

    Parameters
    ----------
    k : int
        Number of classes (3–7 use the ColorBrewer palette of that size).
    higher_is_better : bool
        Blues when a high value is good, reds when a high value is a problem (residents per member, gap score).
    """
    return _pick(_YLGNBU if higher_is_better else _YLORRD, k)


def diverging(k: int) -> list[str]:
    """``k`` colours for changes, from "fell" (orange) to "rose" (purple)."""
    return _pick(_PUOR, k)


def target_colours(names) -> list[str]:
    """Colours for target-based classes, in the order of ``names`` ("not_met", "near", "met")."""
    return [TARGET_COLOURS[name] for name in names]
