-- The projects, one row per feature: what QGIS opens without configuration (a primary key
-- and a geometry column with SRID 4326 and a GiST index). Plain properties are columns;
-- milestones, figures, source and location evidence are JSONB; any other property is kept in
-- "extra". property_order and position keep the file's order, so a dump gives the same file.
CREATE EXTENSION IF NOT EXISTS postgis;

CREATE TABLE projects (
    id text PRIMARY KEY,
    position bigserial NOT NULL,
    layer text,
    name_zh text,
    name_en text,
    status text,
    location_precision text,
    location_note text,
    location_note_zh text,
    map_placement text,
    owner text,
    milestones jsonb,
    figures jsonb,
    source jsonb,
    location_evidence jsonb,
    extra jsonb,
    property_order text[],
    geom geometry(Geometry, 4326),
    -- Set by trigger on every change: the version a save names (optimistic concurrency).
    row_version integer NOT NULL DEFAULT 1,
    updated_at timestamptz NOT NULL DEFAULT now(),
    updated_by text
);
CREATE INDEX projects_geom_idx ON projects USING gist (geom);
COMMENT ON TABLE projects IS 'Shinan project map: one row per project (python -m geo db dump writes the GeoJSON)';

-- Keys of the FeatureCollection besides "type" and "features" (kept for a lossless dump).
CREATE TABLE collection_meta (
    key text PRIMARY KEY,
    value jsonb NOT NULL
);

-- Named views for presenting (the database's data/scenes.json).
CREATE TABLE scenes (
    id text PRIMARY KEY,
    position bigserial NOT NULL,
    scene jsonb NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now(),
    updated_by text
);
