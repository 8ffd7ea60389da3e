package io.kitevend.local;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kitevend.json.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code ./kitevend bindings list|get|put|delete|apply}: the admin API's bindings routes. */
@Command(
        name = "bindings",
        mixinStandardHelpOptions = true,
        description = "List, read, create, replace, delete and apply bindings through the admin API (SigV4-signed).",
        subcommands = {
            BindingsCommand.ListBindings.class,
            BindingsCommand.GetBinding.class,
            BindingsCommand.PutBinding.class,
            BindingsCommand.DeleteBinding.class,
            BindingsCommand.ApplyBindings.class
        })
final class BindingsCommand implements Runnable {
    static final List<String> BINDINGS = List.of("v1", "admin", "bindings");
    /** Fields the API keeps itself; a file made from 'bindings get' has them, a request body must not. */
    static final Set<String> SERVER_FIELDS = Set.of("version", "created_at", "created_by", "updated_at", "updated_by");

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** ORG/NAME split in two. */
    static List<String> bindingPath(String ref) {
        int slash = ref.indexOf('/');
        if (slash <= 0 || slash == ref.length() - 1 || ref.indexOf('/', slash + 1) >= 0) {
            throw new AdminCommand.UsageProblem("name a binding as ORGANIZATION/NAME, not '" + ref + "'");
        }
        List<String> path = new ArrayList<>(BINDINGS);
        path.add(ref.substring(0, slash));
        path.add(ref.substring(slash + 1));
        return path;
    }

    static String readFile(Path file) throws IOException {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new AdminCommand.UsageProblem("no such file: " + file);
        }
    }

    @Command(
            name = "list",
            mixinStandardHelpOptions = true,
            description =
                    "List bindings (every page), optionally only those of one organization or applying to one pipeline.")
    static final class ListBindings extends AdminCommand {
        @Option(
                names = "--organization",
                paramLabel = "ORG",
                description = "Organization slug (optional when the API serves one).")
        String organization;

        @Option(
                names = "--pipeline",
                paramLabel = "PIPELINE",
                description = "Only bindings that apply to this pipeline slug.")
        String pipeline;

        @Option(
                names = {"-o", "--output"},
                paramLabel = "json|table",
                description = "Default: ${DEFAULT-VALUE}.")
        Format output = Format.json;

        @Override
        int execute(AdminClient client) throws IOException {
            ArrayNode all = Json.mapper().createArrayNode();
            String page = null;
            Set<String> seen = new HashSet<>();
            do {
                var r = client.get(
                        BINDINGS, AdminClient.query("organization", organization, "pipeline", pipeline, "page", page));
                if (!succeeded(r)) {
                    return 1;
                }
                JsonNode body = json(r);
                body.path("bindings").forEach(all::add);
                page = body.hasNonNull("next_page") ? body.get("next_page").asText() : null;
                if (page != null && !seen.add(page)) {
                    throw new IOException("the API returned the same next_page twice");
                }
            } while (page != null);
            if (output == Format.table) {
                Table t = new Table("ORGANIZATION", "NAME", "PIPELINE", "CONDITIONS", "ROLE", "ENABLED", "VERSION");
                for (JsonNode b : all) {
                    t.row(
                            b.path("organization").asText(),
                            b.path("name").asText(),
                            b.path("pipeline").asText(),
                            conditions(b.path("conditions")),
                            b.path("role_arn").asText(),
                            b.has("enabled") ? b.get("enabled").asText() : "",
                            b.path("version").asText());
                }
                t.print(out());
            } else {
                ObjectNode result = Json.mapper().createObjectNode();
                result.set("bindings", all);
                printJson(result);
            }
            return 0;
        }

        private static String conditions(JsonNode c) {
            List<String> parts = new ArrayList<>();
            c.fields().forEachRemaining(e -> {
                List<String> globs = new ArrayList<>();
                e.getValue().forEach(g -> globs.add(g.asText()));
                parts.add(e.getKey() + "=" + String.join("|", globs));
            });
            return String.join(" ", parts);
        }
    }

    @Command(name = "get", mixinStandardHelpOptions = true, description = "Print one binding (with its version).")
    static final class GetBinding extends AdminCommand {
        @Parameters(paramLabel = "ORG/NAME")
        String ref;

        @Override
        int execute(AdminClient client) throws IOException {
            var r = client.get(bindingPath(ref), Map.of());
            if (!succeeded(r)) {
                return 1;
            }
            printJson(json(r));
            return 0;
        }
    }

    @Command(
            name = "put",
            mixinStandardHelpOptions = true,
            description =
                    "Create a binding from a file (YAML or JSON, one binding with organization and name), or replace it: --if-match VERSION replaces that version; --replace replaces whatever version is stored (or creates it). Fields the API keeps (version, created_at, ...) in the file are ignored.")
    static final class PutBinding extends AdminCommand {
        @Option(
                names = {"-f", "--file"},
                required = true,
                paramLabel = "FILE",
                description = "The binding.")
        Path file;

        @ArgGroup(exclusive = true)
        Mode mode;

        static final class Mode {
            @Option(
                    names = "--if-match",
                    paramLabel = "VERSION",
                    description = "Replace only if the stored version is this one.")
            Long ifMatch;

            @Option(
                    names = "--replace",
                    description = "Fetch the stored version first and replace it (create if absent).")
            boolean replace;
        }

        @Override
        int execute(AdminClient client) throws IOException {
            ObjectNode binding = readBinding(readFile(file));
            List<String> path = bindingPath(binding.get("organization").asText() + "/"
                    + binding.get("name").asText());
            Long version = mode == null ? null : mode.ifMatch;
            if (mode != null && mode.replace) {
                var current = client.get(path, Map.of());
                if (current.status() == 200) {
                    version = currentVersion(current);
                } else if (current.status() != 404) {
                    printProblem(err(), current);
                    return 1;
                }
            }
            Map<String, String> headers = new LinkedHashMap<>();
            headers.put("content-type", "application/json");
            if (version != null) {
                headers.put("if-match", "\"" + version + "\"");
            }
            var r = client.send(
                    "PUT", path, Map.of(), headers, Json.write(binding).getBytes(StandardCharsets.UTF_8));
            if (!succeeded(r)) {
                return 1;
            }
            err().println((r.status() == 201 ? "created " : "replaced ") + path.get(3) + "/" + path.get(4)
                    + (r.header("etag") == null
                            ? ""
                            : ", version " + r.header("etag").replace("\"", "")));
            printJson(json(r));
            return 0;
        }

        private static long currentVersion(AdminClient.Response current) throws IOException {
            String etag = current.header("etag");
            if (etag != null) {
                try {
                    return Long.parseLong(
                            etag.replace("W/", "").replace("\"", "").strip());
                } catch (NumberFormatException ignored) {
                    // fall back to the body
                }
            }
            JsonNode v = json(current).get("version");
            if (v == null || !v.canConvertToLong()) {
                throw new IOException("the stored binding has no version");
            }
            return v.asLong();
        }

        /** One binding from YAML or JSON, without the fields the API keeps. */
        static ObjectNode readBinding(String text) {
            JsonNode node;
            try {
                node = Json.readYaml(text);
            } catch (JsonProcessingException e) {
                throw new AdminCommand.UsageProblem("the file " + Json.problem(e, "YAML or JSON"));
            }
            if (node == null || !node.isObject()) {
                throw new AdminCommand.UsageProblem(
                        "the file must hold one binding (an object); use 'bindings apply' for a bindings document");
            }
            if (node.has("bindings")) {
                throw new AdminCommand.UsageProblem("the file is a bindings document; use 'bindings apply -f' for it");
            }
            ObjectNode binding = (ObjectNode) node;
            for (String field : List.of("organization", "name")) {
                if (!binding.path(field).isTextual()
                        || binding.get(field).asText().isBlank()) {
                    throw new AdminCommand.UsageProblem("the binding needs '" + field + "' (it is part of the URL)");
                }
            }
            SERVER_FIELDS.forEach(binding::remove);
            return binding;
        }
    }

    @Command(
            name = "delete",
            mixinStandardHelpOptions = true,
            description = "Delete a binding, if it is still at this version.")
    static final class DeleteBinding extends AdminCommand {
        @Parameters(paramLabel = "ORG/NAME")
        String ref;

        @Option(
                names = "--if-match",
                required = true,
                paramLabel = "VERSION",
                description = "The version you mean to delete ('bindings get' shows it).")
        long ifMatch;

        @Override
        int execute(AdminClient client) throws IOException {
            List<String> path = bindingPath(ref);
            var r = client.send("DELETE", path, Map.of(), Map.of("if-match", "\"" + ifMatch + "\""), null);
            if (!succeeded(r)) {
                return 1;
            }
            out().println("deleted " + path.get(3) + "/" + path.get(4));
            out().flush();
            return 0;
        }
    }

    @Command(
            name = "apply",
            mixinStandardHelpOptions = true,
            description =
                    "Make the stored bindings match a bindings document (YAML or JSON, as for ./kitevend dev --bindings). --dry-run shows the changes without making them; --prune also deletes bindings of the document's organizations that the document does not list.")
    static final class ApplyBindings extends AdminCommand {
        @Option(
                names = {"-f", "--file"},
                required = true,
                paramLabel = "FILE",
                description = "The bindings document.")
        Path file;

        @Option(names = "--dry-run", description = "Only show what would change.")
        boolean dryRun;

        @Option(names = "--prune", description = "Delete bindings not in the document (in its organizations).")
        boolean prune;

        @Option(
                names = {"-o", "--output"},
                paramLabel = "json|table",
                description = "Default: ${DEFAULT-VALUE}.")
        Format output = Format.json;

        @Override
        int execute(AdminClient client) throws IOException {
            String text = readFile(file);
            String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
            String type = name.endsWith(".json") ? "application/json" : "application/yaml";
            var r = client.send(
                    "POST",
                    List.of("v1", "admin", "apply"),
                    AdminClient.query("dry_run", Boolean.toString(dryRun), "prune", Boolean.toString(prune)),
                    Map.of("content-type", type),
                    text.getBytes(StandardCharsets.UTF_8));
            if (!succeeded(r)) {
                return 1;
            }
            JsonNode result = json(r);
            if (output == Format.table) {
                Table t = new Table("ACTION", "BINDING");
                for (String action : List.of("created", "updated", "deleted", "unchanged")) {
                    result.path(action).forEach(n -> t.row(action, n.asText()));
                }
                t.print(out());
                out().println((result.path("dry_run").asBoolean() ? "dry run: nothing was changed" : "applied")
                        + " (" + result.path("created").size() + " created, "
                        + result.path("updated").size() + " updated, "
                        + result.path("deleted").size() + " deleted, "
                        + result.path("unchanged").size() + " unchanged)");
                out().flush();
            } else {
                printJson(result);
            }
            return 0;
        }
    }
}
