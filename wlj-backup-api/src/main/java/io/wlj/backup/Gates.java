package io.wlj.backup;

import io.wlj.backup.internal.Verifier;
import io.wlj.backup.repository.Manifest;
import io.wlj.backup.repository.VerificationRecord;
import io.wlj.backup.spi.GateContext;
import io.wlj.backup.spi.ValidationGate;

/** Built-in validation gates. More arrive with the gates issue. */
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
                Manifest m = requireManifest(context, name());
                VerificationRecord r = Verifier.check(context.repository(), m, false, context.progress());
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

    private static Manifest requireManifest(GateContext context, String gate) {
        return context.manifest().orElseThrow(() -> BackupException.badInput(
                "The gate '" + gate + "' needs a backup to look at and cannot run at stage " + context.stage() + "."));
    }
}
