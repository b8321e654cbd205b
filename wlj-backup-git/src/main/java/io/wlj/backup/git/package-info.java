/**
 * Code snapshots, backup tags, push verification and drift gates through JGit. Empty until the
 * Git issue.
 */
package io.wlj.backup.git;
