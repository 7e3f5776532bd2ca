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

-- @since 2 ------------------------------------------------------------------------------------------------
-- Everything from here to "@end" was added in schema version 2; a version-1 database gets exactly this part
-- (Store.prepare). Orders (doc v2-products-orders.md §3-§5): an order takes its id from the shared post sequence.
-- Money is REAL as the real store keeps floats; `total` is stored rounded to 2 decimals, and total_cents is the
-- same amount in cents for the customer figures. paid_at / completed_at are NULL until set; the two flags record
-- the once-per-order effects of a status transition (products-orders §5.3).
CREATE TABLE orders (
    id                   INTEGER PRIMARY KEY REFERENCES posts (id),
    order_key            TEXT    NOT NULL DEFAULT '',
    customer_id          INTEGER NOT NULL DEFAULT 0,
    status               TEXT    NOT NULL DEFAULT 'pending',
    currency             TEXT    NOT NULL DEFAULT 'USD',
    total                REAL    NOT NULL DEFAULT 0,
    total_cents          INTEGER NOT NULL DEFAULT 0,
    shipping_total       REAL    NOT NULL DEFAULT 0,
    discount_total       REAL    NOT NULL DEFAULT 0,
    payment_method       TEXT    NOT NULL DEFAULT '',
    payment_method_title TEXT    NOT NULL DEFAULT '',
    transaction_id       TEXT    NOT NULL DEFAULT '',
    paid_at              INTEGER,
    completed_at         INTEGER,
    note                 TEXT    NOT NULL DEFAULT '',
    customer_ip          TEXT    NOT NULL DEFAULT '',
    customer_user_agent  TEXT    NOT NULL DEFAULT '',
    billing_first_name        TEXT    NOT NULL DEFAULT '',
    billing_last_name         TEXT    NOT NULL DEFAULT '',
    billing_company           TEXT    NOT NULL DEFAULT '',
    billing_address_1         TEXT    NOT NULL DEFAULT '',
    billing_address_2         TEXT    NOT NULL DEFAULT '',
    billing_city              TEXT    NOT NULL DEFAULT '',
    billing_state             TEXT    NOT NULL DEFAULT '',
    billing_postcode          TEXT    NOT NULL DEFAULT '',
    billing_country           TEXT    NOT NULL DEFAULT '',
    billing_email             TEXT    NOT NULL DEFAULT '',
    billing_phone             TEXT    NOT NULL DEFAULT '',
    shipping_first_name       TEXT    NOT NULL DEFAULT '',
    shipping_last_name        TEXT    NOT NULL DEFAULT '',
    shipping_company          TEXT    NOT NULL DEFAULT '',
    shipping_address_1        TEXT    NOT NULL DEFAULT '',
    shipping_address_2        TEXT    NOT NULL DEFAULT '',
    shipping_city             TEXT    NOT NULL DEFAULT '',
    shipping_state            TEXT    NOT NULL DEFAULT '',
    shipping_postcode         TEXT    NOT NULL DEFAULT '',
    shipping_country          TEXT    NOT NULL DEFAULT '',
    order_meta           TEXT    NOT NULL DEFAULT '{}',  -- JSON object of the client's non-underscore meta
    downloads_granted    INTEGER NOT NULL DEFAULT 0,
    sales_recorded       INTEGER NOT NULL DEFAULT 0,
    created_at           INTEGER NOT NULL DEFAULT 0,
    updated_at           INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX orders_customer ON orders (customer_id, created_at, id);
CREATE INDEX orders_status_created ON orders (status, created_at, id);

-- Order items: their own id sequence (not post ids). name is the product name when the line was written, the
-- shipping method title, the fee title or the coupon code; amounts are unrounded as given or computed.
CREATE TABLE order_items (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    order_id     INTEGER NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    type         TEXT    NOT NULL CHECK (type IN ('line_item', 'shipping', 'fee', 'coupon')),
    name         TEXT    NOT NULL DEFAULT '',
    product_id   INTEGER NOT NULL DEFAULT 0,
    quantity     INTEGER NOT NULL DEFAULT 0,
    tax_class    TEXT    NOT NULL DEFAULT '',
    method_id    TEXT    NOT NULL DEFAULT '',
    subtotal     REAL    NOT NULL DEFAULT 0,
    total        REAL    NOT NULL DEFAULT 0
);
CREATE INDEX order_items_order ON order_items (order_id, id);

-- Download permissions (products-orders §5.4): one row per downloadable file x line, granted once per order. Rows keep the
-- user id they were granted to; the listing checks the order, product and file are still there (customers §10.2).
CREATE TABLE download_permissions (
    id                  INTEGER PRIMARY KEY AUTOINCREMENT,
    download_id         TEXT    NOT NULL,
    product_id          INTEGER NOT NULL,
    user_id             INTEGER NOT NULL,
    user_email          TEXT    NOT NULL,
    order_id            INTEGER NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    order_key           TEXT    NOT NULL,
    downloads_remaining TEXT    NOT NULL,  -- "" = unlimited
    access_granted      INTEGER NOT NULL,
    access_expires      INTEGER,           -- Unix time of a UTC midnight, NULL = never
    download_count      INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX download_permissions_user ON download_permissions (user_id, order_id, product_id, id);
CREATE INDEX download_permissions_order ON download_permissions (order_id);

-- A customer's order figures (customers §3.3): orders in a registered status (not trash) count; paid statuses
-- (processing, completed) make total_spent; the last order is the highest id. Recomputed for every customer an
-- order write touches, in the same transaction, by the single writer: never stale, never lost.
CREATE TRIGGER orders_stats_insert AFTER INSERT ON orders BEGIN
    UPDATE users SET
        version = version + 1,  -- bumped here, so users_version does not rewrite the row a second time
        orders_count = (SELECT count(*) FROM orders o WHERE o.customer_id = users.id AND o.status <> 'trash'),
        total_spent_cents = (SELECT coalesce(sum(o.total_cents), 0) FROM orders o WHERE o.customer_id = users.id
                             AND o.status IN ('processing', 'completed')),
        last_order_id = (SELECT max(o.id) FROM orders o WHERE o.customer_id = users.id AND o.status <> 'trash'),
        last_order_date = (SELECT o.created_at FROM orders o WHERE o.customer_id = users.id AND o.status <> 'trash'
                           ORDER BY o.id DESC LIMIT 1)
    WHERE id = NEW.customer_id;
END;
CREATE TRIGGER orders_stats_delete AFTER DELETE ON orders BEGIN
    UPDATE users SET
        version = version + 1,  -- bumped here, so users_version does not rewrite the row a second time
        orders_count = (SELECT count(*) FROM orders o WHERE o.customer_id = users.id AND o.status <> 'trash'),
        total_spent_cents = (SELECT coalesce(sum(o.total_cents), 0) FROM orders o WHERE o.customer_id = users.id
                             AND o.status IN ('processing', 'completed')),
        last_order_id = (SELECT max(o.id) FROM orders o WHERE o.customer_id = users.id AND o.status <> 'trash'),
        last_order_date = (SELECT o.created_at FROM orders o WHERE o.customer_id = users.id AND o.status <> 'trash'
                           ORDER BY o.id DESC LIMIT 1)
    WHERE id = OLD.customer_id;
END;
CREATE TRIGGER orders_stats_update AFTER UPDATE OF customer_id, status, total_cents, created_at ON orders BEGIN
    UPDATE users SET
        version = version + 1,  -- bumped here, so users_version does not rewrite the row a second time
        orders_count = (SELECT count(*) FROM orders o WHERE o.customer_id = users.id AND o.status <> 'trash'),
        total_spent_cents = (SELECT coalesce(sum(o.total_cents), 0) FROM orders o WHERE o.customer_id = users.id
                             AND o.status IN ('processing', 'completed')),
        last_order_id = (SELECT max(o.id) FROM orders o WHERE o.customer_id = users.id AND o.status <> 'trash'),
        last_order_date = (SELECT o.created_at FROM orders o WHERE o.customer_id = users.id AND o.status <> 'trash'
                           ORDER BY o.id DESC LIMIT 1)
    WHERE id IN (OLD.customer_id, NEW.customer_id);
END;
-- Deleting a user makes their orders guest orders (customers §8.2).
CREATE TRIGGER users_orders_guest AFTER DELETE ON users BEGIN
    UPDATE orders SET customer_id = 0 WHERE customer_id = OLD.id;
END;
-- OAuth nonces (issue 5) -----------------------------------------------------------------------------------
-- Every (key, nonce) an OAuth request used, with the request's oauth_timestamp: a replay inside the ±15 minute
-- window is refused, also after a restart (decisions #5). The server keeps the authoritative set in memory and
-- saves rows here asynchronously; rows whose timestamp left the window are deleted. No foreign key: a revoked
-- key's rows simply expire.
CREATE TABLE oauth_nonces (
    key_id    INTEGER NOT NULL,
    nonce     TEXT    NOT NULL,
    timestamp INTEGER NOT NULL,
    PRIMARY KEY (key_id, nonce)
) WITHOUT ROWID;
CREATE INDEX oauth_nonces_timestamp ON oauth_nonces (timestamp);
-- @end

-- @since 3 ------------------------------------------------------------------------------------------------
-- Variable products (doc v2-products-orders.md §7): a variation is a row of products with type 'variation' and
-- its parent's id, ordered under it by menu_order (its index in the last `variations` list that named it).
-- attributes holds a product's attribute list as JSON ([{name, position, visible, variation, options}]), or a
-- variation's chosen values ([[key, value], ...], "" meaning any). trash_status remembers the status a variation
-- had when its parent was trashed, so restoring the parent restores it.
ALTER TABLE products ADD COLUMN type TEXT NOT NULL DEFAULT 'simple';
ALTER TABLE products ADD COLUMN parent_id INTEGER NOT NULL DEFAULT 0;
ALTER TABLE products ADD COLUMN menu_order INTEGER NOT NULL DEFAULT 0;
ALTER TABLE products ADD COLUMN attributes TEXT NOT NULL DEFAULT '[]';
ALTER TABLE products ADD COLUMN trash_status TEXT NOT NULL DEFAULT '';
CREATE INDEX products_parent ON products (parent_id, menu_order, id) WHERE parent_id <> 0;
-- A line for a variation keeps the parent in product_id and the variation in variation_id (as WooCommerce's
-- _product_id / _variation_id item meta); meta holds the line's item meta as JSON [[key, value], ...], NULL when it
-- has none (most lines: a read then skips it without looking at text).
ALTER TABLE order_items ADD COLUMN variation_id INTEGER NOT NULL DEFAULT 0;
ALTER TABLE order_items ADD COLUMN meta TEXT;
-- @end

-- @since 4 ------------------------------------------------------------------------------------------------
-- Big stores (listing §5). Each customers list order a client may ask for has an index, so a page is an index
-- walk from a keyset anchor, never a sort of the table; `filter[orderby]=ID` walks (role, rowid).
CREATE INDEX users_role_email ON users (role, email);
CREATE INDEX users_role_username ON users (role, username);
CREATE INDEX users_role_id ON users (role);
-- Every change to a user's place in a list order: a row entering (+1) or leaving (-1) at its keys. Page anchors
-- (ListAnchors.swift) replay the entries after the ones they include to keep their ranks exact, in every server
-- process. At least the last 16,384 entries are kept (pruned 256 at a time); anchors older than that are rebuilt.
CREATE TABLE user_list_changes (
    seq        INTEGER PRIMARY KEY,
    role       TEXT    NOT NULL,
    created_at INTEGER NOT NULL,
    id         INTEGER NOT NULL,
    email      TEXT    NOT NULL COLLATE NOCASE,
    username   TEXT    NOT NULL COLLATE NOCASE,
    delta      INTEGER NOT NULL
);
CREATE TRIGGER users_changes_insert AFTER INSERT ON users BEGIN
    INSERT INTO user_list_changes (role, created_at, id, email, username, delta)
    VALUES (NEW.role, NEW.created_at, NEW.id, NEW.email, NEW.username, 1);
END;
CREATE TRIGGER users_changes_delete AFTER DELETE ON users BEGIN
    INSERT INTO user_list_changes (role, created_at, id, email, username, delta)
    VALUES (OLD.role, OLD.created_at, OLD.id, OLD.email, OLD.username, -1);
END;
CREATE TRIGGER users_changes_update AFTER UPDATE OF role, created_at, email, username ON users
WHEN OLD.role IS NOT NEW.role OR OLD.created_at IS NOT NEW.created_at OR OLD.email IS NOT NEW.email
     OR OLD.username IS NOT NEW.username BEGIN
    INSERT INTO user_list_changes (role, created_at, id, email, username, delta)
    VALUES (OLD.role, OLD.created_at, OLD.id, OLD.email, OLD.username, -1);
    INSERT INTO user_list_changes (role, created_at, id, email, username, delta)
    VALUES (NEW.role, NEW.created_at, NEW.id, NEW.email, NEW.username, 1);
END;
CREATE TRIGGER user_list_changes_prune AFTER INSERT ON user_list_changes WHEN NEW.seq % 256 = 0 BEGIN
    DELETE FROM user_list_changes WHERE seq <= NEW.seq - 16384;
END;
-- Version 3's single list generation, which any insert inside the order bumped, is replaced by the log above.
DROP TRIGGER IF EXISTS users_order_delete;
DROP TRIGGER IF EXISTS users_order_insert;
DROP TRIGGER IF EXISTS users_order_update;
DROP TABLE IF EXISTS list_generation;
-- `filter[q]=*term*` (customers §6.2): a trigram index over username and email finds the few users whose text
-- holds the term without reading every row; the list still applies the exact LIKE to what it finds. Indexing a
-- row per transaction would write a new index segment with every commit (measured: a third of create throughput),
-- so writes only note the user in users_search_pending, in the same transaction, and the store moves pending users
-- into the index about once a second (SearchIndex.swift). A search reads the index and every pending user, so it
-- never misses a change; rows of deleted users left in the index match no user.
CREATE VIRTUAL TABLE users_search USING fts5(username, email, tokenize = 'trigram', detail = 'none');
INSERT INTO users_search (rowid, username, email) SELECT id, username, email FROM users;
CREATE TABLE users_search_pending (
    id INTEGER PRIMARY KEY
);
CREATE TRIGGER users_search_insert AFTER INSERT ON users BEGIN
    INSERT OR IGNORE INTO users_search_pending (id) VALUES (NEW.id);
END;
CREATE TRIGGER users_search_delete AFTER DELETE ON users BEGIN
    INSERT OR IGNORE INTO users_search_pending (id) VALUES (OLD.id);
END;
CREATE TRIGGER users_search_update AFTER UPDATE OF username, email ON users
WHEN OLD.username IS NOT NEW.username OR OLD.email IS NOT NEW.email BEGIN
    INSERT OR IGNORE INTO users_search_pending (id) VALUES (NEW.id);
END;
-- The orders list's orders (products-orders §4.9): by date, modified date or id, over every status but trash or
-- over chosen statuses, each an index walk (status is in the walk's index, so skipping trash reads no row).
CREATE INDEX orders_created ON orders (created_at, id, status);
CREATE INDEX orders_updated ON orders (updated_at, id, status);
CREATE INDEX orders_status ON orders (status);
CREATE INDEX orders_status_updated ON orders (status, updated_at, id);
-- The orders lists' change log, as user_list_changes is the customers'.
CREATE TABLE order_list_changes (
    seq        INTEGER PRIMARY KEY,
    status     TEXT    NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    id         INTEGER NOT NULL,
    delta      INTEGER NOT NULL
);
CREATE TRIGGER orders_changes_insert AFTER INSERT ON orders BEGIN
    INSERT INTO order_list_changes (status, created_at, updated_at, id, delta)
    VALUES (NEW.status, NEW.created_at, NEW.updated_at, NEW.id, 1);
END;
CREATE TRIGGER orders_changes_delete AFTER DELETE ON orders BEGIN
    INSERT INTO order_list_changes (status, created_at, updated_at, id, delta)
    VALUES (OLD.status, OLD.created_at, OLD.updated_at, OLD.id, -1);
END;
CREATE TRIGGER orders_changes_update AFTER UPDATE OF status, created_at, updated_at ON orders
WHEN OLD.status IS NOT NEW.status OR OLD.created_at IS NOT NEW.created_at OR OLD.updated_at IS NOT NEW.updated_at BEGIN
    INSERT INTO order_list_changes (status, created_at, updated_at, id, delta)
    VALUES (OLD.status, OLD.created_at, OLD.updated_at, OLD.id, -1);
    INSERT INTO order_list_changes (status, created_at, updated_at, id, delta)
    VALUES (NEW.status, NEW.created_at, NEW.updated_at, NEW.id, 1);
END;
CREATE TRIGGER order_list_changes_prune AFTER INSERT ON order_list_changes WHEN NEW.seq % 256 = 0 BEGIN
    DELETE FROM order_list_changes WHERE seq <= NEW.seq - 16384;
END;
-- @end

-- @since 5 ------------------------------------------------------------------------------------------------
-- Creates as fast as before version 4 (issue 11). A customer write touches no list index beyond those it always
-- had: the customers lists walk the unique username and email indexes (filtering the role) instead of
-- role-prefixed copies of them, which cost two more random index pages per insert (measured: creates/s −30 %).
-- The prefixed copies stay for the other roles, whose rows are few and rarely written (listing §5).
DROP INDEX IF EXISTS users_role_email;
DROP INDEX IF EXISTS users_role_username;
CREATE INDEX users_staff_email ON users (role, email) WHERE role <> 'customer';
CREATE INDEX users_staff_username ON users (role, username) WHERE role <> 'customer';
-- One account per email address, as before; the rows without one (allowed for many) are in the index too, by id,
-- so the customers list by email is one walk of it.
DROP INDEX users_email;
CREATE UNIQUE INDEX users_email ON users (email, (CASE WHEN email = '' THEN id ELSE 0 END));
-- The search index again, contentless: one text per user (login, a line break, email), fed from the change log's
-- own copies of old and new values, so indexing reads no user row and keeps no second copy of the text, and no
-- per-row column sizes (FTS5 keeps them for ranking only). About half the work per indexed user. A contentless
-- index answers token queries only: a search asks for every trigram of its term (SearchIndex.swift).
DROP TABLE users_search;
CREATE VIRTUAL TABLE users_search USING fts5(text, tokenize = 'trigram', detail = 'none', columnsize = 0, content = '');
INSERT INTO users_search (rowid, text) SELECT id, username || char(10) || email FROM users;
-- Index segments are merged when the store has nothing else to do, not after every batch of new users (FTS5's
-- default), which more than doubled the cost of indexing a user at 160,000 of them (9 µs instead of 4).
INSERT INTO users_search (users_search, rank) VALUES ('automerge', 0);
-- The search index's backlog is the change log itself: the users it holds changes for after `seq` wait to be
-- indexed (SearchIndex.swift), so a write adds no row of its own for the index and none has to be deleted later.
-- The log keeps every entry the index still needs.
DROP TRIGGER users_search_insert;
DROP TRIGGER users_search_delete;
DROP TRIGGER users_search_update;
CREATE TABLE search_progress (
    seq INTEGER NOT NULL
);
INSERT INTO search_progress (seq) SELECT coalesce(max(seq), 0) FROM user_list_changes;
-- (Users version 4 still had pending are in the index rebuilt above.)
DROP TABLE users_search_pending;
DROP TRIGGER user_list_changes_prune;
CREATE TRIGGER user_list_changes_prune AFTER INSERT ON user_list_changes WHEN NEW.seq % 256 = 0 BEGIN
    DELETE FROM user_list_changes WHERE seq <= min(NEW.seq - 16384, (SELECT seq FROM search_progress));
END;
-- @end

-- @since 6 ------------------------------------------------------------------------------------------------
-- A user's search text is the email alone when it holds the login (ASCII case folded, as a login made from the
-- email is held): the login's trigrams are then all among the email's, so a search still finds every user whose
-- login or email holds its term, and indexing a new user tokenizes about half as much (SearchIndex.textSQL; the
-- expression below and the replay's must stay the same, since a contentless index deletes by the text it got).
INSERT INTO users_search (users_search) VALUES ('delete-all');
INSERT INTO users_search (rowid, text)
    SELECT id, CASE WHEN instr(lower(email), lower(username)) > 0 THEN email ELSE username || char(10) || email END FROM users;
UPDATE search_progress SET seq = (SELECT coalesce(max(seq), 0) FROM user_list_changes);
-- @end

PRAGMA user_version = 6;
