-- Local accounts (python -m geo users ...): argon2 hashes only, never a password.
CREATE TABLE app_users (
    name text PRIMARY KEY CHECK (length(name) BETWEEN 1 AND 60),
    password_hash text NOT NULL,
    role text NOT NULL CHECK (role IN ('viewer', 'editor', 'admin')),
    created_at timestamptz NOT NULL DEFAULT now(),
    failed_attempts integer NOT NULL DEFAULT 0,
    last_failed_at timestamptz
);
