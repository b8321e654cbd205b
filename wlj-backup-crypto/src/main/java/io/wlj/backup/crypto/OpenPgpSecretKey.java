package io.wlj.backup.crypto;

import io.wlj.backup.BackupException;
import io.wlj.backup.crypto.internal.KeyRings;
import io.wlj.backup.crypto.internal.S2k;
import io.wlj.backup.crypto.internal.SecretKeys;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Date;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import org.bouncycastle.bcpg.CompressionAlgorithmTags;
import org.bouncycastle.bcpg.HashAlgorithmTags;
import org.bouncycastle.bcpg.PublicKeyPacket;
import org.bouncycastle.bcpg.SymmetricKeyAlgorithmTags;
import org.bouncycastle.bcpg.sig.Features;
import org.bouncycastle.bcpg.sig.KeyFlags;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPKeyPair;
import org.bouncycastle.openpgp.PGPKeyRingGenerator;
import org.bouncycastle.openpgp.PGPSecretKey;
import org.bouncycastle.openpgp.PGPSecretKeyRing;
import org.bouncycastle.openpgp.PGPSignature;
import org.bouncycastle.openpgp.PGPSignatureSubpacketGenerator;
import org.bouncycastle.openpgp.operator.PBESecretKeyEncryptor;
import org.bouncycastle.openpgp.operator.PGPKeyPairGenerator;
import org.bouncycastle.openpgp.operator.bc.BcPBESecretKeyEncryptorBuilder;
import org.bouncycastle.openpgp.operator.bc.BcPGPContentSignerBuilder;
import org.bouncycastle.openpgp.operator.bc.BcPGPDigestCalculatorProvider;
import org.bouncycastle.openpgp.operator.bc.BcPGPKeyPairGeneratorProvider;

/**
 * An OpenPGP v4 secret key (primary and subkeys), as {@code gpg --export-secret-keys} writes it,
 * possibly protected by a passphrase. Generated keys import into GnuPG 2.2 and work both ways.
 *
 * <p>Immutable. {@link #toString()} shows the fingerprint only; the secret material leaves this
 * object only through {@link #encoded()} and {@link #armored()}, which are meant for writing a
 * key file.
 */
public final class OpenPgpSecretKey {
    /** S2K count protecting generated secret keys unless told otherwise: 65,011,712 bytes, like GnuPG. */
    public static final int DEFAULT_PROTECTION_S2K_COUNT = 0xFF;

    private final PGPSecretKeyRing ring;

    OpenPgpSecretKey(PGPSecretKeyRing ring) {
        this.ring = ring;
    }

    /**
     * Generates a key pair for someone without GnuPG.
     *
     * @param userId     for example {@code Backups <ops@example.com>}
     * @param protection passphrase protecting the secret key, or null for an unprotected key
     *                   (then protect the key file itself)
     */
    public static OpenPgpSecretKey generate(String userId, KeyType type, PassphraseSource protection) {
        return generate(userId, type, protection, DEFAULT_PROTECTION_S2K_COUNT);
    }

    /**
     * As {@link #generate(String, KeyType, PassphraseSource)} with the encoded S2K count (0-255)
     * used to protect the secret key; low counts exist for tests.
     */
    public static OpenPgpSecretKey generate(String userId, KeyType type, PassphraseSource protection, int s2kCount) {
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(type, "type");
        if (userId.isBlank()) {
            throw BackupException.badInput("The user id of a new key must not be empty.");
        }
        S2k.iterations(s2kCount);
        SecureRandom random = new SecureRandom();
        // Whole seconds: OpenPGP stores creation times in seconds.
        Date now = new Date(System.currentTimeMillis() / 1000 * 1000);
        char[] passphrase = protection == null ? null : protection.read();
        try {
            PGPKeyPairGenerator generator = new BcPGPKeyPairGeneratorProvider().setSecureRandom(random)
                    .get(PublicKeyPacket.VERSION_4, now);
            PGPKeyPair primary;
            PGPKeyPair subkey;
            if (type == KeyType.ED25519_CV25519) {
                primary = generator.generateLegacyEd25519KeyPair();
                subkey = generator.generateLegacyX25519KeyPair();
            } else {
                primary = generator.generateRsaKeyPair(3072);
                subkey = generator.generateRsaKeyPair(3072);
            }
            PGPSignatureSubpacketGenerator primaryPackets = new PGPSignatureSubpacketGenerator();
            primaryPackets.setKeyFlags(true, KeyFlags.CERTIFY_OTHER | KeyFlags.SIGN_DATA);
            primaryPackets.setPreferredSymmetricAlgorithms(false, new int[] {SymmetricKeyAlgorithmTags.AES_256,
                    SymmetricKeyAlgorithmTags.AES_192, SymmetricKeyAlgorithmTags.AES_128});
            primaryPackets.setPreferredHashAlgorithms(false, new int[] {HashAlgorithmTags.SHA512,
                    HashAlgorithmTags.SHA384, HashAlgorithmTags.SHA256, HashAlgorithmTags.SHA224});
            primaryPackets.setPreferredCompressionAlgorithms(false, new int[] {CompressionAlgorithmTags.ZLIB,
                    CompressionAlgorithmTags.BZIP2, CompressionAlgorithmTags.ZIP, CompressionAlgorithmTags.UNCOMPRESSED});
            // SEIPD v1 with MDC only: advertising SEIPD v2 would invite AEAD messages GnuPG 2.2 cannot read.
            primaryPackets.setFeature(false, Features.FEATURE_MODIFICATION_DETECTION);
            PGPSignatureSubpacketGenerator subkeyPackets = new PGPSignatureSubpacketGenerator();
            subkeyPackets.setKeyFlags(true, KeyFlags.ENCRYPT_COMMS | KeyFlags.ENCRYPT_STORAGE);

            BcPGPDigestCalculatorProvider digests = new BcPGPDigestCalculatorProvider();
            PBESecretKeyEncryptor encryptor = passphrase == null ? null
                    : new BcPBESecretKeyEncryptorBuilder(SymmetricKeyAlgorithmTags.AES_256,
                    digests.get(HashAlgorithmTags.SHA256), s2kCount).setSecureRandom(random).build(passphrase);
            PGPKeyRingGenerator rings = new PGPKeyRingGenerator(PGPSignature.POSITIVE_CERTIFICATION, primary, userId,
                    digests.get(HashAlgorithmTags.SHA1), primaryPackets.generate(), null,
                    new BcPGPContentSignerBuilder(primary.getPublicKey().getAlgorithm(), HashAlgorithmTags.SHA512),
                    encryptor);
            rings.addSubKey(subkey, subkeyPackets.generate(), null);
            return new OpenPgpSecretKey(rings.generateSecretKeyRing());
        } catch (PGPException e) {
            throw KeyRings.unexpected(e);
        } finally {
            if (passphrase != null) {
                Arrays.fill(passphrase, '\0');
            }
        }
    }

    /** Every secret key in {@code file}, armored or binary. */
    public static List<OpenPgpSecretKey> readAll(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return wrap(KeyRings.readSecret(in, "The key file " + file));
        } catch (NoSuchFileException e) {
            throw BackupException.badInput("The key file " + file + " does not exist.");
        } catch (IOException e) {
            throw BackupException.badInput("The key file " + file + " cannot be read (" + e.getMessage() + ").");
        }
    }

    /** The one secret key in {@code file}. */
    public static OpenPgpSecretKey read(Path file) {
        return OpenPgpPublicKey.single(readAll(file), "The key file " + file);
    }

    /** Every secret key in {@code data}, armored or binary. */
    public static List<OpenPgpSecretKey> parseAll(byte[] data) {
        try {
            return wrap(KeyRings.readSecret(new ByteArrayInputStream(data), "The key data"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The one secret key in {@code armored} text. */
    public static OpenPgpSecretKey parse(String armored) {
        return OpenPgpPublicKey.single(parseAll(armored.getBytes(StandardCharsets.US_ASCII)), "The key text");
    }

    private static List<OpenPgpSecretKey> wrap(List<PGPSecretKeyRing> rings) {
        List<OpenPgpSecretKey> result = new ArrayList<>();
        for (PGPSecretKeyRing ring : rings) {
            result.add(new OpenPgpSecretKey(ring));
        }
        return List.copyOf(result);
    }

    /** The public half, to hand to whoever encrypts backups or verifies signatures. */
    public OpenPgpPublicKey publicKey() {
        return new OpenPgpPublicKey(KeyRings.publicPart(ring));
    }

    /** The primary key's v4 fingerprint, 40 upper-case hex digits. */
    public String fingerprint() {
        return KeyRings.fingerprint(ring.getPublicKey());
    }

    /** The primary key's id, 16 upper-case hex digits. */
    public String keyId() {
        return SecretKeys.keyId(ring.getPublicKey().getKeyID());
    }

    /** Whether any secret (sub)key needs a passphrase to be used. */
    public boolean isProtected() {
        for (Iterator<PGPSecretKey> it = ring.getSecretKeys(); it.hasNext(); ) {
            PGPSecretKey key = it.next();
            if (!key.isPrivateKeyEmpty() && key.getS2KUsage() != 0) {
                return true;
            }
        }
        return false;
    }

    /** Binary transferable secret key, as {@code gpg --export-secret-keys}. Secret: store it like one. */
    public byte[] encoded() {
        try {
            return ring.getEncoded();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** ASCII-armored transferable secret key, as {@code gpg --armor --export-secret-keys}. */
    public String armored() {
        return KeyRings.armor(encoded());
    }

    PGPSecretKeyRing ring() {
        return ring;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof OpenPgpSecretKey other && fingerprint().equals(other.fingerprint());
    }

    @Override
    public int hashCode() {
        return fingerprint().hashCode();
    }

    @Override
    public String toString() {
        return "OpenPgpSecretKey(" + fingerprint() + (isProtected() ? ", protected" : ", unprotected") + ")";
    }
}
