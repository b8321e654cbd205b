package io.wlj.backup.repository;

import io.wlj.backup.GateResult;
import java.util.List;

/**
 * The private part of a manifest: sources, artifact contents and gate results.
 *
 * @param sources   per-source metadata and warnings
 * @param artifacts per-artifact plaintext facts and codec chain
 * @param gates     results of the gates that ran before sealing
 */
public record ManifestDetail(List<SourceDetail> sources, List<ArtifactDetail> artifacts, List<GateResult> gates) {
    public ManifestDetail {
        sources = List.copyOf(sources);
        artifacts = List.copyOf(artifacts);
        gates = gates == null ? List.of() : List.copyOf(gates);
    }
}
