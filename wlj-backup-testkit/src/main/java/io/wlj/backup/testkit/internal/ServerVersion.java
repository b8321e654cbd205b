package io.wlj.backup.testkit.internal;

/**
 * A PostgreSQL version as the server reports it in {@code server_version_num}: 160010 is 16.10.
 * Read from the running server rather than trusted from configuration, because the embedded
 * binaries the build happened to resolve decide which version actually runs.
 */
public record ServerVersion(int major, int minor) {

    /** Decodes {@code server_version_num}; only versions 10 and later use this layout. */
    public static ServerVersion fromVersionNum(int serverVersionNum) {
        if (serverVersionNum < 100000) {
            throw new IllegalArgumentException("server_version_num " + serverVersionNum + " is before PostgreSQL 10, which the testkit does not support.");
        }
        return new ServerVersion(serverVersionNum / 10000, serverVersionNum % 10000);
    }

    /**
     * The major version named by the {@code wlj.test.postgres.version} property's value, or
     * {@code defaultMajor} when it is unset or blank.
     *
     * @throws IllegalStateException when the value is not a major version number
     */
    public static int requestedMajor(String propertyValue, int defaultMajor) {
        if (propertyValue == null || propertyValue.isBlank()) {
            return defaultMajor;
        }
        String value = propertyValue.strip();
        if (!value.matches("[1-9][0-9]{1,2}")) {
            throw new IllegalStateException("System property wlj.test.postgres.version must be a PostgreSQL major version such as 16, not '" + value + "'.");
        }
        return Integer.parseInt(value);
    }

    @Override
    public String toString() {
        return major + "." + minor;
    }
}
