package io.kitevend.json;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.util.Optional;

/**
 * The one JSON mapper of kitevend: strict on input, compact on output. Strict means, for JSON and
 * for the YAML people write ({@link Yaml#readTree}): one value and nothing after it, and no key twice
 * in one object. A duplicate key is refused rather than resolved, because a reviewer reads the
 * first occurrence while a parser that keeps the last would apply the other.
 */
public final class Json {
    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
            .serializationInclusion(JsonInclude.Include.NON_NULL)
            .build();

    /** How Jackson's duplicate detection words its refusal (the key follows, in single quotes). */
    private static final String DUPLICATE_FIELD = "Duplicate field '";

    /** Keys longer than this are cut in messages. */
    private static final int MAX_KEY_IN_MESSAGE = 100;

    private Json() {}

    public static ObjectMapper mapper() {
        return MAPPER;
    }

    /** Serialises plain values (maps, lists, records); a failure here is a programming error. */
    public static String write(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(
                    "cannot serialise " + value.getClass().getName(), e);
        }
    }

    /**
     * Parses JSON text.
     *
     * @throws DuplicateKeyException when an object has a key twice
     * @throws JsonProcessingException when the text is not one JSON value
     */
    public static JsonNode readTree(String text) throws JsonProcessingException {
        try {
            return MAPPER.readTree(text);
        } catch (StreamReadException e) {
            throw DuplicateKeyException.of(e).orElseThrow(() -> e);
        }
    }

    /**
     * Why {@link #readTree} refused a text, for the person who wrote it, as
     * the rest of a sentence about the text ("The body " + problem): the duplicate key and where it
     * is, or where the text stops being {@code format} ("JSON", "YAML or JSON"). Never the text
     * itself, which may hold a secret.
     */
    public static String problem(JsonProcessingException e, String format) {
        if (e instanceof DuplicateKeyException duplicate) {
            return "has the key " + duplicate.quotedKey() + " twice in one object" + where(e.getLocation());
        }
        return "is not valid " + format + where(e.getLocation());
    }

    private static String where(JsonLocation at) {
        return at == null || at.getLineNr() < 1
                ? ""
                : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")";
    }

    /** Text with the same key twice in one object. */
    public static final class DuplicateKeyException extends JsonProcessingException {
        private final String key;

        private DuplicateKeyException(String key, JsonLocation at, Throwable cause) {
            super("the key " + quoted(key) + " appears twice in one object" + where(at), at, cause);
            this.key = key;
        }

        /** The key as a JSON string (control characters escaped), cut to a readable length. */
        private static String quoted(String key) {
            return write(key.length() > MAX_KEY_IN_MESSAGE ? key.substring(0, MAX_KEY_IN_MESSAGE) + "..." : key);
        }

        public String quotedKey() {
            return quoted(key);
        }

        static Optional<DuplicateKeyException> of(StreamReadException e) {
            String message = e.getOriginalMessage();
            if (message == null || !message.startsWith(DUPLICATE_FIELD) || !message.endsWith("'")) {
                return Optional.empty();
            }
            String key = message.substring(DUPLICATE_FIELD.length(), message.length() - 1);
            return Optional.of(new DuplicateKeyException(key, e.getLocation(), e));
        }

        /** The key that appears twice. */
        public String key() {
            return key;
        }

        /** The message alone, without Jackson's source description. */
        @Override
        public String getMessage() {
            return getOriginalMessage();
        }
    }
}
