"""The names of the sketch kinds in the interface language (the sketch toolbar, the attributes
dialog and the sketch attribute table share them)."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

# what the kind box lists, in order (ids of ``greenplan.jobs.sketch.SKETCH_KINDS``)
KIND_ORDER = ("pocket_park", "green_belt", "green_space", "rooftop", "construction")


def kind_texts() -> dict[str, str]:
    """The sketch kinds in the interface language (the kind box, the attributes dialog)."""
    return {"pocket_park": QCoreApplication.translate("SketchBar", "Pocket park"),
            "green_belt": QCoreApplication.translate("SketchBar", "Green belt"),
            "green_space": QCoreApplication.translate("SketchBar", "Green space"),
            "rooftop": QCoreApplication.translate("SketchBar", "Rooftop greening"),
            "construction": QCoreApplication.translate("SketchBar", "New construction")}
