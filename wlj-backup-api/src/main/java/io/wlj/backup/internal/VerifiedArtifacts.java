package io.wlj.backup.internal;

import io.wlj.backup.BackupException;
import io.wlj.backup.ErrorCode;
import io.wlj.backup.IntegrityException;
import io.wlj.backup.ProgressMonitor;
import io.wlj.backup.repository.ArtifactDetail;
import io.wlj.backup.repository.Manifest;
import io.wlj.backup.repository.StoredArtifact;
import java.io.IOException;
import java.io.InputStream;

/**
 * Opens an artifact as a plaintext stream that proves itself: at end of stream the stored bytes
 * and the decoded bytes must match the manifest, and any failure to read or decode is reported
 * as damage to that artifact (when the stored bytes no longer match) or as undecodable content.
 */
public final class VerifiedArtifacts {
    private final EngineConfig config;
    private final Manifest manifest;
    private final ProgressMonitor progress;

    public VerifiedArtifacts(EngineConfig config, Manifest manifest, ProgressMonitor progress) {
        this.config = config;
        this.manifest = manifest;
        this.progress = progress;
    }

    public InputStream open(ArtifactDetail artifact) throws IOException {
        StoredArtifact stored = manifest.stored(artifact.file());
        InputStream raw = config.repository().openFile(manifest.id(), artifact.file());
        DigestingInputStream storedDigest = new DigestingInputStream(new ProgressInputStream(raw, progress));
        InputStream decoded;
        try {
            decoded = Verifier.decode(storedDigest, artifact.codecs(), config::decoder);
        } catch (IOException | RuntimeException e) {
            raw.close();
            throw failure(artifact, stored, e);
        }
        return new Checked(artifact, stored, storedDigest, new DigestingInputStream(decoded));
    }

    private RuntimeException failure(ArtifactDetail a, StoredArtifact stored, Exception e) {
        if (e instanceof BackupException be && (be.code() == ErrorCode.CANCELLED || e instanceof IntegrityException)) {
            return be;
        }
        if (!Verifier.storedBytesMatch(config.repository(), manifest, stored)) {
            return damaged(a);
        }
        if (e instanceof BackupException be && be.code() == ErrorCode.BAD_INPUT) {
            return be; // a missing or wrong key is said as such
        }
        return new IntegrityException(a.file(), "The artifact " + a.file() + " of backup " + manifest.id()
                + " cannot be decoded although its stored bytes are intact (" + e.getMessage() + ").");
    }

    private IntegrityException damaged(ArtifactDetail a) {
        return new IntegrityException(a.file(), "The artifact " + a.file() + " of backup " + manifest.id()
                + " does not match its recorded SHA-256 (corrupted, truncated or tampered).");
    }

    private final class Checked extends InputStream {
        private final ArtifactDetail artifact;
        private final StoredArtifact stored;
        private final DigestingInputStream storedDigest;
        private final DigestingInputStream plain;
        private boolean verified;

        Checked(ArtifactDetail artifact, StoredArtifact stored, DigestingInputStream storedDigest, DigestingInputStream plain) {
            this.artifact = artifact;
            this.stored = stored;
            this.storedDigest = storedDigest;
            this.plain = plain;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            int n;
            try {
                n = plain.read(b, off, len);
                if (n < 0 && !verified) {
                    storedDigest.drain();
                }
            } catch (IOException | RuntimeException e) {
                throw failure(artifact, stored, e);
            }
            if (n < 0 && !verified) {
                if (storedDigest.count() != stored.storedSize() || !storedDigest.sha256().equals(stored.storedSha256())) {
                    throw damaged(artifact);
                }
                if (plain.count() != artifact.plainSize() || !plain.sha256().equals(artifact.plainSha256())) {
                    throw new IntegrityException(artifact.file(), "The decoded content of " + artifact.file() + " of backup "
                            + manifest.id() + " does not match what was backed up.");
                }
                verified = true;
            }
            return n;
        }

        @Override
        public void close() throws IOException {
            plain.close();
        }
    }
}
