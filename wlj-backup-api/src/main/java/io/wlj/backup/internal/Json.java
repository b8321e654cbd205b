package io.wlj.backup.internal;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.wlj.backup.BackupId;
import java.io.IOException;

/** The one JSON configuration used for manifests, lock records, verifications and the journal. */
public final class Json {
    /** Compact, one object per line. */
    public static final ObjectMapper MAPPER = build(false);
    /** Indented, for files people may read. */
    public static final ObjectMapper PRETTY = build(true);

    private Json() {
    }

    private static ObjectMapper build(boolean indent) {
        SimpleModule ids = new SimpleModule("wlj-backup-ids");
        ids.addSerializer(BackupId.class, new JsonSerializer<>() {
            @Override
            public void serialize(BackupId value, JsonGenerator gen, SerializerProvider serializers) throws IOException {
                gen.writeString(value.value());
            }
        });
        ids.addDeserializer(BackupId.class, new JsonDeserializer<>() {
            @Override
            public BackupId deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
                return BackupId.parse(p.getValueAsString());
            }
        });
        return JsonMapper.builder()
                .addModule(new JavaTimeModule())
                .addModule(ids)
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .disable(SerializationFeature.WRITE_DURATIONS_AS_TIMESTAMPS)
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.USE_LONG_FOR_INTS)
                .configure(SerializationFeature.INDENT_OUTPUT, indent)
                .build();
    }
}
