"""Drawing, beside the pure data core in ``geo/``: printed and exported maps.

``snapshot`` draws a static map (PNG, SVG, PDF) from the pieces here (page, extent, layout,
frame, background, features, labels, legend, figures box, inset, furniture, scale bar,
caption, vectors); ``file_exports`` makes the standalone HTML map and zips of snapshots. All
read the visual language of ``layers.symbols``. ``geo.render``, ``geo.labels`` and
``geo.export`` re-export the names other code imported from them. The live map
(``geo/webmap.py``, ``geo/webmap.js``, ``geo/tiles.py``) should move here too once the work
on how it sends features has landed.
"""
