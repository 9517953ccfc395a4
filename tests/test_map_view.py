import numpy as np

from analysis.classify import NO_DATA
from dashboard.map_view import classify_indicator


def test_yes_no_values_get_target_classes_whatever_the_scheme():
    # Hamlet team presence is 0 or 100: value ranges would put every hamlet in one class "0 – 100".
    values = [0.0, 100.0, 100.0, np.nan, 0.0]
    for scheme in ("quantiles", "equal_interval", "natural_breaks", "auto", "target"):
        classes = classify_indicator(values, "team_presence", scheme, 5)
        assert classes.names == ("not_met", "near", "met")
        assert classes.class_of.tolist() == [0, 2, 2, NO_DATA, 0]


def test_continuous_values_keep_the_chosen_scheme():
    values = np.linspace(10, 95, 40)
    classes = classify_indicator(values, "smartphone_share", "auto", 5)
    assert classes.scheme == "quantiles" and classes.k == 5 and classes.names == ()
    assert classify_indicator(values, "smartphone_share", "equal_interval", 4).scheme == "equal_interval"


def test_source_line_speaks_the_map_language():
    from dashboard.export_view import source_text

    metadata = {"sources": [{"name": "vietnamadminunits (official 2025 register)",
                             "name_vi": "Danh mục đơn vị hành chính 2025 (vietnamadminunits)"}]}
    assert source_text(metadata, "vi").startswith("Nguồn: Danh mục đơn vị hành chính 2025 (vietnamadminunits) · ")
    assert source_text(metadata, "en").startswith("Source: vietnamadminunits · ")
