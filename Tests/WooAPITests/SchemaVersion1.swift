/// schema.sql as released with schema version 1 (commit 1aaff94), verbatim: the starting point of the upgrade tests.
let schemaVersion1 = """
    -- The store's schema. Applied by the server to a new database; PRAGMA user_version records the version
    -- (the last statement below), so later versions can migrate an existing file.
    -- Times are UTC Unix seconds. Money is integer cents.

    -- WordPress users: customers and every other role share one id sequence, as on a real store.
    CREATE TABLE users (
        id                  INTEGER PRIMARY KEY AUTOINCREMENT,  -- AUTOINCREMENT: an id is never reused
        username            TEXT    NOT NULL COLLATE NOCASE UNIQUE,
        email               TEXT    NOT NULL COLLATE NOCASE,
        password_hash       TEXT    NOT NULL,
        role                TEXT    NOT NULL DEFAULT 'customer',
        created_at          INTEGER NOT NULL,
        updated_at          INTEGER NOT NULL,
        first_name          TEXT    NOT NULL DEFAULT '',
        last_name           TEXT    NOT NULL DEFAULT '',
        billing_first_name  TEXT    NOT NULL DEFAULT '',
        billing_last_name   TEXT    NOT NULL DEFAULT '',
        billing_company     TEXT    NOT NULL DEFAULT '',
        billing_address_1   TEXT    NOT NULL DEFAULT '',
        billing_address_2   TEXT    NOT NULL DEFAULT '',
        billing_city        TEXT    NOT NULL DEFAULT '',
        billing_state       TEXT    NOT NULL DEFAULT '',
        billing_postcode    TEXT    NOT NULL DEFAULT '',
        billing_country     TEXT    NOT NULL DEFAULT '',
        billing_email       TEXT    NOT NULL DEFAULT '',
        billing_phone       TEXT    NOT NULL DEFAULT '',
        shipping_first_name TEXT    NOT NULL DEFAULT '',
        shipping_last_name  TEXT    NOT NULL DEFAULT '',
        shipping_company    TEXT    NOT NULL DEFAULT '',
        shipping_address_1  TEXT    NOT NULL DEFAULT '',
        shipping_address_2  TEXT    NOT NULL DEFAULT '',
        shipping_city       TEXT    NOT NULL DEFAULT '',
        shipping_state      TEXT    NOT NULL DEFAULT '',
        shipping_postcode   TEXT    NOT NULL DEFAULT '',
        shipping_country    TEXT    NOT NULL DEFAULT '',
        -- MD5 of the trimmed, lower-cased email (Gravatar, customers §3.4), kept with the email so reads need no hashing.
        avatar_hash         TEXT    NOT NULL DEFAULT '',
        -- Order-derived figures (customers §3.3), recomputed by the orders triggers below inside every transaction that
        -- writes an order, so they are always exact and a read needs no aggregate.
        orders_count        INTEGER NOT NULL DEFAULT 0,
        total_spent_cents   INTEGER NOT NULL DEFAULT 0,
        last_order_id       INTEGER,
        last_order_date     INTEGER,
        -- Bumped by users_version on every change to the row (by any process), so a cached copy of the
        -- customer's JSON is valid exactly while its version matches.
        version             INTEGER NOT NULL DEFAULT 0
    );
    CREATE TRIGGER users_version AFTER UPDATE ON users WHEN NEW.version = OLD.version BEGIN
        UPDATE users SET version = OLD.version + 1 WHERE id = NEW.id;
    END;
    -- One account per email address (case-insensitively); an empty email is allowed for many.
    CREATE UNIQUE INDEX users_email ON users (email) WHERE email <> '';
    -- The list's order, covering the version too, so a page's ids and versions come from the index alone.
    CREATE INDEX users_role_created ON users (role, created_at, id, version);

    -- Users per role, kept exact by triggers in the same transaction as every user write, so the list's
    -- X-WC-Total for a role is a lookup instead of a count over every row.
    CREATE TABLE role_counts (
        role  TEXT    PRIMARY KEY,
        users INTEGER NOT NULL
    ) WITHOUT ROWID;
    CREATE TRIGGER users_count_insert AFTER INSERT ON users BEGIN
        INSERT INTO role_counts (role, users) VALUES (NEW.role, 1)
        ON CONFLICT (role) DO UPDATE SET users = users + 1;
    END;
    CREATE TRIGGER users_count_delete AFTER DELETE ON users BEGIN
        UPDATE role_counts SET users = users - 1 WHERE role = OLD.role;
    END;
    CREATE TRIGGER users_count_role AFTER UPDATE OF role ON users WHEN OLD.role IS NOT NEW.role BEGIN
        UPDATE role_counts SET users = users - 1 WHERE role = OLD.role;
        INSERT INTO role_counts (role, users) VALUES (NEW.role, 1)
        ON CONFLICT (role) DO UPDATE SET users = users + 1;
    END;

    -- Bumped whenever a user is removed from, or placed inside (not appended to), its role's default list
    -- order (created_at, id). Appends never bump it, so the list's page anchors (see PageAnchors.swift) stay
    -- valid while customers are created, in this process or any other.
    CREATE TABLE list_generation (
        id    INTEGER PRIMARY KEY CHECK (id = 1),
        value INTEGER NOT NULL
    );
    INSERT INTO list_generation (id, value) VALUES (1, 0);
    CREATE TRIGGER users_order_delete AFTER DELETE ON users BEGIN
        UPDATE list_generation SET value = value + 1 WHERE id = 1;
    END;
    -- The last key of the role's order is one index probe (the new row itself when it was appended).
    CREATE TRIGGER users_order_insert AFTER INSERT ON users
    WHEN (SELECT created_at, id FROM users WHERE role = NEW.role ORDER BY created_at DESC, id DESC LIMIT 1)
         > (NEW.created_at, NEW.id) BEGIN
        UPDATE list_generation SET value = value + 1 WHERE id = 1;
    END;
    CREATE TRIGGER users_order_update AFTER UPDATE OF role, created_at ON users
    WHEN OLD.role IS NOT NEW.role OR OLD.created_at IS NOT NEW.created_at BEGIN
        UPDATE list_generation SET value = value + 1 WHERE id = 1;
    END;

    -- API keys as the real store keeps them (auth §6): the consumer key only as HMAC-SHA256("wc-api", key).
    CREATE TABLE api_keys (
        key_id          INTEGER PRIMARY KEY AUTOINCREMENT,
        user_id         INTEGER NOT NULL,
        description     TEXT    NOT NULL DEFAULT '',
        permissions     TEXT    NOT NULL CHECK (permissions IN ('read', 'write', 'read_write')),
        consumer_key    TEXT    NOT NULL UNIQUE,
        consumer_secret TEXT    NOT NULL,
        truncated_key   TEXT    NOT NULL,
        created_at      INTEGER NOT NULL,
        last_access     INTEGER
    );

    -- Orders: what a customer's derived figures are computed from (customers §3.3).
    CREATE TABLE orders (
        id          INTEGER PRIMARY KEY AUTOINCREMENT,
        customer_id INTEGER NOT NULL DEFAULT 0,
        status      TEXT    NOT NULL DEFAULT 'pending',
        total_cents INTEGER NOT NULL DEFAULT 0,
        created_at  INTEGER NOT NULL,
        updated_at  INTEGER NOT NULL
    );
    CREATE INDEX orders_customer ON orders (customer_id, id);

    -- A customer's order figures (customers §3.3): orders in a registered status (not trash or drafts) count; paid
    -- statuses (processing, completed) make total_spent; the last order is the highest id. Recomputed for every
    -- customer an order write touches, in the same transaction, by the single writer: never stale, never lost.
    CREATE TRIGGER orders_stats_insert AFTER INSERT ON orders BEGIN
        UPDATE users SET
            orders_count = (SELECT count(*) FROM orders o WHERE o.customer_id = users.id
                            AND o.status NOT IN ('trash', 'draft', 'auto-draft')),
            total_spent_cents = (SELECT coalesce(sum(o.total_cents), 0) FROM orders o WHERE o.customer_id = users.id
                                 AND o.status IN ('processing', 'completed')),
            last_order_id = (SELECT max(o.id) FROM orders o WHERE o.customer_id = users.id
                             AND o.status NOT IN ('trash', 'draft', 'auto-draft')),
            last_order_date = (SELECT o.created_at FROM orders o WHERE o.customer_id = users.id
                               AND o.status NOT IN ('trash', 'draft', 'auto-draft') ORDER BY o.id DESC LIMIT 1)
        WHERE id = NEW.customer_id;
    END;
    CREATE TRIGGER orders_stats_delete AFTER DELETE ON orders BEGIN
        UPDATE users SET
            orders_count = (SELECT count(*) FROM orders o WHERE o.customer_id = users.id
                            AND o.status NOT IN ('trash', 'draft', 'auto-draft')),
            total_spent_cents = (SELECT coalesce(sum(o.total_cents), 0) FROM orders o WHERE o.customer_id = users.id
                                 AND o.status IN ('processing', 'completed')),
            last_order_id = (SELECT max(o.id) FROM orders o WHERE o.customer_id = users.id
                             AND o.status NOT IN ('trash', 'draft', 'auto-draft')),
            last_order_date = (SELECT o.created_at FROM orders o WHERE o.customer_id = users.id
                               AND o.status NOT IN ('trash', 'draft', 'auto-draft') ORDER BY o.id DESC LIMIT 1)
        WHERE id = OLD.customer_id;
    END;
    CREATE TRIGGER orders_stats_update AFTER UPDATE ON orders BEGIN
        UPDATE users SET
            orders_count = (SELECT count(*) FROM orders o WHERE o.customer_id = users.id
                            AND o.status NOT IN ('trash', 'draft', 'auto-draft')),
            total_spent_cents = (SELECT coalesce(sum(o.total_cents), 0) FROM orders o WHERE o.customer_id = users.id
                                 AND o.status IN ('processing', 'completed')),
            last_order_id = (SELECT max(o.id) FROM orders o WHERE o.customer_id = users.id
                             AND o.status NOT IN ('trash', 'draft', 'auto-draft')),
            last_order_date = (SELECT o.created_at FROM orders o WHERE o.customer_id = users.id
                               AND o.status NOT IN ('trash', 'draft', 'auto-draft') ORDER BY o.id DESC LIMIT 1)
        WHERE id IN (OLD.customer_id, NEW.customer_id);
    END;


    -- The store's own administrator: id 1, so the first customer gets id 2 as in the docs.
    INSERT INTO users (id, username, email, password_hash, role, created_at, updated_at, avatar_hash)
    VALUES (1, 'admin', 'admin@example.com', '!', 'administrator', CAST(strftime('%s', 'now') AS INTEGER),
            CAST(strftime('%s', 'now') AS INTEGER), 'e64c7d89f26bd1972efa854d13d7dd61');

    -- Products ----------------------------------------------------------------------------------------------
    -- WordPress posts: on a real store products, orders, refunds and attachments share one id sequence (products-orders §6 Q16).
    -- Every post-backed object takes its id here: insert a row with its type, then use the row's id. AUTOINCREMENT:
    -- an id is never reused; a create that fails rolls its row back with it, so no id is used up.
    CREATE TABLE posts (
        id   INTEGER PRIMARY KEY AUTOINCREMENT,
        type TEXT    NOT NULL
    );

    -- Simple products (products-orders §1, §2). Prices are text exactly as wc_format_decimal stores them ("19.99", "" for none);
    -- price is derived from regular_price and sale_price on every save. slug is the post name ("" for drafts),
    -- desired_slug the name a trashed product gets back when restored.
    CREATE TABLE products (
        id                INTEGER PRIMARY KEY REFERENCES posts (id),
        title             TEXT    NOT NULL,
        slug              TEXT    NOT NULL DEFAULT '',
        desired_slug      TEXT    NOT NULL DEFAULT '',
        status            TEXT    NOT NULL DEFAULT 'publish',
        sku               TEXT    NOT NULL DEFAULT '' COLLATE NOCASE,  -- unique among non-trashed products when set
        regular_price     TEXT    NOT NULL DEFAULT '',
        sale_price        TEXT    NOT NULL DEFAULT '',
        price             TEXT    NOT NULL DEFAULT '',
        description       TEXT    NOT NULL DEFAULT '',
        short_description TEXT    NOT NULL DEFAULT '',
        virtual           INTEGER NOT NULL DEFAULT 0,
        downloadable      INTEGER NOT NULL DEFAULT 0,
        download_limit    INTEGER NOT NULL DEFAULT -1,
        download_expiry   INTEGER NOT NULL DEFAULT -1,
        total_sales       INTEGER NOT NULL DEFAULT 0,
        created_at        INTEGER NOT NULL,
        updated_at        INTEGER NOT NULL
    );
    CREATE INDEX products_status_created ON products (status, created_at, id);
    CREATE INDEX products_sku ON products (sku) WHERE sku <> '';
    CREATE INDEX products_slug ON products (slug) WHERE slug <> '';

    -- A product's downloadable files in order. download_id is stable (a UUID v4 kept while the file URL stays the
    -- same): download permissions of orders refer to it. Rows go with a permanently deleted product; orders stay.
    CREATE TABLE product_downloads (
        product_id  INTEGER NOT NULL REFERENCES products (id) ON DELETE CASCADE,
        position    INTEGER NOT NULL,
        download_id TEXT    NOT NULL,
        name        TEXT    NOT NULL,
        file        TEXT    NOT NULL,
        PRIMARY KEY (product_id, position)
    ) WITHOUT ROWID;

    PRAGMA user_version = 1;
    """
