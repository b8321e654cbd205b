package io.wlj.backup;

import io.wlj.backup.repository.Manifest;
import io.wlj.backup.repository.VerificationRecord;
import io.wlj.backup.spi.GateContext;
import io.wlj.backup.spi.ValidationGate;

/**
 * Built-in validation gates that look at backups and services; the PostgreSQL module adds
 * {@code PostgresGates}, which look into databases.
 */
public final class Gates {
    private Gates() {
    }

    /** Re-reads every stored file of the backup and compares its size and SHA-256 with the manifest. */
    public static ValidationGate checksums() {
        return new ValidationGate() {
            @Override
            public String name() {
                return "checksums";
            }

            @Override
            public GateResult evaluate(GateContext context) {
                requireManifest(context, name());
                VerificationRecord r = context.verify(false);
                return new GateResult(name(), context.stage(), r.passed() ? GateResult.Status.PASS : GateResult.Status.FAIL,
                        r.passed() ? r.artifacts() + " stored file(s), " + r.bytes() + " bytes, match the manifest"
                                : String.join("; ", r.problems()));
            }
        };
    }

    /** Fails when the sources wrote fewer than {@code minBytes} bytes in total (an empty or truncated dump). */
    public static ValidationGate minSize(long minBytes) {
        if (minBytes < 0) {
            throw BackupException.badInput("The minimum size cannot be negative.");
        }
        return new ValidationGate() {
            @Override
            public String name() {
                return "min-size";
            }

            @Override
            public GateResult evaluate(GateContext context) {
                long plain = requireManifest(context, name()).plainBytes();
                boolean ok = plain >= minBytes;
                return new GateResult(name(), context.stage(), ok ? GateResult.Status.PASS : GateResult.Status.FAIL,
                        "sources wrote " + plain + " bytes; the minimum is " + minBytes);
            }
        };
    }

    /**
     * Decodes every artifact end to end: decrypted with the configured key (OpenPGP's MDC proven),
     * decompressed, and the plaintext's size and SHA-256 compared with the manifest. Proves the
     * backup can be read back, which a stored checksum alone does not.
     */
    public static ValidationGate decodable() {
        return new ValidationGate() {
            @Override
            public String name() {
                return "decodable";
            }

            @Override
            public GateResult evaluate(GateContext context) {
                requireManifest(context, name());
                VerificationRecord r = context.verify(true);
                return new GateResult(name(), context.stage(), r.passed() ? GateResult.Status.PASS : GateResult.Status.FAIL,
                        r.passed() ? r.artifacts() + " file(s) decoded end to end; every plaintext size and SHA-256 matches"
                                : String.join("; ", r.problems()));
            }
        };
    }

    /**
     * Compares the backup's stored size with the median of the previous {@code previous} sealed
     * backups of the same group (the {@code group} label; restores' safety backups left out):
     * FAIL when it is more than {@code maxDrop} (0..1) smaller, as a dump that silently lost a
     * table is; WARN when it is more than three times bigger. PASS when there is nothing to compare.
     */
    public static ValidationGate sizeAnomaly(int previous, double maxDrop) {
        if (previous < 1) {
            throw BackupException.badInput("The size anomaly gate compares with at least 1 earlier backup, not " + previous + ".");
        }
        if (!(maxDrop > 0 && maxDrop < 1)) {
            throw BackupException.badInput("The size anomaly gate's maximum drop is a fraction between 0 and 1 (0.5 for 50%), not " + maxDrop + ".");
        }
        return new ValidationGate() {
            @Override
            public String name() {
                return "size-anomaly";
            }

            @Override
            public GateResult evaluate(GateContext context) {
                Manifest m = requireManifest(context, name());
                String group = m.header().labels().get("group");
                java.util.List<Long> sizes = context.repository().list().stream()
                        .filter(h -> !h.id().equals(m.id()) && h.createdAt().isBefore(m.header().createdAt()))
                        .filter(h -> !h.safetyBackup())
                        .filter(h -> java.util.Objects.equals(group, h.labels().get("group")))
                        .map(io.wlj.backup.repository.ManifestHeader::storedBytes).toList();
                java.util.List<Long> last = new java.util.ArrayList<>(sizes.subList(Math.max(0, sizes.size() - previous), sizes.size()));
                if (last.isEmpty()) {
                    return new GateResult(name(), context.stage(), GateResult.Status.PASS, "no earlier backup of this group to compare with");
                }
                last.sort(null);
                long median = last.get(last.size() / 2);
                long now = m.header().storedBytes();
                String evidence = "stored " + now + " bytes; the median of the previous " + last.size() + " backup(s) is " + median;
                if (now < median * (1 - maxDrop)) {
                    return new GateResult(name(), context.stage(), GateResult.Status.FAIL, evidence + ": a drop of "
                            + Math.round(100.0 * (median - now) / median) + "% (more than " + Math.round(maxDrop * 100) + "% is an anomaly)");
                }
                if (now > median * 3) {
                    return new GateResult(name(), context.stage(), GateResult.Status.WARN, evidence + ": more than three times bigger");
                }
                return new GateResult(name(), context.stage(), GateResult.Status.PASS, evidence);
            }
        };
    }

    /** A GET of {@code uri} must answer {@code expectedStatus}, redirects not followed; see {@link HttpGate}. */
    public static HttpGate http(java.net.URI uri, int expectedStatus) {
        java.util.Objects.requireNonNull(uri, "uri");
        if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme())) {
            throw BackupException.badInput("The HTTP gate takes an http or https URL, not '" + uri + "'.");
        }
        if (expectedStatus < 100 || expectedStatus > 599) {
            throw BackupException.badInput("An HTTP status is between 100 and 599, not " + expectedStatus + ".");
        }
        return new HttpGate(uri, expectedStatus, java.time.Duration.ofSeconds(10), java.time.Duration.ofSeconds(1));
    }

    private static Manifest requireManifest(GateContext context, String gate) {
        return context.manifest().orElseThrow(() -> BackupException.badInput(
                "The gate '" + gate + "' needs a backup to look at and cannot run at stage " + context.stage() + "."));
    }
}
