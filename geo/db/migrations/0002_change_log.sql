-- Every change to a project, from the app, the command line, QGIS or psql, is written by
-- triggers: who (the app's user from the session setting project_map.user, else the database
-- role), when, and the whole row before and after. A refused save is recorded too.
-- The functions that write the log run with the owner's rights (SECURITY DEFINER): a QGIS login
-- needs rights on "projects" only, and cannot edit or delete the log.

-- One number per committed change of the data: bumped once per transaction that changes a
-- project or a scene. Running apps compare it to know when to reload; history names states
-- by it. Its row lock is held to commit, so versions follow commit order.
CREATE TABLE data_version (
    singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    version bigint NOT NULL,
    txid xid8
);
INSERT INTO data_version (version) VALUES (0);

CREATE TABLE project_changes (
    id bigserial PRIMARY KEY,
    version bigint NOT NULL,
    save_id text NOT NULL,
    time timestamptz NOT NULL DEFAULT now(),
    who text NOT NULL,
    db_role text NOT NULL DEFAULT session_user,
    source text,
    feature text NOT NULL,
    op text NOT NULL CHECK (op IN ('insert', 'update', 'delete')),
    old_row jsonb,
    new_row jsonb,
    outcome text NOT NULL DEFAULT 'committed' CHECK (outcome IN ('committed', 'refused')),
    detail text
);
CREATE INDEX project_changes_feature_idx ON project_changes (feature, id);
CREATE INDEX project_changes_version_idx ON project_changes (version);

CREATE FUNCTION project_map_setting(name text) RETURNS text
LANGUAGE sql STABLE AS $$
    SELECT nullif(current_setting('project_map.' || name, true), '')
$$;

CREATE FUNCTION project_map_who() RETURNS text
LANGUAGE sql STABLE AS $$
    SELECT coalesce(project_map_setting('user'), session_user::text)
$$;

CREATE FUNCTION project_map_bump() RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    v bigint;
BEGIN
    UPDATE data_version
       SET version = version + CASE WHEN txid IS DISTINCT FROM pg_current_xact_id() THEN 1 ELSE 0 END,
           txid = pg_current_xact_id()
    RETURNING version INTO v;
    RETURN v;
END
$$;

-- A row as the change log keeps it: every column but the bookkeeping ones, the geometry as
-- GeoJSON with every digit (15 decimals round-trip a double at these longitudes).
CREATE FUNCTION project_row_image(p projects) RETURNS jsonb
LANGUAGE sql STABLE AS $$
    SELECT (to_jsonb(p) - 'geom' - 'row_version' - 'updated_at' - 'updated_by')
           || jsonb_build_object('geojson', ST_AsGeoJSON(p.geom, 15)::jsonb)
$$;

CREATE FUNCTION projects_before_write() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' THEN
        -- Writing a row unchanged (QGIS saves whole rows) is not a change.
        IF project_row_image(NEW) = project_row_image(OLD) THEN
            NEW.row_version := OLD.row_version;
            NEW.updated_at := OLD.updated_at;
            NEW.updated_by := OLD.updated_by;
            RETURN NEW;
        END IF;
        NEW.row_version := OLD.row_version + 1;
    ELSE
        NEW.row_version := 1;
    END IF;
    NEW.updated_at := now();
    NEW.updated_by := project_map_who();
    RETURN NEW;
END
$$;

CREATE FUNCTION projects_after_write() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    old_image jsonb;
    new_image jsonb;
    fid text;
BEGIN
    IF TG_OP <> 'INSERT' THEN
        old_image := project_row_image(OLD);
        fid := OLD.id;
    END IF;
    IF TG_OP <> 'DELETE' THEN
        new_image := project_row_image(NEW);
        fid := NEW.id;
    END IF;
    IF old_image IS NOT DISTINCT FROM new_image THEN
        RETURN NULL;
    END IF;
    INSERT INTO project_changes (version, save_id, who, source, feature, op, old_row, new_row)
    VALUES (project_map_bump(),
            coalesce(project_map_setting('save'), 'tx' || pg_current_xact_id()::text),
            project_map_who(), project_map_setting('source'), fid, lower(TG_OP),
            old_image, new_image);
    RETURN NULL;
END
$$;

CREATE TRIGGER projects_before_write BEFORE INSERT OR UPDATE ON projects
    FOR EACH ROW EXECUTE FUNCTION projects_before_write();
CREATE TRIGGER projects_after_write AFTER INSERT OR UPDATE OR DELETE ON projects
    FOR EACH ROW EXECUTE FUNCTION projects_after_write();

CREATE FUNCTION scenes_write() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM project_map_bump();
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    NEW.updated_at := now();
    NEW.updated_by := project_map_who();
    RETURN NEW;
END
$$;
CREATE TRIGGER scenes_write BEFORE INSERT OR UPDATE OR DELETE ON scenes
    FOR EACH ROW EXECUTE FUNCTION scenes_write();

-- TRUNCATE bypasses row triggers: refuse it, so nothing leaves the table unrecorded.
CREATE FUNCTION projects_no_truncate() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'TRUNCATE projects is not recorded in the change log; use DELETE';
END
$$;
CREATE TRIGGER projects_no_truncate BEFORE TRUNCATE ON projects
    FOR EACH STATEMENT EXECUTE FUNCTION projects_no_truncate();
