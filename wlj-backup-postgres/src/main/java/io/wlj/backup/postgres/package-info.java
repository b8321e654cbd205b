/**
 * PostgreSQL sources, restore targets and gates. Empty until the PostgreSQL issue: the pure-JDBC
 * logical backup engine (consistent snapshot shared by parallel workers, schema from the
 * catalogs, COPY data), the pg_dump engine, and database restore plans.
 */
package io.wlj.backup.postgres;
