package io.wlj.backup.crypto;

import io.wlj.backup.BackupException;
import io.wlj.backup.crypto.internal.KeyRings;
import io.wlj.backup.crypto.internal.SecretKeys;
import java.io.IOException;
import java.io.InputStream;
import java.util.Date;
import java.util.Objects;
import org.bouncycastle.bcpg.HashAlgorithmTags;
import org.bouncycastle.bcpg.PublicKeyAlgorithmTags;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPPrivateKey;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.PGPSignature;
import org.bouncycastle.openpgp.PGPSignatureGenerator;
import org.bouncycastle.openpgp.PGPSignatureSubpacketGenerator;
import org.bouncycastle.openpgp.operator.bc.BcPGPContentSignerBuilder;

/**
 * Makes detached OpenPGP signatures (v4, binary document) that {@code gpg --verify SIG DATA}
 * accepts, for example over a backup manifest. The signing key is unlocked once, when the
 * signer is created.
 */
public final class OpenPgpSigner {
    private final PGPPublicKey publicKey;
    private final PGPPrivateKey privateKey;
    private final String fingerprint;

    private OpenPgpSigner(PGPPublicKey publicKey, PGPPrivateKey privateKey) {
        this.publicKey = publicKey;
        this.privateKey = privateKey;
        this.fingerprint = KeyRings.fingerprint(publicKey);
    }

    /**
     * Unlocks the signing (sub)key of {@code key}.
     *
     * @param keyPassphrase needed when the key is protected; may be null otherwise
     * @throws BackupException BAD_INPUT when the key cannot sign or the passphrase is missing or wrong
     */
    public static OpenPgpSigner of(OpenPgpSecretKey key, PassphraseSource keyPassphrase) {
        Objects.requireNonNull(key, "key");
        PGPPublicKey signing = KeyRings.signingKey(KeyRings.publicPart(key.ring())).orElseThrow(() ->
                BackupException.badInput("The key " + key.fingerprint() + " has no valid key that may sign."));
        return new OpenPgpSigner(signing, SecretKeys.unlock(key.ring().getSecretKey(signing.getKeyID()), keyPassphrase));
    }

    /** The binary detached signature of everything {@code data} yields (read to its end, not closed). */
    public byte[] sign(InputStream data) throws IOException {
        int hash = publicKey.getAlgorithm() == PublicKeyAlgorithmTags.EDDSA_LEGACY
                ? HashAlgorithmTags.SHA512 : HashAlgorithmTags.SHA256;
        try {
            PGPSignatureGenerator generator = new PGPSignatureGenerator(
                    new BcPGPContentSignerBuilder(publicKey.getAlgorithm(), hash), publicKey);
            generator.init(PGPSignature.BINARY_DOCUMENT, privateKey);
            PGPSignatureSubpacketGenerator hashed = new PGPSignatureSubpacketGenerator();
            hashed.setSignatureCreationTime(true, new Date());
            hashed.setIssuerFingerprint(false, publicKey);
            hashed.setIssuerKeyID(false, publicKey.getKeyID());
            generator.setHashedSubpackets(hashed.generate());
            byte[] buffer = new byte[64 * 1024];
            int n;
            while ((n = data.read(buffer)) >= 0) {
                generator.update(buffer, 0, n);
            }
            return generator.generate().getEncoded();
        } catch (PGPException e) {
            throw KeyRings.unexpected(e);
        }
    }

    /** The detached signature in ASCII armor ({@code -----BEGIN PGP SIGNATURE-----}). */
    public String signArmored(InputStream data) throws IOException {
        return KeyRings.armor(sign(data)); // the armor header follows the packet: BEGIN PGP SIGNATURE
    }

    /** Fingerprint of the (sub)key that signs. */
    public String signingKeyFingerprint() {
        return fingerprint;
    }

    @Override
    public String toString() {
        return "OpenPgpSigner(" + fingerprint + ")";
    }
}
