package io.kitevend.local;

import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.ProfileCredentialsProvider;
import software.amazon.awssdk.profiles.ProfileFile;
import software.amazon.awssdk.profiles.ProfileProperty;

/**
 * The admin key of every {@code ./kitevend dev} on this machine that is started without keys of
 * its own: made once, kept in a file kitevend owns (an AWS credentials file with the one profile
 * {@value #PROFILE}, readable only by its owner), so it survives restarts, and the CLI signs with
 * it against a runner on this machine without anything in the user's AWS environment changing.
 * It stands for {@link IamAuthorizer#LOCAL_ADMIN_ARN}; AWS knows nothing of it.
 */
final class DevAdminKey {
    static final String PROFILE = "kitevend-dev";
    /** A folder for kitevend's own files instead of ~/.config/kitevend (tests use it). */
    static final String CONFIG_DIR_VARIABLE = "KITEVEND_CONFIG_DIR";

    private DevAdminKey() {}

    /** Where the key is kept: $KITEVEND_CONFIG_DIR, else $XDG_CONFIG_HOME/kitevend, else ~/.config/kitevend. */
    static Path file(Map<String, String> env) {
        String dir = env.get(CONFIG_DIR_VARIABLE);
        if (dir == null || dir.isBlank()) {
            String xdg = env.get("XDG_CONFIG_HOME");
            dir = xdg != null && !xdg.isBlank()
                    ? xdg + "/kitevend"
                    : env.getOrDefault("HOME", System.getProperty("user.home")) + "/.config/kitevend";
        }
        return Path.of(dir, "dev-credentials");
    }

    /** The key in {@code file}, made and written there first if there is none. */
    static IamAuthorizer.AccessKey loadOrCreate(Path file, SecureRandom random) throws IOException {
        Optional<IamAuthorizer.AccessKey> kept = read(file);
        if (kept.isPresent()) {
            return kept.get();
        }
        IamAuthorizer.AccessKey key = IamAuthorizer.generateLocalAdminKey(random);
        write(file, key);
        // Two runners started at once: the first file written wins, and both use it.
        return read(file).orElseThrow(() -> new IOException(file + " was written but cannot be read back"));
    }

    static Optional<IamAuthorizer.AccessKey> read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        var profile = profileFile(file).profile(PROFILE);
        var id = profile.flatMap(p -> p.property(ProfileProperty.AWS_ACCESS_KEY_ID));
        var secret = profile.flatMap(p -> p.property(ProfileProperty.AWS_SECRET_ACCESS_KEY));
        if (id.isEmpty() || secret.isEmpty()) {
            throw new IllegalArgumentException(
                    file + " has no profile [" + PROFILE
                            + "] with aws_access_key_id and aws_secret_access_key; delete it and ./kitevend dev makes a new key");
        }
        try {
            return Optional.of(new IamAuthorizer.AccessKey(id.get(), secret.get(), IamAuthorizer.LOCAL_ADMIN_ARN));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    file + ": " + e.getMessage() + "; delete it and ./kitevend dev makes a new key", e);
        }
    }

    /** Signs with the key in {@code file}, when there is one. */
    static Optional<AwsCredentialsProvider> credentials(Path file) {
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        return Optional.of(ProfileCredentialsProvider.builder()
                .profileFile(profileFile(file))
                .profileName(PROFILE)
                .build());
    }

    /** True for a URL on this machine: the only place a {@code ./kitevend dev} listens. */
    static boolean isLocal(URI url) {
        String host = url.getHost();
        if (host == null) {
            return false;
        }
        if (host.equalsIgnoreCase("localhost")) {
            return true;
        }
        if (!host.matches("[0-9.]+|\\[[0-9a-fA-F:]+]")) {
            return false; // a name: never resolved here, only literal loopback addresses count
        }
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    private static ProfileFile profileFile(Path file) {
        return ProfileFile.builder()
                .content(file)
                .type(ProfileFile.Type.CREDENTIALS)
                .build();
    }

    private static void write(Path file, IamAuthorizer.AccessKey key) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(
                    dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        }
        String text = "# Written by ./kitevend dev: the admin key of every ./kitevend dev on this machine that is\n"
                + "# started without --admin-key, for the principal " + IamAuthorizer.LOCAL_ADMIN_ARN + ".\n"
                + "# The kitevend CLI signs with it against such a runner. AWS does not know it.\n"
                + "# Delete this file for a new key (restart the runners).\n"
                + "[" + PROFILE + "]\n"
                + "aws_access_key_id = " + key.accessKeyId() + "\n"
                + "aws_secret_access_key = " + key.secretAccessKey() + "\n";
        Path temporary = Files.createTempFile(
                dir,
                ".dev-credentials",
                ".tmp",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try {
            Files.writeString(temporary, text, StandardCharsets.UTF_8);
            try {
                // Never replaces a key another runner wrote meanwhile.
                Files.createLink(file, temporary);
            } catch (FileAlreadyExistsException another) {
                // keep theirs
            } catch (UnsupportedOperationException noLinks) {
                Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE);
            }
        } finally {
            Files.deleteIfExists(temporary);
        }
    }
}
