package io.wlj.backup.crypto;

import io.wlj.backup.BackupException;
import io.wlj.backup.ErrorCode;
import io.wlj.backup.crypto.internal.KeyRings;
import io.wlj.backup.crypto.internal.SecretKeys;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import org.bouncycastle.bcpg.KeyIdentifier;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPObjectFactory;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.PGPPublicKeyRing;
import org.bouncycastle.openpgp.PGPSignature;
import org.bouncycastle.openpgp.PGPSignatureList;
import org.bouncycastle.openpgp.PGPUtil;
import org.bouncycastle.openpgp.operator.bc.BcKeyFingerprintCalculator;
import org.bouncycastle.openpgp.operator.bc.BcPGPContentVerifierBuilderProvider;

/**
 * Verifies detached OpenPGP signatures (armored or binary, ours or {@code gpg --detach-sign}'s)
 * against a fixed set of trusted public keys. A signature by any other key is refused: for a
 * backup manifest, "signed by someone" is worth nothing.
 */
public final class OpenPgpVerifier {
    private final List<PGPPublicKeyRing> trusted;

    private OpenPgpVerifier(List<PGPPublicKeyRing> trusted) {
        this.trusted = trusted;
    }

    public static OpenPgpVerifier of(Collection<OpenPgpPublicKey> trusted) {
        if (trusted == null || trusted.isEmpty()) {
            throw BackupException.badInput("Signature verification needs at least one trusted public key.");
        }
        List<PGPPublicKeyRing> rings = new ArrayList<>();
        for (OpenPgpPublicKey key : trusted) {
            rings.add(key.ring());
        }
        return new OpenPgpVerifier(List.copyOf(rings));
    }

    /**
     * Checks {@code signature} over everything {@code data} yields. Neither stream is closed.
     *
     * @throws BackupException INTEGRITY when the signature does not match the data, was made by
     *                         a key that is not trusted, or is not a signature at all
     */
    public VerifiedSignature verify(InputStream data, InputStream signature) throws IOException {
        List<PGPSignature> signatures = parse(signature);
        List<Check> checks = new ArrayList<>();
        List<String> unknown = new ArrayList<>();
        for (PGPSignature sig : signatures) {
            Check check = find(sig);
            if (check == null) {
                unknown.add(issuer(sig));
                continue;
            }
            try {
                sig.init(new BcPGPContentVerifierBuilderProvider(), check.key);
            } catch (PGPException e) {
                throw new BackupException(ErrorCode.INTEGRITY, "The signature cannot be checked: " + e.getMessage() + ".", e);
            }
            checks.add(check);
        }
        if (checks.isEmpty()) {
            throw new BackupException(ErrorCode.INTEGRITY, "The signature was made by key " + String.join(", ", unknown)
                    + ", which is not among the trusted keys.");
        }
        byte[] buffer = new byte[64 * 1024];
        int n;
        while ((n = data.read(buffer)) >= 0) {
            for (Check check : checks) {
                check.signature.update(buffer, 0, n);
            }
        }
        for (Check check : checks) {
            boolean valid;
            try {
                valid = check.signature.verify();
            } catch (PGPException e) {
                valid = false;
            }
            if (!valid) {
                throw new BackupException(ErrorCode.INTEGRITY, "The signature by key " + KeyRings.fingerprint(check.key)
                        + " does not match the data: the data or the signature was modified.");
            }
        }
        Check first = checks.get(0);
        return new VerifiedSignature(KeyRings.fingerprint(first.ring.getPublicKey()), KeyRings.fingerprint(first.key),
                first.signature.getCreationTime().toInstant());
    }

    private record Check(PGPSignature signature, PGPPublicKeyRing ring, PGPPublicKey key) {
    }

    private Check find(PGPSignature sig) {
        List<Long> ids = new ArrayList<>();
        if (sig.getKeyID() != 0) {
            ids.add(sig.getKeyID());
        }
        for (KeyIdentifier identifier : sig.getKeyIdentifiers()) {
            ids.add(identifier.getKeyId());
        }
        for (PGPPublicKeyRing ring : trusted) {
            for (long id : ids) {
                PGPPublicKey key = ring.getPublicKey(id);
                if (key != null && !key.hasRevocation()) {
                    return new Check(sig, ring, key);
                }
            }
        }
        return null;
    }

    private static String issuer(PGPSignature sig) {
        if (sig.getKeyID() != 0) {
            return SecretKeys.keyId(sig.getKeyID());
        }
        return sig.getKeyIdentifiers().isEmpty() ? "(unknown)" : SecretKeys.keyId(sig.getKeyIdentifiers().get(0).getKeyId());
    }

    private static List<PGPSignature> parse(InputStream signature) {
        List<PGPSignature> result = new ArrayList<>();
        try {
            PGPObjectFactory factory = new PGPObjectFactory(PGPUtil.getDecoderStream(signature), new BcKeyFingerprintCalculator());
            Object o;
            while ((o = factory.nextObject()) != null) {
                if (o instanceof PGPSignatureList list) {
                    for (Iterator<PGPSignature> it = list.iterator(); it.hasNext(); ) {
                        result.add(it.next());
                    }
                } else {
                    throw new BackupException(ErrorCode.INTEGRITY, "The signature file holds OpenPGP data that is not a detached signature.");
                }
            }
        } catch (IOException | RuntimeException e) {
            if (e instanceof BackupException be) {
                throw be;
            }
            throw new BackupException(ErrorCode.INTEGRITY, "The signature is not a readable OpenPGP signature.", e);
        }
        if (result.isEmpty()) {
            throw new BackupException(ErrorCode.INTEGRITY, "The signature file holds no OpenPGP signature.");
        }
        return result;
    }
}
