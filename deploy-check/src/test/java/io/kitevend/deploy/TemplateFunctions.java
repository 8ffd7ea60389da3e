package io.kitevend.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The functions of a transformed template (the {@code AWS::Lambda::Function} resources
 * CloudFormation gets from the SAM transform, with the Globals already merged in), their
 * intrinsics resolved to the values of a local deployment: parameters as given or their defaults,
 * pseudo parameters, and a physical name (a moto table, a bucket, ...) for each resource the
 * environment refers to. A reference the harness cannot resolve fails: the template and the
 * harness must agree on every value a function gets.
 */
final class TemplateFunctions {
    /** What Lambda needs from the template to run one function. */
    record Function(
            String logicalId,
            String handler,
            String runtime,
            int memoryMb,
            int timeoutSeconds,
            String logFormat,
            boolean snapStart,
            List<String> layers,
            Map<String, String> environment) {}

    private static final Pattern SUB = Pattern.compile("\\$\\{([^}!]+)}");

    private final Template transformed;
    private final Map<String, String> parameters;
    private final Map<String, String> resources;

    /**
     * @param parameters parameter values, as {@code sam deploy --parameter-overrides} gives them
     * @param resources the local physical name (what {@code !Ref} gives) of every resource the
     *                  functions' properties name; {@code Name.Attribute} keys give {@code !GetAtt}
     */
    TemplateFunctions(Template transformed, Map<String, String> parameters, Map<String, String> resources) {
        this.transformed = transformed;
        this.parameters = new LinkedHashMap<>(parameters);
        this.parameters.putIfAbsent("AWS::AccountId", SamTransform.ACCOUNT);
        this.parameters.putIfAbsent("AWS::Region", SamTransform.REGION);
        this.parameters.putIfAbsent("AWS::Partition", "aws");
        this.parameters.putIfAbsent("AWS::URLSuffix", "amazonaws.com");
        this.parameters.putIfAbsent("AWS::StackName", "kitevend-harness");
        this.resources = resources;
    }

    Map<String, Function> functions() {
        Map<String, Function> out = new TreeMap<>();
        transformed.resources("AWS::Lambda::Function").forEach((id, fn) -> {
            JsonNode p = fn.get("Properties");
            Map<String, String> env = new TreeMap<>();
            p.path("Environment")
                    .path("Variables")
                    .fields()
                    .forEachRemaining(e -> env.put(e.getKey(), text(e.getValue(), id + " " + e.getKey())));
            List<String> layers = new ArrayList<>();
            p.path("Layers").forEach(l -> layers.add(l.path("Ref").asText()));
            out.put(
                    id,
                    new Function(
                            id,
                            p.path("Handler").asText(),
                            p.path("Runtime").asText(),
                            p.path("MemorySize").asInt(128),
                            p.path("Timeout").asInt(3),
                            p.path("LoggingConfig").path("LogFormat").asText("Text"),
                            p.path("SnapStart").path("ApplyOn").asText("None").equals("PublishedVersions"),
                            layers,
                            env));
        });
        return out;
    }

    private String text(JsonNode value, String where) {
        Object resolved = resolve(value, where);
        if (resolved instanceof List<?> list) {
            throw new IllegalStateException(where + " resolves to a list " + list + ", not a string");
        }
        return String.valueOf(resolved);
    }

    /** A string, or a list of strings (a CommaDelimitedList parameter, a Join's list). */
    private Object resolve(JsonNode value, String where) {
        if (value.isTextual() || value.isNumber() || value.isBoolean()) {
            return value.asText();
        }
        if (value.isArray()) {
            List<Object> items = new ArrayList<>();
            value.forEach(v -> items.add(resolve(v, where)));
            return items;
        }
        if (value.has("Ref")) {
            return ref(value.get("Ref").asText(), where);
        }
        if (value.has("Fn::If")) {
            JsonNode args = value.get("Fn::If");
            return resolve(condition(args.get(0).asText(), where) ? args.get(1) : args.get(2), where);
        }
        if (value.has("Fn::Join")) {
            JsonNode args = value.get("Fn::Join");
            return String.join(args.get(0).asText(), strings(resolve(args.get(1), where)));
        }
        if (value.has("Fn::GetAtt")) {
            JsonNode args = value.get("Fn::GetAtt");
            return resource(args.get(0).asText() + "." + args.get(1).asText(), where);
        }
        if (value.has("Fn::Sub")) {
            Matcher m = SUB.matcher(value.get("Fn::Sub").asText());
            StringBuilder out = new StringBuilder();
            while (m.find()) {
                String name = m.group(1);
                m.appendReplacement(
                        out,
                        Matcher.quoteReplacement(
                                name.contains(".") && !name.startsWith("AWS::")
                                        ? resource(name, where)
                                        : String.valueOf(ref(name, where))));
            }
            m.appendTail(out);
            return out.toString();
        }
        throw new IllegalStateException(where + ": the harness cannot resolve " + value);
    }

    private static List<String> strings(Object resolved) {
        List<String> out = new ArrayList<>();
        if (resolved instanceof List<?> list) {
            list.forEach(item -> out.addAll(strings(item)));
        } else {
            out.add(String.valueOf(resolved));
        }
        return out;
    }

    private Object ref(String name, String where) {
        if (parameters.containsKey(name)) {
            return parameterValue(name, parameters.get(name));
        }
        JsonNode parameter = transformed.root.path("Parameters").path(name);
        if (!parameter.isMissingNode()) {
            return parameterValue(name, parameter.path("Default").asText());
        }
        return resource(name, where);
    }

    private Object parameterValue(String name, String value) {
        String type =
                transformed.root.path("Parameters").path(name).path("Type").asText();
        return type.equals("CommaDelimitedList") ? List.of(value.split(",", -1)) : value;
    }

    private String resource(String name, String where) {
        String physical = resources.get(name);
        if (physical == null) {
            throw new IllegalStateException(
                    where + " refers to " + name + ", which the harness has no local value for");
        }
        return physical;
    }

    private boolean condition(String name, String where) {
        JsonNode c = transformed.root.path("Conditions").path(name);
        if (c.isMissingNode()) {
            throw new IllegalStateException(where + ": no condition " + name);
        }
        return evaluate(c, where);
    }

    private boolean evaluate(JsonNode c, String where) {
        if (c.has("Fn::Not")) {
            return !evaluate(c.get("Fn::Not").get(0), where);
        }
        if (c.has("Fn::And")) {
            for (JsonNode each : c.get("Fn::And")) {
                if (!evaluate(each, where)) {
                    return false;
                }
            }
            return true;
        }
        if (c.has("Fn::Or")) {
            for (JsonNode each : c.get("Fn::Or")) {
                if (evaluate(each, where)) {
                    return true;
                }
            }
            return false;
        }
        if (c.has("Fn::Equals")) {
            JsonNode args = c.get("Fn::Equals");
            return strings(resolve(args.get(0), where)).equals(strings(resolve(args.get(1), where)));
        }
        if (c.has("Condition")) {
            return condition(c.get("Condition").asText(), where);
        }
        throw new IllegalStateException(where + ": the harness cannot evaluate the condition " + c);
    }
}
