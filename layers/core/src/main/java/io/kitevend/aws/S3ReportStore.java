package io.kitevend.aws;

import io.kitevend.report.ReportException;
import io.kitevend.report.ReportStore;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.Optional;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Reports in an S3 bucket (encryption, public access block and lifecycle are the bucket's, set
 * by the template). Each put replaces the object under its key, except the state: it is written
 * only if it is still the one this store read (S3's conditional writes, {@code If-Match} on its
 * ETag, or {@code If-None-Match: *} when there was none), so that of two runs that overlap (a
 * manual run during the scheduled one, a duplicate delivery of the schedule) the second to finish
 * fails instead of silently dropping what the first added; Lambda's retry of that run then
 * starts from the new state. One store serves one run at a time (Lambda runs one invocation per
 * environment at a time).
 */
public final class S3ReportStore implements ReportStore {
    public static final String JSON_TYPE = "application/json; charset=utf-8";
    public static final String HTML_TYPE = "text/html; charset=utf-8";

    /** The state's ETag as last read; {@link #NO_STATE} when there was none; null before the first read. */
    private String stateRead;

    private static final String NO_STATE = "";

    private final S3Client s3;
    private final String bucket;

    public S3ReportStore(S3Client s3, String bucket) {
        this.s3 = s3;
        this.bucket = bucket;
    }

    /**
     * The state, or empty before the first run. S3 answers a GetObject of a missing key with 404
     * only to callers allowed to list the bucket, and with 403 AccessDenied to the others. The
     * template grants the listing, but a 403 is not taken to mean "absent" on trust: the state is
     * absent only if a listing of its exact key finds nothing. A 403 for a state object that
     * exists, or a refused listing, is a real permission problem and fails the run. Only this
     * one key is read this way; every other call fails on any error.
     */
    @Override
    public Optional<String> readState() {
        try {
            ResponseBytes<GetObjectResponse> bytes =
                    s3.getObjectAsBytes(b -> b.bucket(bucket).key(STATE_KEY));
            stateRead = bytes.response().eTag();
            return Optional.of(bytes.asUtf8String());
        } catch (NoSuchKeyException absent) {
            stateRead = NO_STATE;
            return Optional.empty();
        } catch (S3Exception e) {
            if (e.statusCode() == 403 && !stateListed(e)) {
                stateRead = NO_STATE;
                return Optional.empty();
            }
            throw new ReportException("reading " + uri(STATE_KEY) + " failed: " + e.getMessage(), e);
        } catch (SdkException e) {
            throw new ReportException("reading " + uri(STATE_KEY) + " failed: " + e.getMessage(), e);
        }
    }

    /** Whether a listing shows the state object, after a 403 on reading it. */
    private boolean stateListed(S3Exception refused) {
        try {
            return s3.listObjectsV2(b -> b.bucket(bucket).prefix(STATE_KEY).maxKeys(1)).contents().stream()
                    .anyMatch(o -> o.key().equals(STATE_KEY));
        } catch (SdkException e) {
            ReportException failure = new ReportException(
                    "reading " + uri(STATE_KEY) + " was refused (" + refused.getMessage()
                            + ") and listing it to see whether it exists failed too: " + e.getMessage(),
                    e);
            failure.addSuppressed(refused);
            throw failure;
        }
    }

    private String uri(String key) {
        return "s3://" + bucket + "/" + key;
    }

    @Override
    public void writeState(String json) {
        PutObjectRequest.Builder request = PutObjectRequest.builder();
        if (NO_STATE.equals(stateRead)) {
            request.ifNoneMatch("*");
        } else if (stateRead != null) {
            request.ifMatch(stateRead);
        }
        try {
            put(request, STATE_KEY, json, JSON_TYPE);
        } catch (ReportException e) {
            // 412: the state is no longer the one read; 409: another conditional write of it was under way.
            if (e.getCause() instanceof S3Exception s3e && (s3e.statusCode() == 412 || s3e.statusCode() == 409)) {
                throw new ReportException(
                        "the report state " + uri(STATE_KEY) + " changed while this run was running (another run"
                                + " overlapped it); this run's report was written but its state was not saved:"
                                + " run it again",
                        s3e);
            }
            throw e;
        }
        stateRead = null;
    }

    @Override
    public Written writeReport(LocalDate day, String json, String html) {
        String jsonKey = ReportStore.jsonKey(day);
        String htmlKey = ReportStore.htmlKey(day);
        put(PutObjectRequest.builder(), jsonKey, json, JSON_TYPE);
        put(PutObjectRequest.builder(), htmlKey, html, HTML_TYPE);
        return new Written(uri(jsonKey), uri(htmlKey));
    }

    private void put(PutObjectRequest.Builder request, String key, String body, String contentType) {
        try {
            s3.putObject(
                    request.bucket(bucket).key(key).contentType(contentType).build(),
                    RequestBody.fromString(body, StandardCharsets.UTF_8));
        } catch (SdkException e) {
            throw new ReportException("writing " + uri(key) + " failed: " + e.getMessage(), e);
        }
    }
}
