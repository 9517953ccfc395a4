"""A fixed class for units without any team, on maps of the team indicators, whatever the scheme.

On a quantile or natural-breaks map of "hamlets with a team" a commune with no team at all shares the lowest
class ("0 – 32 %") with communes half covered; on "residents per member" it has no value at all (no members: no
denominator) and would look like missing data. Both hide the units the meeting is about, so they get a class of
their own: index ``k`` (one past the value classes), drawn in one fixed colour and named in words in the legend.
Hamlet team presence is yes/no: its "below target" class already is "no team" (the legend says so).
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd

from analysis.classify import Classification
from analysis.indicators import numeric_column

#: Indicators about the teams themselves: a unit with no team is their worst case, shown as such.
TEAM_INDICATORS = ("team_presence", "members_per_1000", "residents_per_member")


def has_no_team_class(classification: Classification) -> bool:
    """Whether some unit is in the fixed "no team" class (index ``k``)."""
    return bool((np.asarray(classification.class_of) == classification.k).any())


def without_team(table: pd.DataFrame) -> np.ndarray:
    """Units whose figures say they have no team (unknown counts are not "no team")."""
    teams = numeric_column(table, "teams")
    if teams.isna().all():  # files with only hamlet counts: no hamlet with a team
        teams = numeric_column(table, "hamlets_with_team")
    return (teams == 0).to_numpy()


def mark_no_team(classification: Classification, table: pd.DataFrame, indicator: str,
                 level: str) -> Classification:
    """``classification`` with the units without a team moved to class ``k``, on the team indicators' maps."""
    if indicator not in TEAM_INDICATORS or (level == "hamlet" and indicator == "team_presence"):
        return classification
    if not classification.k:
        return classification
    class_of = np.asarray(classification.class_of).copy()
    class_of[without_team(table)] = classification.k
    return replace(classification, class_of=class_of)
