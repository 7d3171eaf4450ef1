"""A deal's status follows from the stage it is in; the row keeps it for cheap filters
(storage.models.DealStatus). This is the one place that says which."""

from __future__ import annotations

from flows.schema import ProcessMap, Stage, StageKind
from storage.models import DealStatus

_STATUS_OF_SIDE_KIND = {
    StageKind.LOST: DealStatus.LOST,
    StageKind.DISQUALIFIED: DealStatus.DISQUALIFIED,
    StageKind.NURTURE: DealStatus.NURTURE,
}


def side_status(kind: StageKind) -> DealStatus | None:
    """The status of every deal in a side stage of this kind; None on the main path."""
    return _STATUS_OF_SIDE_KIND.get(kind)


def status_for(process_map: ProcessMap, stage: Stage) -> DealStatus:
    """The status of a deal in `stage`: a side stage's own, won from the won stage on
    (post-sale stages included), open before it."""
    side = side_status(stage.kind)
    if side is not None:
        return side
    if stage.won or process_map.is_post_sale(stage.id):
        return DealStatus.WON
    return DealStatus.OPEN
