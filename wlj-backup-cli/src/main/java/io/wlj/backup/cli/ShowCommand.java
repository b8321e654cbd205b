package io.wlj.backup.cli;

import io.wlj.backup.BackupSystem;
import io.wlj.backup.GateResult;
import io.wlj.backup.internal.Json;
import io.wlj.backup.repository.ArtifactDetail;
import io.wlj.backup.repository.Manifest;
import io.wlj.backup.repository.SourceDetail;
import io.wlj.backup.repository.StoredArtifact;
import io.wlj.backup.repository.VerificationRecord;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "show", description = "Show one backup's manifest and verification history.")
final class ShowCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    @Mixin
    RepositoryOption repository;
    @Mixin
    BackupSelector selector;
    @Mixin
    OutputOptions output;

    @Override
    public Integer call() throws Exception {
        BackupSystem backups = repository.system();
        io.wlj.backup.BackupId id = selector.resolve(backups);
        io.wlj.backup.repository.ManifestHeader header = backups.header(id);
        // Without a key, an encrypted backup shows its public header only.
        Manifest m = header.detailEncrypted() && !repository.hasKeyMaterial() ? new Manifest(header, null) : backups.show(id);
        List<VerificationRecord> verifications = backups.repository().verifications(m.id());
        PrintWriter out = spec.commandLine().getOut();
        if (output.json) {
            out.println(Json.PRETTY.writeValueAsString(java.util.Map.of("manifest", m, "verifications", verifications)));
            return WljBackup.OK;
        }
        out.println("Backup " + m.id() + " (" + m.header().status() + ", " + m.header().kind() + ")");
        out.println("  created    " + m.header().createdAt());
        out.println("  sealed     " + m.header().completedAt());
        out.println("  written by wlj-backup " + m.header().toolVersion());
        if (!m.header().labels().isEmpty()) {
            out.println("  labels     " + m.header().labels());
        }
        if (!m.hasDetail()) {
            out.println("  stored     " + Sizes.human(m.header().storedBytes()) + " in " + m.header().artifacts().size() + " file(s)");
            for (StoredArtifact st : m.header().artifacts()) {
                out.printf("  file %s  %s  sha256 %s%n", st.file(), Sizes.human(st.storedSize()), st.storedSha256());
            }
            out.println("  contents   encrypted; give the passphrase or secret key to see them");
            verifications.forEach(v -> out.println("  verified " + v.time() + " (" + v.kind() + "): "
                    + (v.passed() ? "passed" : "FAILED " + v.problems())));
            return WljBackup.OK;
        }
        out.println("  size       " + Sizes.human(m.plainBytes()) + " read, " + Sizes.human(m.header().storedBytes()) + " stored");
        for (SourceDetail s : m.detail().sources()) {
            out.println("  source " + s.name() + " (" + s.type() + "): " + s.metadata());
            s.warnings().forEach(w -> out.println("    warning: " + w));
        }
        for (ArtifactDetail a : m.detail().artifacts()) {
            StoredArtifact st = m.stored(a.file());
            out.printf("  artifact %s  %s -> %s  codecs %s%n    stored sha256 %s%n    plain  sha256 %s%n", a.file(),
                    Sizes.human(a.plainSize()), Sizes.human(st.storedSize()), a.codecs(), st.storedSha256(), a.plainSha256());
        }
        for (GateResult g : m.detail().gates()) {
            out.println("  gate " + g.gate() + " at " + g.stage() + ": " + g.status() + " (" + g.evidence() + ")");
        }
        if (verifications.isEmpty()) {
            out.println("  never verified");
        }
        for (VerificationRecord v : verifications) {
            out.println("  verified " + v.time() + " (" + v.kind() + "): " + (v.passed() ? "passed" : "FAILED " + v.problems()));
        }
        return WljBackup.OK;
    }
}
