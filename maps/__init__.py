"""Drawing, beside the pure data core in ``geo/``: printed and exported maps.

``snapshot`` draws a static map (PNG, SVG, PDF) from the pieces here (page, extent, layout,
frame, background, features, labels, legend, figures box, inset, furniture, scale bar,
caption, vectors); ``file_exports`` makes the standalone HTML map and zips of snapshots. All
read the visual language of ``layers.symbols``. ``geo.render``, ``geo.labels`` and
``geo.export`` re-export the names other code imported from them.

The live map is here too: ``webmap`` (the Leaflet base map and the groups each rerun sends)
with its browser side ``webmap.js`` and ``viewcodes.js``; ``browserdata`` (the projects in
browser form, sent once); ``tiledmap`` with ``tiles_layer.js`` and ``tiles_painter.js`` (the
vector-tiled layers); ``tiles`` (basemap tiles for snapshots); ``worker_warmup`` (the export
workers' start).
"""
