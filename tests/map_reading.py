"""What the live map shows, read from an AppTest run (no JavaScript runs there).

The projects reach the browser once, as a data script beside the map; each filter state is a
view string sent in the map's feature groups (see ``maps/browserdata.py``). These helpers read
both back, so tests ask "which projects does the map show" the way the browser answers it.
"""

from __future__ import annotations

import json

from maps.browserdata import read_element, read_views, shown_codes
from ui.app import DATA_FILES


def map_args(at) -> dict:
    """The main map's component arguments (the comparison pair, ``map_div2``, excluded)."""
    maps = [
        e
        for e in at.main
        if type(e).__name__ == "UnknownElement"
        and "feature_group" in getattr(e.proto, "json_args", "")
        and "map_div2" not in e.proto.json_args
    ]
    assert len(maps) == 1, "expected exactly one main map"
    return json.loads(maps[0].proto.json_args)


def map_data(at) -> dict:
    """The projects sent to the browser once (the file a script beside the map fetches, or
    that script's payload), as a dict."""
    bodies = [
        e.proto.body
        for e in at.main
        if type(e).__name__ == "Html" and "/* shinan-data " in e.proto.body
    ]
    assert len(bodies) == 1, "expected the project data once beside the map"
    return read_element(bodies[0], DATA_FILES)


def shown(at) -> dict[str, tuple[str, bool]]:
    """``{id: (status, is_target)}`` of what the map shows now (the last view sent)."""
    views = read_views(map_args(at)["feature_group"] or "")
    assert views, "the map got no view of the projects"
    return shown_codes(map_data(at), views[-1][1])


def shown_ids(at) -> set[str]:
    return set(shown(at))
