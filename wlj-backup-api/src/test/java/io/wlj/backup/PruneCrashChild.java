package io.wlj.backup;

import io.wlj.backup.repository.FileSystemRepository;
import io.wlj.backup.retention.KeepPolicy;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs a prune (keep-last 1) in a child JVM and stops at durable step number {@code args[1]},
 * announcing it and blocking so that the parent's SIGKILL lands exactly there.
 */
public final class PruneCrashChild {
    public static void main(String[] args) {
        int target = Integer.parseInt(args[1]);
        AtomicInteger step = new AtomicInteger();
        boolean[] armed = {false};
        FileSystemRepository repository = FileSystemRepository.builder(Path.of(args[0])).ioHook(name -> {
            if (armed[0] && step.getAndIncrement() == target) {
                CrashChild.announce("AT " + name);
            }
        }).open();
        BackupSystem system = BackupSystem.configure().repository(repository).build();
        armed[0] = true;
        system.prune(KeepPolicy.keep().last(1)).call();
        System.out.println("DONE");
    }
}
