package io.wlj.backup.crypto.internal;

import io.wlj.backup.BackupException;
import io.wlj.backup.crypto.PassphraseSource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.bouncycastle.bcpg.PublicKeyEncSessionPacket;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPPrivateKey;
import org.bouncycastle.openpgp.PGPSecretKey;
import org.bouncycastle.openpgp.PGPSecretKeyRing;
import org.bouncycastle.openpgp.operator.bc.BcPBESecretKeyDecryptorBuilder;
import org.bouncycastle.openpgp.operator.bc.BcPGPDigestCalculatorProvider;
import org.bouncycastle.openpgp.operator.bc.BcPublicKeyDataDecryptorFactory;

/**
 * Secret keys that may open PKESK packets, unlocked on first use and then kept unlocked for the
 * life of the decryptor (unlocking runs the key's own S2K, which is as slow as the message one).
 * Bouncy Castle's private key objects cannot be zeroed; they become garbage with this object.
 */
public final class SecretKeys {
    private final List<PGPSecretKeyRing> rings;
    private final PassphraseSource passphrase;
    private final Map<Long, PGPPrivateKey> unlocked = new ConcurrentHashMap<>();

    public SecretKeys(List<PGPSecretKeyRing> rings, PassphraseSource passphrase) {
        this.rings = List.copyOf(rings);
        this.passphrase = passphrase;
    }

    public boolean isEmpty() {
        return rings.isEmpty();
    }

    /**
     * What the secret keys made of one PKESK.
     *
     * @param sessionData [algorithm, key..., 2-byte checksum] per key that decrypted it with a valid checksum
     * @param keyFound    whether a secret key with the packet's (non-wildcard) key id was there
     */
    public record Recovery(List<byte[]> sessionData, boolean keyFound) {
    }

    /**
     * Session data recovered from {@code pkesk} with every matching secret key: the key with the
     * packet's key id, or every encryption key for a wildcard id (0).
     */
    public Recovery recover(PublicKeyEncSessionPacket pkesk) {
        List<byte[]> result = new ArrayList<>();
        List<PGPSecretKey> candidates = candidates(pkesk.getKeyID());
        for (PGPSecretKey key : candidates) {
            PGPPrivateKey privateKey = unlocked.computeIfAbsent(key.getKeyID(), id -> unlock(key, passphrase));
            try {
                byte[] data = new BcPublicKeyDataDecryptorFactory(privateKey)
                        .recoverSessionData(pkesk.getAlgorithm(), pkesk.getEncSessionKey(), pkesk.getVersion());
                if (checksumMatches(data)) {
                    result.add(data);
                } else {
                    Arrays.fill(data, (byte) 0);
                }
            } catch (PGPException | RuntimeException e) {
                // Not this key (wildcard recipient) or a damaged packet: try the next candidate.
            }
        }
        return new Recovery(result, pkesk.getKeyID() != 0 && !candidates.isEmpty());
    }

    private List<PGPSecretKey> candidates(long keyId) {
        List<PGPSecretKey> keys = new ArrayList<>();
        for (PGPSecretKeyRing ring : rings) {
            for (Iterator<PGPSecretKey> it = ring.getSecretKeys(); it.hasNext(); ) {
                PGPSecretKey key = it.next();
                if (key.isPrivateKeyEmpty()) {
                    continue; // a stub exported with --export-secret-subkeys
                }
                if (keyId == 0 ? key.getPublicKey().isEncryptionKey() : key.getKeyID() == keyId) {
                    keys.add(key);
                }
            }
        }
        return keys;
    }

    private static boolean checksumMatches(byte[] data) {
        if (data.length < 4) {
            return false;
        }
        int sum = 0;
        for (int i = 1; i < data.length - 2; i++) {
            sum += data[i] & 0xFF;
        }
        return data[data.length - 2] == (byte) (sum >> 8) && data[data.length - 1] == (byte) sum;
    }

    /**
     * Extracts the private key, reading {@code passphrase} when the key is protected.
     *
     * @throws BackupException BAD_INPUT when the key is protected and the passphrase is missing or wrong
     */
    public static PGPPrivateKey unlock(PGPSecretKey key, PassphraseSource passphrase) {
        String id = keyId(key.getKeyID());
        try {
            if (key.getS2KUsage() == 0) {
                return key.extractPrivateKey(null);
            }
        } catch (PGPException e) {
            throw BackupException.badInput("The secret key " + id + " cannot be read: " + e.getMessage() + ".");
        }
        if (passphrase == null) {
            throw BackupException.badInput("The secret key " + id + " is protected by a passphrase and none was given.");
        }
        char[] pass = passphrase.read();
        try {
            return key.extractPrivateKey(new BcPBESecretKeyDecryptorBuilder(new BcPGPDigestCalculatorProvider()).build(pass));
        } catch (PGPException e) {
            throw BackupException.badInput("The passphrase from " + passphrase.describe()
                    + " does not unlock the secret key " + id + ".");
        } finally {
            Arrays.fill(pass, '\0');
        }
    }

    /** A key id as 16 upper-case hex digits. */
    public static String keyId(long id) {
        return HexFormat.of().withUpperCase().toHexDigits(id);
    }
}
