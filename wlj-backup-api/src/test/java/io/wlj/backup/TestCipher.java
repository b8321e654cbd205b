package io.wlj.backup;

import io.wlj.backup.spi.CodecStage;
import io.wlj.backup.spi.Protection;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import javax.crypto.Cipher;
import javax.crypto.CipherInputStream;
import javax.crypto.CipherOutputStream;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * An encrypting stage for engine tests (JDK AES-CTR, random IV prefix): exercises the SPI the
 * OpenPGP module plugs into without depending on it. Counts {@link #forBackup()} calls.
 */
final class TestCipher implements CodecStage {
    final byte[] key;
    final AtomicInteger prepared = new AtomicInteger();

    TestCipher(byte[] key) {
        this.key = key.clone();
    }

    @Override
    public String id() {
        return "test-aes";
    }

    @Override
    public String fileExtension() {
        return ".enc";
    }

    @Override
    public CodecStage forBackup() {
        prepared.incrementAndGet();
        return this;
    }

    @Override
    public Optional<Protection> protection() {
        return Optional.of(new Protection(Protection.PASSPHRASE, List.of()));
    }

    @Override
    public OutputStream encode(OutputStream out) throws IOException {
        byte[] iv = new byte[16];
        new SecureRandom().nextBytes(iv);
        out.write(iv);
        return new CipherOutputStream(out, cipher(Cipher.ENCRYPT_MODE, iv));
    }

    @Override
    public InputStream decode(InputStream in) throws IOException {
        byte[] iv = in.readNBytes(16);
        if (iv.length != 16) {
            throw new IOException("truncated");
        }
        return new CipherInputStream(in, cipher(Cipher.DECRYPT_MODE, iv));
    }

    private Cipher cipher(int mode, byte[] iv) throws IOException {
        try {
            Cipher c = Cipher.getInstance("AES/CTR/NoPadding");
            c.init(mode, new SecretKeySpec(key, "AES"), new IvParameterSpec(iv));
            return c;
        } catch (GeneralSecurityException e) {
            throw new IOException(e);
        }
    }
}
