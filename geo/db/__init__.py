"""The projects in PostgreSQL + PostGIS, for a bureau: several planners, app servers and QGIS.

Chosen by ``PROJECT_MAP_DATABASE_URL=postgresql://...``; without it everything uses the GeoJSON
file (:class:`geo.store.GeoJSONFileStore`) exactly as before. :func:`geo.store.open_store`
picks the store; callers never know which one they have.

- :mod:`geo.db.connect`: one connection pool per process, connection strings never shown;
- :mod:`geo.db.migrate`: numbered SQL migrations (``migrations/NNNN_name.sql``);
- :mod:`geo.db.rows`: a GeoJSON feature <-> a ``projects`` row, losslessly;
- :mod:`geo.db.pgstore`: :class:`PostGISStore`, the ProjectStore on the database;
- :mod:`geo.db.cli`: ``python -m geo db upgrade|load|dump|status``.
"""
