package io.wlj.backup.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.wlj.backup.BackupException;
import io.wlj.backup.ErrorCode;
import io.wlj.backup.internal.DurableFiles;
import io.wlj.backup.internal.Json;
import io.wlj.backup.internal.Sha256;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Append-only JSON-lines journal of operations. Each line carries {@code seq} and {@code prev},
 * the SHA-256 of the previous line's bytes, so that editing, removing or reordering a line breaks
 * the chain at that point and {@link #verify()} names it.
 */
public final class AuditJournal {
    private static final String GENESIS = "0".repeat(64);
    /** One in-process lock per journal file; the file lock covers other processes. */
    private static final ConcurrentHashMap<Path, ReentrantLock> IN_PROCESS = new ConcurrentHashMap<>();

    private final Path file;

    private AuditJournal(Path file) {
        this.file = file.toAbsolutePath().normalize();
    }

    public static AuditJournal at(Path file) {
        return new AuditJournal(file);
    }

    public Path file() {
        return file;
    }

    /** Appends one entry durably. */
    public void append(AuditEntry entry) {
        ReentrantLock lock = IN_PROCESS.computeIfAbsent(file, p -> new ReentrantLock());
        lock.lock();
        try (FileChannel channel = FileChannel.open(file, Set.of(StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE), DurableFiles.fileAttributes());
             FileLock ignored = channel.lock()) {
            Tail tail = tail(channel);
            ObjectNode line = Json.MAPPER.createObjectNode();
            line.put("seq", tail.seq + 1);
            line.put("prev", tail.hash);
            line.setAll((ObjectNode) Json.MAPPER.valueToTree(entry));
            byte[] bytes = (Json.MAPPER.writeValueAsString(line) + "\n").getBytes(StandardCharsets.UTF_8);
            channel.position(channel.size());
            ByteBuffer buffer = ByteBuffer.wrap(bytes);
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
            channel.force(true);
        } catch (IOException e) {
            throw new BackupException(ErrorCode.IO, "Could not append to the audit journal " + file + ": " + e.getMessage(), e);
        } finally {
            lock.unlock();
        }
    }

    /** Every entry, oldest first. */
    public List<AuditEntry> entries() {
        List<AuditEntry> result = new ArrayList<>();
        if (!Files.exists(file)) {
            return result;
        }
        try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            while ((line = reader.readLine()) != null) {
                if (!line.isBlank()) {
                    result.add(Json.MAPPER.readValue(line, AuditEntry.class));
                }
            }
        } catch (IOException e) {
            throw new BackupException(ErrorCode.IO, "Could not read the audit journal " + file + ": " + e.getMessage(), e);
        }
        return result;
    }

    /** Checks the hash chain and sequence numbers from the first line to the last. */
    public JournalCheck verify() {
        if (!Files.exists(file)) {
            return new JournalCheck(0, OptionalLong.empty(), "");
        }
        String expectedPrev = GENESIS;
        long lineNo = 0;
        try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            while ((line = reader.readLine()) != null) {
                lineNo++;
                JsonNode node;
                try {
                    node = Json.MAPPER.readTree(line);
                } catch (IOException e) {
                    return new JournalCheck(lineNo, OptionalLong.of(lineNo), "line " + lineNo + " is not valid JSON");
                }
                if (node == null || !node.path("prev").isTextual()) {
                    return new JournalCheck(lineNo, OptionalLong.of(lineNo), "line " + lineNo + " has no chain link");
                }
                if (!expectedPrev.equals(node.path("prev").asText())) {
                    return new JournalCheck(lineNo, OptionalLong.of(lineNo),
                            "line " + lineNo + " does not follow line " + (lineNo - 1) + " (edited, removed or reordered lines)");
                }
                if (node.path("seq").asLong() != lineNo) {
                    return new JournalCheck(lineNo, OptionalLong.of(lineNo),
                            "line " + lineNo + " carries sequence number " + node.path("seq").asText());
                }
                expectedPrev = Sha256.of(line.getBytes(StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            throw new BackupException(ErrorCode.IO, "Could not read the audit journal " + file + ": " + e.getMessage(), e);
        }
        return new JournalCheck(lineNo, OptionalLong.empty(), "");
    }

    private record Tail(long seq, String hash) {
    }

    /** Reads the last complete line without reading the whole file. */
    private static Tail tail(FileChannel channel) throws IOException {
        long size = channel.size();
        if (size == 0) {
            return new Tail(0, GENESIS);
        }
        long chunk = 4096;
        long start = size;
        byte[] collected = new byte[0];
        while (start > 0) {
            long from = Math.max(0, start - chunk);
            ByteBuffer buffer = ByteBuffer.allocate((int) (start - from));
            channel.read(buffer, from);
            byte[] merged = new byte[buffer.array().length + collected.length];
            System.arraycopy(buffer.array(), 0, merged, 0, buffer.array().length);
            System.arraycopy(collected, 0, merged, buffer.array().length, collected.length);
            collected = merged;
            start = from;
            // The last byte is the newline that ends the last line; look for the one before it.
            for (int i = collected.length - 2; i >= 0; i--) {
                if (collected[i] == '\n') {
                    return lastLine(collected, i + 1);
                }
            }
            chunk *= 2;
        }
        return lastLine(collected, 0);
    }

    private static Tail lastLine(byte[] bytes, int from) throws IOException {
        int end = bytes.length;
        if (end > from && bytes[end - 1] == '\n') {
            end--;
        }
        byte[] line = java.util.Arrays.copyOfRange(bytes, from, end);
        JsonNode node = Json.MAPPER.readTree(line);
        return new Tail(node.path("seq").asLong(), Sha256.of(line));
    }

}
