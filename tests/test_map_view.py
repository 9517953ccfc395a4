"""How a map is classified: one decision (``analysis.classify.classify_indicator``) for every map and file."""

import numpy as np
import pytest

from analysis.classify import NO_DATA, SCHEME_KEYS, Classification, classify, classify_indicator, reclassify


def test_yes_no_values_get_two_classes_whatever_the_scheme():
    # Hamlet team presence is 0 or 100: value ranges would put every hamlet in one class "0 – 100".
    values = [0.0, 100.0, 100.0, np.nan, 0.0]
    for scheme in SCHEME_KEYS:
        classes = classify_indicator(values, scheme, 5, target=100.0)
        assert classes.names == ("not_met", "met")
        assert classes.class_of.tolist() == [0, 1, 1, NO_DATA, 0]


def test_continuous_values_keep_the_chosen_scheme():
    values = np.linspace(10, 95, 40)
    classes = classify_indicator(values, "quantiles", 5, target=80.0)
    assert classes.scheme == "quantiles" and classes.k == 5 and classes.names == ()
    assert classify_indicator(values, "equal_interval", 4, target=80.0).scheme == "equal_interval"
    target = classify_indicator(values, "target", 5, target=80.0, band=10.0)
    assert target.names == ("not_met", "near", "met")
    # no target configured: "target" falls back to quantiles
    assert classify_indicator(values, "target", 5, target=None).scheme == "quantiles"
    with pytest.raises(ValueError, match="pie"):
        classify_indicator(values, "pie", 5)


def test_reused_bounds_put_values_beyond_them_in_the_end_classes():
    template = classify(np.linspace(20, 80, 30), "equal_interval", 3)
    again = reclassify([0.0, 25.0, 55.0, 99.0, np.nan], template)
    assert isinstance(again, Classification) and again.bins == template.bins
    assert again.class_of.tolist() == [0, 0, 1, 2, NO_DATA]
    assert classify_indicator([1.0, 2.0], "quantiles", 5, template=template).bins == template.bins


def test_source_line_speaks_the_map_language():
    from dashboard.render.texts import source_line

    metadata = {"sources": [{"name": "vietnamadminunits (official 2025 register)",
                             "name_vi": "Danh mục đơn vị hành chính 2025 (vietnamadminunits)"}]}
    assert source_line(metadata, "vi").startswith("Nguồn: Danh mục đơn vị hành chính 2025 (vietnamadminunits) · ")
    assert source_line(metadata, "en").startswith("Source: vietnamadminunits · ")
