package io.wlj.backup;

import static org.assertj.core.api.Assertions.assertThat;

import io.wlj.backup.internal.Json;
import io.wlj.backup.internal.Verifier;
import io.wlj.backup.repository.ArtifactDetail;
import io.wlj.backup.repository.Manifest;
import io.wlj.backup.repository.ManifestDetail;
import io.wlj.backup.repository.ManifestHeader;
import io.wlj.backup.repository.SourceDetail;
import io.wlj.backup.repository.StoredArtifact;
import io.wlj.backup.spi.CodecStage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Instant;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;

class ManifestAndCodecPropertyTest {

    @Property(tries = 200)
    void manifestJsonRoundTripIsLossless(@ForAll("manifests") Manifest manifest) throws Exception {
        byte[] json = Json.PRETTY.writeValueAsBytes(manifest);
        Manifest back = Json.MAPPER.readValue(json, Manifest.class);
        assertThat(back).isEqualTo(manifest);
        assertThat(Json.PRETTY.writeValueAsBytes(back)).isEqualTo(json);
    }

    @Property(tries = 150)
    void anyBytesThroughAnyCodecChainComeBackUnchanged(@ForAll @Size(max = 300_000) byte[] data,
                                                       @ForAll("chains") List<CodecStage> chain,
                                                       @ForAll("writeSizes") int writeSize) throws Exception {
        ByteArrayOutputStream stored = new ByteArrayOutputStream();
        OutputStream out = stored;
        for (int i = chain.size() - 1; i >= 0; i--) {
            out = chain.get(i).encode(out);
        }
        for (int off = 0; off < data.length; off += writeSize) {
            out.write(data, off, Math.min(writeSize, data.length - off));
        }
        out.close();
        List<String> ids = chain.stream().map(CodecStage::id).toList();
        try (InputStream in = Verifier.decode(new ByteArrayInputStream(stored.toByteArray()), ids, Compression::forId)) {
            assertThat(in.readAllBytes()).isEqualTo(data);
        }
    }

    @Provide
    Arbitrary<Integer> writeSizes() {
        return Arbitraries.oneOf(Arbitraries.just(1), Arbitraries.integers().between(2, 70_000));
    }

    @Provide
    Arbitrary<List<CodecStage>> chains() {
        Arbitrary<CodecStage> one = Arbitraries.oneOf(
                Arbitraries.integers().between(1, 19).map(level -> Compression.zstd(level, 0)),
                Arbitraries.integers().between(1, 5).map(level -> Compression.zstd(level, 2)),
                Arbitraries.integers().between(1, 9).map(Compression::gzip),
                Arbitraries.just(Compression.none()));
        return one.list().ofMinSize(1).ofMaxSize(3);
    }

    @Provide
    Arbitrary<Manifest> manifests() {
        Arbitrary<String> names = Arbitraries.strings().withCharRange('a', 'z').numeric().withChars('.', '-', '_').ofMinLength(1).ofMaxLength(20)
                .map(s -> "f" + s);
        Arbitrary<String> text = Arbitraries.strings().ofMaxLength(40);
        Arbitrary<String> hex = Arbitraries.strings().withCharRange('0', '9').withCharRange('a', 'f').ofLength(64);
        Arbitrary<Instant> times = Arbitraries.longs().between(0, 4_102_444_800_000L).map(Instant::ofEpochMilli)
                .flatMap(t -> Arbitraries.integers().between(0, 999_999).map(t::plusNanos));
        Arbitrary<Object> values = Arbitraries.oneOf(text.map(s -> (Object) s), Arbitraries.longs().map(l -> (Object) l),
                Arbitraries.of(true, false).map(b -> (Object) b), text.list().ofMaxSize(4).map(l -> (Object) l),
                Arbitraries.maps(names, Arbitraries.longs()).ofMaxSize(3).map(m -> (Object) m));
        Arbitrary<StoredArtifact> stored = Combinators.combine(names, Arbitraries.longs().greaterOrEqual(0), hex).as(StoredArtifact::new);
        Arbitrary<ArtifactDetail> details = Combinators.combine(names, names, names, names, Arbitraries.longs().greaterOrEqual(0), hex,
                Arbitraries.of("zstd", "gzip", "none", "openpgp").list().ofMaxSize(3)).as(ArtifactDetail::new);
        Arbitrary<SourceDetail> sources = Combinators.combine(names, names, Arbitraries.maps(names, values).ofMaxSize(5), text.list().ofMaxSize(3))
                .as(SourceDetail::new);
        Arbitrary<GateResult> gates = Combinators.combine(names, Arbitraries.of(Stage.class), Arbitraries.of(GateResult.Status.class), text)
                .as(GateResult::new);
        Arbitrary<String> detailFiles = Arbitraries.oneOf(Arbitraries.just((String) null), names);
        Arbitrary<ManifestHeader> headers = Combinators.combine(times, times, Arbitraries.maps(names, text).ofMaxSize(4),
                stored.list().ofMaxSize(5), Arbitraries.longs().greaterOrEqual(0), detailFiles)
                .as((created, completed, labels, artifacts, bytes, detailFile) -> new ManifestHeader(Manifest.FORMAT_VERSION,
                        BackupId.generate(created), created, completed, ManifestHeader.SEALED, "full", labels, "1.2.3", artifacts, bytes,
                        detailFile, detailFile == null ? List.of() : List.of("zstd", "openpgp"),
                        artifacts.stream().map(a -> a.file().split("\\.")[0]).distinct().toList()));
        Arbitrary<ManifestDetail> detail = Combinators.combine(sources.list().ofMaxSize(3), details.list().ofMaxSize(5), gates.list().ofMaxSize(4))
                .as(ManifestDetail::new);
        return Combinators.combine(headers, detail).as(Manifest::new);
    }

}
