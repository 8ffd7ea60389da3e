package io.kitevend.report;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.LocalDate;
import java.util.Optional;

/**
 * Reports as files under a directory, with the same keys as in the bucket (local runs: the CLI's
 * {@code --out DIR}). Each file is written to a temporary name first and moved into place.
 */
public final class DirectoryReportStore implements ReportStore {
    private final Path root;

    public DirectoryReportStore(Path root) {
        this.root = root;
    }

    @Override
    public Optional<String> readState() {
        try {
            return Optional.of(Files.readString(root.resolve(STATE_KEY), StandardCharsets.UTF_8));
        } catch (NoSuchFileException absent) {
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void writeState(String json) {
        write(STATE_KEY, json);
    }

    @Override
    public Written writeReport(LocalDate day, String json, String html) {
        return new Written(
                write(ReportStore.jsonKey(day), json).toString(),
                write(ReportStore.htmlKey(day), html).toString());
    }

    private Path write(String key, String content) {
        Path target = root.resolve(key);
        try {
            Files.createDirectories(target.getParent());
            Path temp = Files.createTempFile(target.getParent(), ".report", ".tmp");
            Files.writeString(temp, content, StandardCharsets.UTF_8);
            Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + target, e);
        }
    }
}
