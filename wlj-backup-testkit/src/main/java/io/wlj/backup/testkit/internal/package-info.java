/**
 * How the testkit starts, checks and drives PostgreSQL. Not API: public only so that
 * {@code io.wlj.backup.testkit} can reach it; may change in any release.
 */
package io.wlj.backup.testkit.internal;
