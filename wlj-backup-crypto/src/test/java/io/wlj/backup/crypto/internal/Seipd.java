package io.wlj.backup.crypto.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.wlj.backup.crypto.DecryptionException;
import io.wlj.backup.crypto.DecryptionException.Reason;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Test helpers for the SEIPD streams on their own (no session-key packets), with the helper
 * thread on or off, plus a reference implementation on the JDK's plain AES/CFB: it shares
 * nothing with the streams' CBC/ECB pipelines, so agreeing with it checks them independently.
 */
final class Seipd {
    static final byte[] KEY = random(32, 7);

    private Seipd() {
    }

    static byte[] random(int size, long seed) {
        byte[] data = new byte[size];
        new Random(seed).nextBytes(data);
        return data;
    }

    /** A SEIPD packet of {@code plain}, written in pieces of the given sizes (cycled; 0 = write(int)). */
    static byte[] encrypt(byte[] plain, boolean helper, List<Integer> writes) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(plain.length + plain.length / 1000 + 100);
        try (OutputStream encrypting = new SeipdOutputStream(out, new byte[0], KEY, new SecureRandom(), helper)) {
            write(encrypting, plain, writes);
        }
        return out.toByteArray();
    }

    static void write(OutputStream out, byte[] plain, List<Integer> writes) throws IOException {
        int off = 0;
        for (int i = 0; off < plain.length; i++) {
            int chunk = writes.get(i % writes.size());
            if (chunk == 0) {
                out.write(plain[off++]);
            } else {
                int n = Math.min(chunk, plain.length - off);
                out.write(plain, off, n);
                off += n;
            }
        }
    }

    /** Opens the SEIPD packet at the start of {@code packet}: the stream of its decrypted inner packets. */
    static SeipdInputStream open(InputStream packet, boolean helper) throws IOException {
        Packets.Header header = Packets.readHeader(packet, Reason.TRUNCATED, Reason.CORRUPTED, "the SEIPD packet");
        assertThat(header.tag()).isEqualTo(Packets.SEIPD);
        PacketBodyInputStream body = new PacketBodyInputStream(packet, header, Reason.TRUNCATED, "the SEIPD packet");
        assertThat(body.read()).isEqualTo(1);
        byte[] prefix = Packets.readFully(body, new byte[18], Reason.TRUNCATED, "the SEIPD packet");
        return new SeipdInputStream(body, KEY, prefix, helper);
    }

    /** The content of the literal data packet that {@code inner} starts with. */
    static InputStream literal(InputStream inner) throws IOException {
        Packets.Header header = Packets.readHeader(inner, Reason.CORRUPTED, Reason.CORRUPTED, "the literal packet");
        if (header == null || header.tag() != Packets.LITERAL) {
            throw new DecryptionException(Reason.CORRUPTED, "no literal packet"); // as damage makes it
        }
        PacketBodyInputStream body = new PacketBodyInputStream(inner, header, Reason.CORRUPTED, "the literal packet");
        body.read(); // format
        int nameLength = body.read();
        Packets.readFully(body, new byte[nameLength + 4], Reason.CORRUPTED, "the literal packet");
        return body;
    }

    /** Decrypts with the streams, reading in pieces of the given sizes (cycled; 0 = read()), to the end (MDC checked). */
    static byte[] decrypt(byte[] packet, boolean helper, List<Integer> reads) throws IOException {
        try (SeipdInputStream inner = open(new ByteArrayInputStream(packet), helper)) {
            InputStream data = literal(inner);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] buffer = new byte[reads.stream().mapToInt(Integer::intValue).max().orElse(1) + 1];
            for (int i = 0; ; i++) {
                int chunk = reads.get(i % reads.size());
                if (chunk == 0) {
                    int b = data.read();
                    if (b < 0) {
                        break;
                    }
                    out.write(b);
                } else {
                    int n = data.read(buffer, 0, chunk);
                    if (n < 0) {
                        break;
                    }
                    out.write(buffer, 0, n);
                }
            }
            assertThat(inner.read()).as("the SEIPD content ends after the literal packet and the MDC").isEqualTo(-1);
            return out.toByteArray();
        }
    }

    /**
     * Reference decryption: unframes the SEIPD packet, decrypts it with the JDK's AES/CFB, checks
     * the prefix repetition, the MDC and the literal packet, and returns the literal data.
     */
    static byte[] referenceDecrypt(byte[] packet) throws IOException, GeneralSecurityException {
        InputStream in = new ByteArrayInputStream(packet);
        Packets.Header header = Packets.readHeader(in, Reason.TRUNCATED, Reason.CORRUPTED, "the SEIPD packet");
        byte[] body = new PacketBodyInputStream(in, header, Reason.TRUNCATED, "the SEIPD packet").readAllBytes();
        assertThat(in.read()).as("nothing after the SEIPD packet").isEqualTo(-1);
        assertThat(body[0]).isEqualTo((byte) 1);
        Cipher cfb = Cipher.getInstance("AES/CFB/NoPadding");
        cfb.init(Cipher.DECRYPT_MODE, new SecretKeySpec(KEY, "AES"), new IvParameterSpec(new byte[16]));
        byte[] plain = cfb.doFinal(body, 1, body.length - 1);
        int n = plain.length;
        assertThat(Arrays.copyOfRange(plain, 16, 18)).as("quick check").isEqualTo(Arrays.copyOfRange(plain, 14, 16));
        assertThat(Arrays.copyOfRange(plain, n - 22, n - 20)).as("MDC packet header").isEqualTo(new byte[] {(byte) 0xD3, 0x14});
        MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
        sha1.update(plain, 0, n - 20);
        assertThat(Arrays.copyOfRange(plain, n - 20, n)).as("MDC").isEqualTo(sha1.digest());
        InputStream inner = new ByteArrayInputStream(plain, 18, n - 18 - 22);
        byte[] data = literal(inner).readAllBytes();
        assertThat(inner.read()).as("nothing between the literal packet and the MDC").isEqualTo(-1);
        return data;
    }

    /**
     * Reference encryption: a SEIPD packet with a definite length (as gpg writes files) holding
     * a definite-length literal packet, encrypted with the JDK's AES/CFB. The SEIPD plaintext
     * is 18 + literal packet (7 + 6 + data) + 22 bytes long.
     */
    static byte[] referenceEncrypt(byte[] data) throws IOException, GeneralSecurityException {
        ByteArrayOutputStream plain = new ByteArrayOutputStream(data.length + 100);
        byte[] prefix = random(16, data.length);
        plain.write(prefix);
        plain.write(prefix, 14, 2);
        byte[] length = new byte[5];
        plain.write(0xC0 | Packets.LITERAL);
        length[0] = (byte) 0xFF; // always the five-byte form, so the overhead is the same for every size
        long body = 6L + data.length;
        length[1] = (byte) (body >> 24);
        length[2] = (byte) (body >> 16);
        length[3] = (byte) (body >> 8);
        length[4] = (byte) body;
        plain.write(length);
        plain.write(new byte[] {'b', 0, 0, 0, 0, 0});
        plain.write(data);
        plain.write(new byte[] {(byte) 0xD3, 0x14});
        MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
        sha1.update(plain.toByteArray());
        plain.write(sha1.digest());
        Cipher cfb = Cipher.getInstance("AES/CFB/NoPadding");
        cfb.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(KEY, "AES"), new IvParameterSpec(new byte[16]));
        byte[] encrypted = cfb.doFinal(plain.toByteArray());
        ByteArrayOutputStream packet = new ByteArrayOutputStream(encrypted.length + 10);
        packet.write(0xC0 | Packets.SEIPD);
        int n = Packets.encodeLength(1 + encrypted.length, length, 0);
        packet.write(length, 0, n);
        packet.write(1);
        packet.write(encrypted);
        return packet.toByteArray();
    }

    /** Data size whose {@link #referenceEncrypt} SEIPD plaintext (= ciphertext) is {@code ciphertext} bytes. */
    static int dataSizeForCiphertext(int ciphertext) {
        return ciphertext - 18 - 7 - 6 - 22;
    }
}
