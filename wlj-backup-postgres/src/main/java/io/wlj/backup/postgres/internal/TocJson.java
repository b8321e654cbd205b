package io.wlj.backup.postgres.internal;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/** Reads and writes the {@link Toc} artifact. */
public final class TocJson {
    private static final ObjectMapper MAPPER = new ObjectMapper()
            .disable(SerializationFeature.FLUSH_AFTER_WRITE_VALUE)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .disable(com.fasterxml.jackson.core.JsonGenerator.Feature.AUTO_CLOSE_TARGET)
            .disable(com.fasterxml.jackson.core.JsonParser.Feature.AUTO_CLOSE_SOURCE);

    private TocJson() {
    }

    static void write(Toc toc, OutputStream out) throws IOException {
        MAPPER.writeValue(out, toc);
    }

    public static Toc read(InputStream in) throws IOException {
        Toc toc = MAPPER.readValue(in, Toc.class);
        if (toc.formatVersion() > Toc.FORMAT_VERSION) {
            throw new IOException("table of contents format " + toc.formatVersion() + " is newer than this library reads ("
                    + Toc.FORMAT_VERSION + "); upgrade wlj-backup");
        }
        return toc;
    }
}
