package io.wlj.backup.crypto.internal;

import io.wlj.backup.BackupException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Date;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import org.bouncycastle.bcpg.ArmoredOutputStream;
import org.bouncycastle.bcpg.PublicKeyAlgorithmTags;
import org.bouncycastle.bcpg.sig.KeyFlags;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPMarker;
import org.bouncycastle.openpgp.PGPObjectFactory;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.PGPPublicKeyRing;
import org.bouncycastle.openpgp.PGPSecretKeyRing;
import org.bouncycastle.openpgp.PGPSignature;
import org.bouncycastle.openpgp.PGPSignatureSubpacketVector;
import org.bouncycastle.openpgp.PGPUtil;
import org.bouncycastle.openpgp.operator.bc.BcKeyFingerprintCalculator;

/**
 * Reading, writing and inspecting OpenPGP key rings with Bouncy Castle: armored or binary
 * input, key capabilities from self-signatures, fingerprints in GnuPG's notation.
 */
public final class KeyRings {
    private KeyRings() {
    }

    /** Public key rings in {@code in}; secret key rings contribute their public part. */
    public static List<PGPPublicKeyRing> readPublic(InputStream in, String what) throws IOException {
        List<PGPPublicKeyRing> result = new ArrayList<>();
        for (Object o : objects(in, what)) {
            if (o instanceof PGPPublicKeyRing ring) {
                result.add(ring);
            } else if (o instanceof PGPSecretKeyRing ring) {
                result.add(publicPart(ring));
            }
        }
        if (result.isEmpty()) {
            throw BackupException.badInput(what + " holds no OpenPGP public key.");
        }
        return result;
    }

    /** Secret key rings in {@code in}. */
    public static List<PGPSecretKeyRing> readSecret(InputStream in, String what) throws IOException {
        List<PGPSecretKeyRing> result = new ArrayList<>();
        boolean publicOnly = false;
        for (Object o : objects(in, what)) {
            if (o instanceof PGPSecretKeyRing ring) {
                result.add(ring);
            } else if (o instanceof PGPPublicKeyRing) {
                publicOnly = true;
            }
        }
        if (result.isEmpty()) {
            throw BackupException.badInput(what + (publicOnly
                    ? " holds only public keys; a secret key is needed (gpg --export-secret-keys)."
                    : " holds no OpenPGP secret key."));
        }
        return result;
    }

    private static List<Object> objects(InputStream in, String what) throws IOException {
        List<Object> result = new ArrayList<>();
        try {
            InputStream decoded = PGPUtil.getDecoderStream(in);
            PGPObjectFactory factory = new PGPObjectFactory(decoded, new BcKeyFingerprintCalculator());
            Object o;
            while ((o = factory.nextObject()) != null) {
                if (o instanceof PGPPublicKeyRing || o instanceof PGPSecretKeyRing) {
                    result.add(o);
                } else if (!(o instanceof PGPMarker)) {
                    throw BackupException.badInput(what + " holds OpenPGP data that is not a key ("
                            + o.getClass().getSimpleName().replace("PGP", "") + ").");
                }
            }
        } catch (IOException | RuntimeException e) {
            if (e instanceof BackupException be) {
                throw be;
            }
            throw new BackupException(io.wlj.backup.ErrorCode.BAD_INPUT, what + " does not hold readable OpenPGP keys ("
                    + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()) + ").", e);
        }
        return result;
    }

    public static PGPPublicKeyRing publicPart(PGPSecretKeyRing ring) {
        List<PGPPublicKey> keys = new ArrayList<>();
        for (Iterator<PGPPublicKey> it = ring.getPublicKeys(); it.hasNext(); ) {
            keys.add(it.next());
        }
        return new PGPPublicKeyRing(keys);
    }

    /** ASCII armor, without a version header (GnuPG stopped writing one too). */
    public static String armor(byte[] encoded) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ArmoredOutputStream armored = ArmoredOutputStream.builder().clearHeaders().build(bytes)) {
            armored.write(encoded);
        } catch (IOException e) {
            throw new IllegalStateException("Writing to memory failed", e);
        }
        return bytes.toString(StandardCharsets.US_ASCII);
    }

    /** A v4 fingerprint as 40 upper-case hex digits, as {@code gpg --with-colons} prints it. */
    public static String fingerprint(PGPPublicKey key) {
        return HexFormat.of().withUpperCase().formatHex(key.getFingerprint());
    }

    /**
     * The key to encrypt to: the newest valid subkey whose self-signature allows encryption,
     * else the primary key if it does.
     */
    public static Optional<PGPPublicKey> encryptionKey(PGPPublicKeyRing ring) {
        return usableKey(ring, KeyFlags.ENCRYPT_COMMS | KeyFlags.ENCRYPT_STORAGE, true);
    }

    /** The key to sign with: the primary key if it may sign, else the newest valid signing subkey. */
    public static Optional<PGPPublicKey> signingKey(PGPPublicKeyRing ring) {
        PGPPublicKey primary = ring.getPublicKey();
        if (isValid(primary) && allows(ring, primary, KeyFlags.SIGN_DATA, false)) {
            return Optional.of(primary);
        }
        return usableKey(ring, KeyFlags.SIGN_DATA, false);
    }

    private static Optional<PGPPublicKey> usableKey(PGPPublicKeyRing ring, int flags, boolean encryption) {
        PGPPublicKey best = null;
        PGPPublicKey primary = ring.getPublicKey();
        if (!isValid(primary)) {
            return Optional.empty();
        }
        for (Iterator<PGPPublicKey> it = ring.getPublicKeys(); it.hasNext(); ) {
            PGPPublicKey key = it.next();
            if (key.isMasterKey() || !isValid(key) || !allows(ring, key, flags, encryption)) {
                continue;
            }
            if (best == null || key.getCreationTime().after(best.getCreationTime())) {
                best = key;
            }
        }
        if (best == null && allows(ring, primary, flags, encryption)) {
            best = primary;
        }
        return Optional.ofNullable(best);
    }

    private static boolean isValid(PGPPublicKey key) {
        if (key.hasRevocation()) {
            return false;
        }
        long validSeconds = key.getValidSeconds();
        return validSeconds <= 0 || key.getCreationTime().getTime() + validSeconds * 1000 > new Date().getTime();
    }

    /** Whether the newest self-signature of {@code key} grants {@code flags}; algorithm capability when none says. */
    private static boolean allows(PGPPublicKeyRing ring, PGPPublicKey key, int flags, boolean encryption) {
        boolean capable = encryption ? key.isEncryptionKey() : canSign(key.getAlgorithm());
        if (!capable) {
            return false;
        }
        long primaryId = ring.getPublicKey().getKeyID();
        PGPSignature newest = null;
        for (Iterator<PGPSignature> it = key.getSignatures(); it.hasNext(); ) {
            PGPSignature sig = it.next();
            int type = sig.getSignatureType();
            boolean self = sig.getKeyID() == primaryId;
            boolean relevant = key.isMasterKey()
                    ? type == PGPSignature.POSITIVE_CERTIFICATION || type == PGPSignature.CASUAL_CERTIFICATION
                    || type == PGPSignature.NO_CERTIFICATION || type == PGPSignature.DEFAULT_CERTIFICATION
                    || type == PGPSignature.DIRECT_KEY
                    : type == PGPSignature.SUBKEY_BINDING;
            if (self && relevant && sig.getHashedSubPackets() != null
                    && (newest == null || sig.getCreationTime().after(newest.getCreationTime()))) {
                newest = sig;
            }
        }
        if (newest == null) {
            return key.isMasterKey(); // an unbound subkey is not usable
        }
        PGPSignatureSubpacketVector hashed = newest.getHashedSubPackets();
        if (hashed.getKeyFlags() == 0 && !hashed.hasSubpacket(org.bouncycastle.bcpg.SignatureSubpacketTags.KEY_FLAGS)) {
            return true;
        }
        return (hashed.getKeyFlags() & flags) != 0;
    }

    private static boolean canSign(int algorithm) {
        switch (algorithm) {
            case PublicKeyAlgorithmTags.RSA_GENERAL:
            case 3: // RSA sign-only (deprecated in RFC 4880 but still found in old keys)
            case PublicKeyAlgorithmTags.DSA:
            case PublicKeyAlgorithmTags.ECDSA:
            case PublicKeyAlgorithmTags.EDDSA_LEGACY:
            case PublicKeyAlgorithmTags.Ed25519:
            case PublicKeyAlgorithmTags.Ed448:
                return true;
            default:
                return false;
        }
    }

    /** Wraps a Bouncy Castle failure on data we produced ourselves: a bug, not bad input. */
    public static IllegalStateException unexpected(PGPException e) {
        return new IllegalStateException("OpenPGP operation failed unexpectedly: " + e.getMessage(), e);
    }
}
