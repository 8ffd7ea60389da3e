package io.kitevend.json;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/**
 * The one YAML reader (through Jackson, into the same trees as JSON, which YAML contains), and
 * its syntax errors as people can act on them: the line and column where the problem is and the
 * reason, never a parser's exception. As strict as {@link Json#readTree}: a key written twice in
 * one object is refused, because a reviewer reads the first while a parser would apply the last.
 */
public final class Yaml {
    private static final YAMLMapper MAPPER = YAMLMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    private Yaml() {}

    /** A document that is not YAML: where (1-based; 0 when unknown) and why. */
    public static final class SyntaxError extends Exception {
        private final int line;
        private final int column;
        private final String reason;
        private final String duplicateKey;

        SyntaxError(int line, int column, String reason, String duplicateKey, Throwable cause) {
            super((line > 0 ? "line " + line + (column > 0 ? ", column " + column : "") + ": " : "") + reason, cause);
            this.line = line;
            this.column = column;
            this.reason = reason;
            this.duplicateKey = duplicateKey;
        }

        /** The key written twice in one object, when that is the problem; else null. */
        public String duplicateKey() {
            return duplicateKey;
        }

        public int line() {
            return line;
        }

        public int column() {
            return column;
        }

        public String reason() {
            return reason;
        }
    }

    /** The document's tree (null for an empty document). */
    public static JsonNode readTree(String text) throws SyntaxError {
        try {
            return MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            throw syntaxError(e);
        }
    }

    private static SyntaxError syntaxError(JsonProcessingException e) {
        if (e instanceof StreamReadException read) {
            var duplicate = Json.DuplicateKeyException.of(read);
            if (duplicate.isPresent()) {
                var at = e.getLocation();
                return new SyntaxError(
                        at == null ? 0 : at.getLineNr(),
                        at == null ? 0 : at.getColumnNr(),
                        "the key " + duplicate.get().quotedKey() + " appears twice in one object",
                        duplicate.get().key(),
                        e);
            }
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof MarkedYAMLException marked && marked.getProblemMark() != null) {
                Mark mark = marked.getProblemMark();
                return new SyntaxError(mark.getLine() + 1, mark.getColumn() + 1, reason(marked.getProblem()), null, e);
            }
        }
        var location = e.getLocation();
        return new SyntaxError(
                location == null ? 0 : location.getLineNr(),
                location == null ? 0 : location.getColumnNr(),
                reason(e.getOriginalMessage()),
                null,
                e);
    }

    /** The parser's words, with its rendering of a tab made plain and without a trailing full stop. */
    private static String reason(String problem) {
        String text = problem == null ? "not valid YAML" : problem.strip();
        if (text.contains("\\t(TAB)")) {
            return "a tab where YAML expects spaces (YAML does not allow tabs for indentation)";
        }
        text = text.lines().findFirst().orElse(text);
        return text.endsWith(".") ? text.substring(0, text.length() - 1) : text;
    }
}
