package io.wlj.backup.internal;

import io.wlj.backup.BackupException;
import io.wlj.backup.Compression;
import io.wlj.backup.ErrorCode;
import io.wlj.backup.ProgressMonitor;
import io.wlj.backup.repository.ArtifactDetail;
import io.wlj.backup.repository.Manifest;
import io.wlj.backup.repository.StoredArtifact;
import io.wlj.backup.repository.VerificationRecord;
import io.wlj.backup.spi.BackupRepository;
import io.wlj.backup.spi.CodecStage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.NoSuchFileException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Re-reads stored files and compares them with the manifest, optionally decoding them too. */
public final class Verifier {
    private Verifier() {
    }

    /**
     * Checks every stored file of {@code manifest}. Stored checksums need no key; a deep check
     * also decodes each artifact and compares its plaintext size and SHA-256.
     */
    public static VerificationRecord check(BackupRepository repository, Manifest manifest, boolean deep, ProgressMonitor progress) {
        return check(repository, manifest, deep, progress, Compression::forId, List.of());
    }

    /**
     * Checks every stored file; {@code decoders} resolves codec ids for a deep check and
     * {@code earlierProblems} (for example a bad signature) are reported with the rest.
     */
    public static VerificationRecord check(BackupRepository repository, Manifest manifest, boolean deep, ProgressMonitor progress,
                                           java.util.function.Function<String, CodecStage> decoders, List<String> earlierProblems) {
        Instant start = Instant.now();
        List<String> problems = new ArrayList<>(earlierProblems);
        long bytes = 0;
        for (StoredArtifact stored : manifest.header().artifacts()) {
            if (progress.isCancelled()) {
                throw new BackupException(ErrorCode.CANCELLED, "The verification was cancelled.");
            }
            progress.beginTask("verify " + stored.file(), stored.storedSize());
            Optional<ArtifactDetail> detail = deep && !stored.file().equals(manifest.header().detailFile())
                    ? manifest.artifact(stored.file()) : Optional.empty();
            try (InputStream raw = repository.openFile(manifest.id(), stored.file())) {
                DigestingInputStream storedDigest = new DigestingInputStream(new ProgressInputStream(raw, progress));
                if (detail.isPresent()) {
                    DigestingInputStream plain = new DigestingInputStream(decode(storedDigest, detail.get().codecs(), decoders));
                    plain.drain();
                    storedDigest.drain();
                    int before = problems.size();
                    compare(problems, stored, storedDigest);
                    boolean plainMatches = plain.count() == detail.get().plainSize()
                            && plain.sha256().equals(detail.get().plainSha256());
                    if (problems.size() == before && !plainMatches) {
                        problems.add(stored.file() + ": decoded content differs from what was backed up (plaintext SHA-256 mismatch)");
                    }
                } else {
                    storedDigest.drain();
                    compare(problems, stored, storedDigest);
                }
                bytes += storedDigest.count();
            } catch (BackupException e) {
                if (e.code() == ErrorCode.CANCELLED) {
                    throw e;
                }
                if (!storedBytesMatch(repository, manifest, stored)) {
                    problems.add(stored.file() + ": stored bytes are corrupted (they no longer match the recorded SHA-256)");
                } else if (e.code() == ErrorCode.BAD_INPUT) {
                    throw e; // no key or a wrong key: one clear sentence, not a per-file problem
                } else {
                    problems.add(stored.file() + ": " + e.getMessage());
                }
            } catch (NoSuchFileException e) {
                problems.add(stored.file() + ": missing from the repository");
            } catch (IOException e) {
                problems.add(stored.file() + ": cannot be read or decoded (" + e.getMessage() + ")");
            } finally {
                progress.endTask("verify " + stored.file());
            }
        }
        return new VerificationRecord(manifest.id(), Instant.now(), deep ? "deep" : "checksums", problems.isEmpty(),
                manifest.header().artifacts().size(), bytes, Duration.between(start, Instant.now()), problems);
    }

    /** True when the stored file still has the size and SHA-256 the manifest recorded. */
    static boolean storedBytesMatch(BackupRepository repository, Manifest manifest, StoredArtifact stored) {
        try (InputStream in = repository.openFile(manifest.id(), stored.file())) {
            DigestingInputStream d = new DigestingInputStream(in);
            d.drain();
            return d.count() == stored.storedSize() && d.sha256().equals(stored.storedSha256());
        } catch (IOException e) {
            return false;
        }
    }

    private static void compare(List<String> problems, StoredArtifact stored, DigestingInputStream read) {
        if (read.count() < stored.storedSize()) {
            problems.add(stored.file() + ": truncated, " + read.count() + " of " + stored.storedSize() + " bytes present");
        } else if (read.count() > stored.storedSize()) {
            problems.add(stored.file() + ": " + read.count() + " bytes found where " + stored.storedSize() + " were stored");
        } else if (!read.sha256().equals(stored.storedSha256())) {
            problems.add(stored.file() + ": stored bytes are corrupted (SHA-256 " + read.sha256() + " instead of " + stored.storedSha256() + ")");
        }
    }

    /** Wraps {@code in} with the decoders for {@code codecs}, which are listed in writing order. */
    public static InputStream decode(InputStream in, List<String> codecs,
                                     java.util.function.Function<String, CodecStage> decoders) throws IOException {
        InputStream result = in;
        for (int i = codecs.size() - 1; i >= 0; i--) {
            result = decoders.apply(codecs.get(i)).decode(result);
        }
        return result;
    }
}
