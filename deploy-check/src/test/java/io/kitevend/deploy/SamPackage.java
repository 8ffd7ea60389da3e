package io.kitevend.deploy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * What {@code sam package} does with a built artifact: zip the directory and upload it under a key
 * derived from its content (SAM CLI takes a checksum of the directory's files, and writes the zip
 * entries with one fixed time), so that unchanged content gets the same S3 URI. Here the key is the
 * MD5 of a reproducible zip (entries sorted, one fixed time), which has the same property.
 */
final class SamPackage {
    static final String BUCKET = "kitevend-sam-artifacts";
    private static final long FIXED_TIME = 315532800000L; // 1980-01-01, the earliest zip time

    private SamPackage() {}

    static byte[] zip(Path dir) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes);
                Stream<Path> files = Files.walk(dir)) {
            for (Path file : files.filter(Files::isRegularFile).sorted().toList()) {
                ZipEntry entry = new ZipEntry(dir.relativize(file).toString().replace('\\', '/'));
                entry.setTime(FIXED_TIME);
                zip.putNextEntry(entry);
                Files.copy(file, zip);
                zip.closeEntry();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** The S3 URI {@code sam package} gives a zip. */
    static String s3Uri(byte[] zip) {
        try {
            return "s3://" + BUCKET + "/"
                    + HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(zip));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
