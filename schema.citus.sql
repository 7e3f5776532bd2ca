-- The Citus layout (issue 12): what turns a database that has schema.postgres.sql into a distributed one. The
-- server applies it by itself (PostgresSchema.prepare, under the same advisory lock, in the same session) when the
-- database has the citus extension and `users` is not distributed yet: on a new database right after the schema,
-- on an existing PostgreSQL store moved onto a Citus coordinator once. Why each rule: docs/scale-out.md, "Citus".
--
-- Citus shards a distributed table by one column (its distribution key) and copies a reference table whole to every
-- node. Its limits shape this file: a unique index must contain the distribution key, a trigger cannot reach
-- another distributed table (it runs on one shard), and a foreign key between distributed tables must join their
-- keys. So:
--   * customers (users) and orders are distributed by id; an order's items and download grants by order_id, on
--     the same node as their order (co-located), so an order and its lines are read and written on one node;
--   * API keys and the catalogue (posts, products, their files) are reference tables: small, read by nearly every
--     request, and joined with order lines and grants on whatever node those are;
--   * an email or login is unique through a lookup table distributed by that value (user_emails, user_logins),
--     written by the application in the customer write's own transaction;
--   * the bookkeeping the cross-table triggers do on PostgreSQL (role counts, a customer's order figures, orders
--     turning into guest orders, the list change logs) is done by the application (Bookkeeping.swift) in the
--     same transaction as the write; the change logs serve SQLite's page anchors only, so they are not kept here.
--   * OAuth nonces are distributed by nonce, role count deltas by role.
-- The row-local users_version trigger stays: it reads and writes only the row it fires for.

-- Citus refuses to distribute a table with a trigger unless told the trigger is safe (users_version is).
SET LOCAL citus.enable_unsafe_triggers = on;

DROP TRIGGER users_count_insert ON users;
DROP TRIGGER users_count_delete ON users;
DROP TRIGGER users_count_role ON users;
DROP TRIGGER orders_stats_insert ON orders;
DROP TRIGGER orders_stats_delete ON orders;
DROP TRIGGER orders_stats_update ON orders;
DROP TRIGGER users_orders_guest ON users;
DROP TRIGGER users_changes_insert ON users;
DROP TRIGGER users_changes_delete ON users;
DROP TRIGGER users_changes_update ON users;
DROP TRIGGER orders_changes_insert ON orders;
DROP TRIGGER orders_changes_delete ON orders;
DROP TRIGGER orders_changes_update ON orders;

-- Uniqueness outside the distribution key: the lookup tables take over from the unique indexes, which keep their
-- place in the lists' walks as plain indexes.
ALTER TABLE users DROP CONSTRAINT users_username_key;
DROP INDEX users_email;
CREATE INDEX users_email ON users (email, id);
CREATE INDEX users_username ON users (username);
CREATE TABLE user_emails (
    email   citext PRIMARY KEY,  -- a non-empty account email; accounts without one are not listed
    user_id BIGINT NOT NULL
);
CREATE TABLE user_logins (
    username citext PRIMARY KEY,
    user_id  BIGINT NOT NULL
);
INSERT INTO user_emails (email, user_id) SELECT email, id FROM users WHERE email <> '';
INSERT INTO user_logins (username, user_id) SELECT username, id FROM users;

-- A distributed table's primary key must hold its distribution key; foreign keys between the co-located order
-- tables are dropped while they are distributed one by one, and added back after.
ALTER TABLE order_items DROP CONSTRAINT order_items_order_id_fkey;
ALTER TABLE download_permissions DROP CONSTRAINT download_permissions_order_id_fkey;
ALTER TABLE order_items DROP CONSTRAINT order_items_pkey;
ALTER TABLE order_items ADD PRIMARY KEY (order_id, id);
ALTER TABLE download_permissions DROP CONSTRAINT download_permissions_pkey;
ALTER TABLE download_permissions ADD PRIMARY KEY (order_id, id);

SELECT create_reference_table('api_keys');
SELECT create_reference_table('posts');
SELECT create_reference_table('products');
SELECT create_reference_table('product_downloads');
SELECT create_distributed_table('users', 'id');
SELECT create_distributed_table('orders', 'id', colocate_with => 'users');
SELECT create_distributed_table('order_items', 'order_id', colocate_with => 'orders');
SELECT create_distributed_table('download_permissions', 'order_id', colocate_with => 'orders');
SELECT create_distributed_table('user_emails', 'email');
SELECT create_distributed_table('user_logins', 'username', colocate_with => 'user_emails');
SELECT create_distributed_table('oauth_nonces', 'nonce');
SELECT create_distributed_table('role_counts', 'role', colocate_with => 'oauth_nonces');

ALTER TABLE order_items ADD FOREIGN KEY (order_id) REFERENCES orders (id) ON DELETE CASCADE;
ALTER TABLE download_permissions ADD FOREIGN KEY (order_id) REFERENCES orders (id) ON DELETE CASCADE;
