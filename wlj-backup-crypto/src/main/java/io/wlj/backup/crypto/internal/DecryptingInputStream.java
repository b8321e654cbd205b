package io.wlj.backup.crypto.internal;

import io.wlj.backup.BackupException;
import io.wlj.backup.crypto.DecryptionException;
import io.wlj.backup.crypto.DecryptionException.Reason;
import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import javax.crypto.Cipher;
import org.bouncycastle.apache.bzip2.CBZip2InputStream;
import org.bouncycastle.bcpg.ArmoredInputStream;
import org.bouncycastle.bcpg.BCPGInputStream;
import org.bouncycastle.bcpg.Packet;
import org.bouncycastle.bcpg.PublicKeyEncSessionPacket;

/**
 * Reads one encrypted OpenPGP message (binary or ASCII-armored) and yields the content of its
 * literal data packet.
 *
 * <p>Accepted: any number of PKESK v3 and SKESK v4 packets (and marker packets), then one SEIPD
 * v1 packet with AES-128/192/256, holding optionally compressed data (ZIP, ZLIB, BZIP2 or
 * uncompressed), optionally one-pass signature and signature packets (skipped, not verified),
 * and exactly one literal data packet. That covers what {@code gpg --symmetric} and
 * {@code gpg --encrypt} write with their defaults. Refused: SED packets (no MDC), AEAD and
 * SEIPD v2 packets (GnuPG 2.4 / RFC 9580 only), other ciphers.
 *
 * <p>The message is parsed on the first read, so creating the stream does no I/O. Every failure
 * is a {@link DecryptionException} (unchecked) naming its {@link Reason}; only I/O errors of the
 * underlying stream surface as IOException. -1 is returned only after the modification
 * detection code matched and the message ended where its packets say it ends.
 */
public final class DecryptingInputStream extends InputStream {
    private static final int CHUNK = SeipdOutputStream.CHUNK;
    private static final Set<Integer> KNOWN_INNER_TAGS = Set.of(Packets.COMPRESSED, Packets.LITERAL,
            Packets.ONE_PASS_SIGNATURE, Packets.SIGNATURE, Packets.MARKER, Packets.PADDING);
    private static final byte[] ARMOR = "-----BEGIN PGP ".getBytes(StandardCharsets.US_ASCII);

    private final GuardedInputStream guarded;
    private final PassphraseKeys passphraseKeys;
    private final SecretKeys secretKeys;

    private InputStream source;       // the packet stream (binary, or de-armored)
    private InputStream literal;      // the literal data packet's content
    private SeipdInputStream seipdPlain; // closed with this stream: stops its helper thread, wipes its buffers
    private final Deque<InputStream> levels = new ArrayDeque<>(); // plaintext, then decompressed layers
    private boolean opened;
    private boolean finished;
    private RuntimeException failure;
    private IOException ioFailure;

    /**
     * @param passphraseKeys null when no passphrase was given
     * @param secretKeys     null when no secret keys were given
     */
    public DecryptingInputStream(InputStream in, PassphraseKeys passphraseKeys, SecretKeys secretKeys) {
        this.guarded = new GuardedInputStream(in);
        this.passphraseKeys = passphraseKeys;
        this.secretKeys = secretKeys;
    }

    private final byte[] one = new byte[1];

    @Override
    public int read() throws IOException {
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xFF;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        java.util.Objects.checkFromIndexSize(off, len, b.length);
        if (failure != null) {
            throw failure; // after a failure the stream never pretends to have ended cleanly
        }
        if (ioFailure != null) {
            throw ioFailure;
        }
        if (finished) {
            return -1;
        }
        if (len == 0) {
            return 0;
        }
        try {
            if (!opened) {
                opened = true;
                open();
            }
            int n = literal.read(b, off, len);
            if (n < 0) {
                finish();
                finished = true;
            }
            return n;
        } catch (IOException e) {
            if (guarded.threw(e) || e instanceof java.io.InterruptedIOException) {
                ioFailure = e; // the caller's stream failed or the thread was interrupted: not a damaged message
                throw e;
            }
            throw fail(new DecryptionException(Reason.CORRUPTED,
                    "The message is damaged: " + describe(e) + ".", e));
        } catch (DecryptionException e) {
            throw fail(e);
        } catch (BackupException e) {
            throw fail(e);
        } catch (RuntimeException e) {
            throw fail(new DecryptionException(Reason.CORRUPTED, "The message is damaged: " + describe(e) + ".", e));
        }
    }

    private RuntimeException fail(RuntimeException e) {
        failure = e;
        return e;
    }

    private static String describe(Exception e) {
        String message = e.getMessage();
        if (message == null || message.isBlank()) {
            return e.getClass().getSimpleName();
        }
        message = message.strip();
        return message.endsWith(".") ? message.substring(0, message.length() - 1) : message;
    }

    private void open() throws IOException {
        BufferedInputStream buffered = new BufferedInputStream(guarded, CHUNK);
        source = armored(buffered) ? new ArmoredInputStream(buffered) : buffered;

        List<byte[]> skesks = new ArrayList<>();
        List<PublicKeyEncSessionPacket> pkesks = new ArrayList<>();
        Packets.Header header;
        boolean first = true;
        while (true) {
            header = Packets.readHeader(source, Reason.TRUNCATED, first ? Reason.NOT_OPENPGP : Reason.CORRUPTED,
                    "a packet header");
            if (header == null) {
                throw new DecryptionException(first ? Reason.NOT_OPENPGP : Reason.TRUNCATED, first
                        ? "The input is empty, not an OpenPGP message."
                        : "The message is truncated: it ends before its encrypted data.");
            }
            first = false;
            int tag = header.tag();
            if (tag == Packets.SEIPD) {
                break;
            }
            switch (tag) {
                case Packets.SKESK:
                    skesks.add(body(header, "a passphrase packet (SKESK)").readAll(1024));
                    break;
                case Packets.PKESK:
                    pkesks.add(pkesk(body(header, "a public-key packet (PKESK)").readAll(16 * 1024)));
                    break;
                case Packets.MARKER:
                case Packets.PADDING:
                    body(header, "a marker packet").drain();
                    break;
                case Packets.SED:
                    throw new DecryptionException(Reason.NOT_INTEGRITY_PROTECTED, "The message is encrypted without integrity"
                            + " protection (an SED packet without modification detection code) and was refused,"
                            + " because tampering with it could not be detected.");
                case Packets.AEAD:
                    throw new DecryptionException(Reason.UNSUPPORTED, "The message uses the AEAD encrypted data packet"
                            + " (tag 20) of GnuPG 2.3 and later, which this version does not read; GnuPG 2.2 does not either.");
                case Packets.LITERAL:
                case Packets.COMPRESSED:
                case Packets.ONE_PASS_SIGNATURE:
                case Packets.SIGNATURE:
                    throw new DecryptionException(Reason.NOT_ENCRYPTED, "The input is an OpenPGP message that is not encrypted.");
                case Packets.PUBLIC_KEY:
                case Packets.SECRET_KEY:
                    throw new DecryptionException(Reason.NOT_OPENPGP, "The input is an OpenPGP key, not an encrypted message.");
                default:
                    throw new DecryptionException(Reason.NOT_OPENPGP, "The input is not an encrypted OpenPGP message"
                            + " (it starts with packet tag " + tag + ").");
            }
        }

        PacketBodyInputStream seipd = body(header, "the encrypted data packet (SEIPD)");
        int version = Packets.readByte(seipd, Reason.TRUNCATED, "the encrypted data packet (SEIPD)");
        if (version == 2) {
            throw new DecryptionException(Reason.UNSUPPORTED, "The message uses SEIPD version 2 (RFC 9580 AEAD),"
                    + " which this version does not read; GnuPG 2.2 does not either.");
        }
        if (version != 1) {
            throw new DecryptionException(Reason.CORRUPTED, "The message is damaged: its encrypted data packet has"
                    + " unknown version " + version + ".");
        }
        byte[] prefix = Packets.readFully(seipd, new byte[Aes.BLOCK + 2], Reason.TRUNCATED,
                "the encrypted data packet (SEIPD)");
        SessionKey sessionKey = chooseKey(skesks, pkesks, prefix);
        SeipdInputStream plain;
        try {
            plain = new SeipdInputStream(seipd, sessionKey.key, prefix);
        } finally {
            Arrays.fill(sessionKey.key, (byte) 0);
        }
        seipdPlain = plain;
        levels.push(plain);
        literal = openLiteral(plain, sessionKey.fromPassphrase);
    }

    private static boolean armored(BufferedInputStream in) throws IOException {
        in.mark(256);
        byte[] head = new byte[256];
        int n = 0;
        int r;
        while (n < head.length && (r = in.read(head, n, head.length - n)) > 0) {
            n += r;
        }
        in.reset();
        int i = 0;
        while (i < n && (head[i] == ' ' || head[i] == '\t' || head[i] == '\r' || head[i] == '\n')) {
            i++;
        }
        if (i < n && (head[i] & 0x80) != 0) {
            return false;
        }
        if (n - i >= ARMOR.length && Arrays.equals(head, i, i + ARMOR.length, ARMOR, 0, ARMOR.length)) {
            String line = new String(head, i, n - i, StandardCharsets.US_ASCII);
            if (line.startsWith("-----BEGIN PGP MESSAGE-----")) {
                return true;
            }
            throw new DecryptionException(Reason.NOT_OPENPGP, "The input is ASCII-armored OpenPGP data but not a message ("
                    + line.lines().findFirst().orElse("").trim() + ").");
        }
        if (n == 0) {
            throw new DecryptionException(Reason.NOT_OPENPGP, "The input is empty, not an OpenPGP message.");
        }
        throw new DecryptionException(Reason.NOT_OPENPGP, "The input is not an OpenPGP message"
                + " (it starts with neither a packet tag nor an armor header).");
    }

    private PacketBodyInputStream body(Packets.Header header, String where) {
        return new PacketBodyInputStream(source, header, Reason.TRUNCATED, where);
    }

    private static PublicKeyEncSessionPacket pkesk(byte[] body) throws IOException {
        byte[] packet = new byte[6 + body.length];
        packet[0] = (byte) 0xC1;
        int n = Packets.encodeLength(body.length, packet, 1);
        System.arraycopy(body, 0, packet, 1 + n, body.length);
        Packet parsed;
        try {
            parsed = new BCPGInputStream(new ByteArrayInputStream(packet, 0, 1 + n + body.length)).readPacket();
        } catch (IOException | RuntimeException e) {
            throw new DecryptionException(Reason.CORRUPTED, "The message is damaged: a public-key packet (PKESK) cannot be parsed.", e);
        }
        if (!(parsed instanceof PublicKeyEncSessionPacket pkesk)) {
            throw new DecryptionException(Reason.CORRUPTED, "The message is damaged: a public-key packet (PKESK) cannot be parsed.");
        }
        if (pkesk.getVersion() != PublicKeyEncSessionPacket.VERSION_3) {
            throw new DecryptionException(Reason.UNSUPPORTED, "The message uses a version " + pkesk.getVersion()
                    + " public-key packet, which this version does not read.");
        }
        return pkesk;
    }

    private record SessionKey(int algorithm, byte[] key, boolean fromPassphrase) {
    }

    /**
     * Finds the session key: from PKESKs with the secret keys, then from SKESKs with the
     * passphrase, taking the first candidate that passes the quick check on the SEIPD prefix.
     */
    private SessionKey chooseKey(List<byte[]> skesks, List<PublicKeyEncSessionPacket> pkesks, byte[] prefix) {
        Set<String> recipients = new LinkedHashSet<>();
        boolean pkeskMatched = false;
        String damagedPkesk = null;
        if (!pkesks.isEmpty()) {
            for (PublicKeyEncSessionPacket pkesk : pkesks) {
                recipients.add(SecretKeys.keyId(pkesk.getKeyID()));
                if (secretKeys == null) {
                    continue;
                }
                SecretKeys.Recovery recovery;
                try {
                    recovery = secretKeys.recover(pkesk);
                } catch (DecryptionException e) {
                    throw e;
                } catch (BackupException e) {
                    throw new DecryptionException(Reason.SECRET_KEY_LOCKED, e.getMessage(), e);
                }
                if (recovery.keyFound() && recovery.sessionData().isEmpty()) {
                    damagedPkesk = SecretKeys.keyId(pkesk.getKeyID());
                }
                for (byte[] data : recovery.sessionData()) {
                    pkeskMatched = true;
                    int algorithm = data[0] & 0xFF;
                    byte[] key = Arrays.copyOfRange(data, 1, data.length - 2);
                    Arrays.fill(data, (byte) 0);
                    requireAes(algorithm, key.length);
                    if (Aes.quickCheck(key, prefix)) {
                        return new SessionKey(algorithm, key, false);
                    }
                    Arrays.fill(key, (byte) 0);
                }
            }
        }
        boolean passphraseTried = false;
        if (passphraseKeys != null) {
            for (byte[] skesk : skesks) {
                passphraseTried = true;
                SessionKey candidate = fromSkesk(skesk);
                if (candidate != null) {
                    if (Aes.quickCheck(candidate.key, prefix)) {
                        return candidate;
                    }
                    Arrays.fill(candidate.key, (byte) 0);
                }
            }
        }
        if (pkeskMatched) {
            // The session key's checksum was right, so the key is right and the data is not.
            throw new DecryptionException(Reason.CORRUPTED,
                    "The message is damaged: the start of its encrypted data does not match its session key.");
        }
        if (damagedPkesk != null) {
            throw new DecryptionException(Reason.CORRUPTED, "The message is damaged: the session key encrypted to key "
                    + damagedPkesk + " does not decrypt with that key's secret key.");
        }
        if (passphraseTried) {
            throw new DecryptionException(Reason.WRONG_PASSPHRASE, "The passphrase from "
                    + passphraseKeys.source().describe() + " does not decrypt this message (wrong passphrase,"
                    + " or the start of the message is damaged).");
        }
        if (!pkesks.isEmpty()) {
            String ids = String.join(", ", recipients);
            String also = skesks.isEmpty() ? "" : " (it can also be opened with a passphrase, and none was given)";
            throw new DecryptionException(Reason.NO_MATCHING_KEY, "The message is encrypted to the key(s) " + ids
                    + ", and no secret key for any of them was given" + also + ".", List.copyOf(recipients), null);
        }
        if (!skesks.isEmpty()) {
            throw new DecryptionException(Reason.PASSPHRASE_REQUIRED,
                    "The message is encrypted with a passphrase, and none was given.");
        }
        throw new DecryptionException(Reason.CORRUPTED,
                "The message is damaged: it has encrypted data but no packet saying how to decrypt it.");
    }

    /** Parses a SKESK v4 and derives its key; null when the passphrase evidently does not fit. */
    private SessionKey fromSkesk(byte[] skesk) {
        if (skesk.length < 4) {
            throw new DecryptionException(Reason.CORRUPTED, "The message is damaged: its passphrase packet (SKESK) is too short.");
        }
        int version = skesk[0] & 0xFF;
        if (version != 4) {
            throw new DecryptionException(Reason.UNSUPPORTED, "The message uses a version " + version
                    + " passphrase packet (SKESK), which this version does not read.");
        }
        int algorithm = skesk[1] & 0xFF;
        int type = skesk[2] & 0xFF;
        int hash = skesk[3] & 0xFF;
        int pos = 4;
        byte[] salt = new byte[0];
        int count = 0;
        if (type == S2k.SALTED || type == S2k.ITERATED_SALTED) {
            if (skesk.length < pos + 8) {
                throw new DecryptionException(Reason.CORRUPTED, "The message is damaged: its passphrase packet (SKESK) is too short.");
            }
            salt = Arrays.copyOfRange(skesk, pos, pos + 8);
            pos += 8;
        } else if (type != S2k.SIMPLE) {
            throw new DecryptionException(Reason.UNSUPPORTED, "The message's passphrase packet uses S2K type " + type
                    + ", which this version does not support.");
        }
        if (type == S2k.ITERATED_SALTED) {
            if (skesk.length < pos + 1) {
                throw new DecryptionException(Reason.CORRUPTED, "The message is damaged: its passphrase packet (SKESK) is too short.");
            }
            count = skesk[pos++] & 0xFF;
        }
        requireAes(algorithm, Aes.keyLength(algorithm));
        S2k s2k = new S2k(type, hash, salt, count);
        byte[] derived = passphraseKeys.key(s2k, Aes.keyLength(algorithm));
        if (pos == skesk.length) {
            return new SessionKey(algorithm, derived, true); // no encrypted session key: the S2K key is the message key
        }
        try {
            byte[] decrypted = Aes.cfb(Cipher.DECRYPT_MODE, derived).doFinal(skesk, pos, skesk.length - pos);
            int sessionAlgorithm = decrypted[0] & 0xFF;
            int keyLength = Aes.keyLength(sessionAlgorithm);
            if (keyLength < 0 || decrypted.length - 1 != keyLength) {
                Arrays.fill(decrypted, (byte) 0);
                return null; // garbage: almost certainly a wrong passphrase
            }
            byte[] key = Arrays.copyOfRange(decrypted, 1, decrypted.length);
            Arrays.fill(decrypted, (byte) 0);
            return new SessionKey(sessionAlgorithm, key, true);
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException("AES/CFB failed", e);
        } finally {
            Arrays.fill(derived, (byte) 0);
        }
    }

    private static void requireAes(int algorithm, int keyLength) {
        if (Aes.keyLength(algorithm) < 0) {
            throw new DecryptionException(Reason.UNSUPPORTED, "The message is encrypted with " + Aes.name(algorithm)
                    + "; only AES-128, AES-192 and AES-256 are supported.");
        }
        if (Aes.keyLength(algorithm) != keyLength) {
            throw new DecryptionException(Reason.CORRUPTED, "The message is damaged: its session key has the wrong length.");
        }
    }

    /** Walks compressed and signature packets down to the literal data packet. */
    private InputStream openLiteral(InputStream plain, boolean fromPassphrase) throws IOException {
        InputStream current = plain;
        boolean first = true;
        while (true) {
            Packets.Header header;
            try {
                header = Packets.readHeader(current, Reason.CORRUPTED, Reason.CORRUPTED, "a packet header");
                if (first && header != null && !KNOWN_INNER_TAGS.contains(header.tag())) {
                    throw new DecryptionException(Reason.CORRUPTED, "The decrypted message is malformed: it starts with"
                            + " an unexpected packet (tag " + header.tag() + ").");
                }
            } catch (DecryptionException e) {
                if (first && fromPassphrase) {
                    // Passed the 16-bit quick check by chance (1 in 65536), but the first plaintext
                    // byte is no packet: far more likely a wrong passphrase than anything else.
                    throw new DecryptionException(Reason.WRONG_PASSPHRASE, "The passphrase from "
                            + passphraseKeys.source().describe() + " does not decrypt this message (wrong passphrase,"
                            + " or the start of the message is damaged).", e);
                }
                throw e;
            }
            if (header == null) {
                throw new DecryptionException(Reason.CORRUPTED, "The decrypted message is malformed: it holds no literal data packet.");
            }
            first = false;
            PacketBodyInputStream body = new PacketBodyInputStream(current, header, Reason.CORRUPTED,
                    "packet " + header.tag() + " of the decrypted message");
            switch (header.tag()) {
                case Packets.COMPRESSED: {
                    int algorithm = Packets.readByte(body, Reason.CORRUPTED, "the compressed data packet");
                    switch (algorithm) {
                        case 0: current = body; break;
                        case 1: current = new InflatingInputStream(body, true); break;
                        case 2: current = new InflatingInputStream(body, false); break;
                        case 3: current = new CBZip2InputStream(body); break;
                        default:
                            throw new DecryptionException(Reason.UNSUPPORTED, "The message is compressed with algorithm "
                                    + algorithm + ", which is not supported.");
                    }
                    levels.push(body);
                    levels.push(current);
                    break;
                }
                case Packets.LITERAL: {
                    Packets.readByte(body, Reason.CORRUPTED, "the literal data packet"); // format: b, t, u or m
                    int nameLength = Packets.readByte(body, Reason.CORRUPTED, "the literal data packet");
                    Packets.readFully(body, new byte[nameLength + 4], Reason.CORRUPTED, "the literal data packet");
                    return body;
                }
                case Packets.ONE_PASS_SIGNATURE:
                case Packets.SIGNATURE:
                case Packets.MARKER:
                case Packets.PADDING:
                    body.drain(); // signatures inside a message are not verified here
                    break;
                default:
                    throw new DecryptionException(Reason.CORRUPTED, "The decrypted message is malformed: it holds an"
                            + " unexpected packet (tag " + header.tag() + ").");
            }
        }
    }

    /**
     * After the literal data: reads whatever follows it at every level down to the plaintext,
     * whose end runs the MDC check, then makes sure nothing follows the encrypted packet.
     */
    private void finish() throws IOException {
        byte[] sink = new byte[8192];
        while (!levels.isEmpty()) {
            InputStream level = levels.pop();
            while (level.read(sink, 0, sink.length) >= 0) {
                // trailing signature packets or compression padding, covered by the MDC
            }
            if (level instanceof InflatingInputStream inflating) {
                inflating.end();
            }
        }
        Arrays.fill(sink, (byte) 0);
        Packets.Header trailing = Packets.readHeader(source, Reason.TRUNCATED, Reason.CORRUPTED, "the end of the message");
        if (trailing != null) {
            if (trailing.tag() == Packets.MARKER || trailing.tag() == Packets.PADDING) {
                new PacketBodyInputStream(source, trailing, Reason.TRUNCATED, "a marker packet").drain();
                finish();
                return;
            }
            throw new DecryptionException(Reason.CORRUPTED, "The message is damaged: more packets follow its encrypted data.");
        }
    }

    @Override
    public void close() throws IOException {
        for (InputStream level : levels) {
            if (level instanceof InflatingInputStream inflating) {
                inflating.end();
            }
        }
        levels.clear();
        try {
            if (seipdPlain != null) {
                seipdPlain.close();
            }
        } finally {
            guarded.close();
        }
    }
}
