package io.kitevend.local;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Pattern;

/**
 * The local runner's routes, matched the way an API Gateway HTTP API matches them: route keys
 * such as {@code "PUT /v1/admin/bindings/{organization}/{name}"}, where {@code {param}} matches
 * one path segment and a final {@code {param+}} the rest of the path; method {@code ANY} matches
 * every method. When several routes match, the most specific wins (a literal segment before a
 * parameter before a greedy parameter, then a named method before ANY). Path parameter values are
 * percent-decoded, as API Gateway hands them to the function.
 */
public final class Routes {
    /** A route's authorization, as in API Gateway's {@code AuthorizationType}. */
    public enum Authorization {
        NONE,
        AWS_IAM,
        JWT
    }

    private static final Set<String> METHODS =
            Set.of("GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS", "ANY");
    private static final Pattern PARAM = Pattern.compile("\\{([A-Za-z0-9_.-]+)(\\+?)}");
    private static final Pattern LITERAL = Pattern.compile("[A-Za-z0-9._~!$&'()*,;=:@-]+");

    enum Kind {
        LITERAL,
        PARAM,
        GREEDY
    }

    record Segment(Kind kind, String text) {}

    /** One route: its key as API Gateway spells it, its authorization and the function behind it. */
    record Route(
            String routeKey,
            Authorization authorization,
            RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> handler,
            String method,
            List<Segment> segments) {}

    /** A matched route and the values of its path parameters (empty when it has none). */
    record Match(Route route, Map<String, String> pathParameters) {}

    private final List<Route> routes = new CopyOnWriteArrayList<>();

    /**
     * Adds a route.
     *
     * @throws IllegalArgumentException for a key that is not {@code "METHOD /path"}, a bad path
     *     template, or a key that is already routed
     */
    Route add(
            String routeKey,
            Authorization authorization,
            RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> handler) {
        int space = routeKey.indexOf(' ');
        if (space <= 0) {
            throw new IllegalArgumentException("a route key is \"METHOD /path\": " + routeKey);
        }
        String method = routeKey.substring(0, space);
        String path = routeKey.substring(space + 1);
        if (!METHODS.contains(method)) {
            throw new IllegalArgumentException("unknown method in route key " + routeKey);
        }
        if (!path.startsWith("/")) {
            throw new IllegalArgumentException("the path of a route key starts with /: " + routeKey);
        }
        List<Segment> segments = new ArrayList<>();
        Set<String> names = new HashSet<>();
        String[] parts = path.substring(1).split("/", -1);
        for (int i = 0; i < parts.length; i++) {
            String part = parts[i];
            var m = PARAM.matcher(part);
            if (m.matches()) {
                boolean greedy = !m.group(2).isEmpty();
                if (greedy && i != parts.length - 1) {
                    throw new IllegalArgumentException("a greedy parameter must be the last segment: " + routeKey);
                }
                if (!names.add(m.group(1))) {
                    throw new IllegalArgumentException("parameter {" + m.group(1) + "} used twice: " + routeKey);
                }
                segments.add(new Segment(greedy ? Kind.GREEDY : Kind.PARAM, m.group(1)));
            } else if (LITERAL.matcher(part).matches() || (part.isEmpty() && parts.length == 1)) {
                segments.add(new Segment(Kind.LITERAL, part));
            } else {
                throw new IllegalArgumentException("bad path segment '" + part + "' in route key " + routeKey);
            }
        }
        if (routes.stream().anyMatch(r -> r.routeKey().equals(routeKey))) {
            throw new IllegalArgumentException("route " + routeKey + " is already mounted");
        }
        Route route = new Route(routeKey, authorization, handler, method, List.copyOf(segments));
        routes.add(route);
        return route;
    }

    /** Removes the route with this key; returns whether there was one. */
    boolean remove(String routeKey) {
        return routes.removeIf(r -> r.routeKey().equals(routeKey));
    }

    List<Route> all() {
        return List.copyOf(routes);
    }

    /** The most specific route for this method and raw (percent-encoded) path. */
    Optional<Match> match(String method, String rawPath) {
        List<String> parts = split(rawPath);
        if (parts == null) {
            return Optional.empty();
        }
        return routes.stream()
                .filter(r -> r.method().equals(method) || r.method().equals("ANY"))
                .map(r -> bind(r, parts))
                .flatMap(Optional::stream)
                .min(SPECIFICITY);
    }

    /** True when some route, for any method, matches this path (so a miss is "method not allowed"). */
    boolean pathKnown(String rawPath) {
        List<String> parts = split(rawPath);
        return parts != null && routes.stream().anyMatch(r -> bind(r, parts).isPresent());
    }

    private static final Comparator<Match> SPECIFICITY = (a, b) -> {
        List<Segment> x = a.route().segments();
        List<Segment> y = b.route().segments();
        for (int i = 0; i < Math.min(x.size(), y.size()); i++) {
            int c = x.get(i).kind().compareTo(y.get(i).kind());
            if (c != 0) {
                return c;
            }
        }
        if (x.size() != y.size()) {
            return Integer.compare(y.size(), x.size());
        }
        return Boolean.compare(
                a.route().method().equals("ANY"), b.route().method().equals("ANY"));
    };

    private static Optional<Match> bind(Route route, List<String> parts) {
        List<Segment> segments = route.segments();
        Map<String, String> params = new LinkedHashMap<>();
        for (int i = 0; i < segments.size(); i++) {
            Segment s = segments.get(i);
            if (s.kind() == Kind.GREEDY) {
                if (i >= parts.size()) {
                    return Optional.empty();
                }
                params.put(s.text(), String.join("/", parts.subList(i, parts.size())));
                return Optional.of(new Match(route, Map.copyOf(params)));
            }
            if (i >= parts.size()) {
                return Optional.empty();
            }
            String part = parts.get(i);
            if (s.kind() == Kind.LITERAL) {
                if (!s.text().equals(part)) {
                    return Optional.empty();
                }
            } else {
                if (part.isEmpty()) {
                    return Optional.empty();
                }
                params.put(s.text(), part);
            }
        }
        return parts.size() == segments.size() ? Optional.of(new Match(route, Map.copyOf(params))) : Optional.empty();
    }

    /** The decoded segments of a raw path, or null when it is not a valid percent-encoded path. */
    private static List<String> split(String rawPath) {
        if (rawPath == null || !rawPath.startsWith("/")) {
            return null;
        }
        List<String> out = new ArrayList<>();
        for (String raw : rawPath.substring(1).split("/", -1)) {
            String decoded = percentDecode(raw);
            if (decoded == null) {
                return null;
            }
            out.add(decoded);
        }
        return out;
    }

    /** Percent-decoding only ('+' stays '+', as in a path); null for a broken escape or bad UTF-8. */
    static String percentDecode(String s) {
        if (s.indexOf('%') < 0) {
            return s;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int i = 0;
        while (i < s.length()) {
            if (s.charAt(i) == '%') {
                if (i + 3 > s.length()) {
                    return null;
                }
                int hi = Character.digit(s.charAt(i + 1), 16);
                int lo = Character.digit(s.charAt(i + 2), 16);
                if (hi < 0 || lo < 0) {
                    return null;
                }
                bytes.write(hi * 16 + lo);
                i += 3;
            } else {
                int cp = s.codePointAt(i);
                bytes.writeBytes(new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8));
                i += Character.charCount(cp);
            }
        }
        try {
            return StandardCharsets.UTF_8
                    .newDecoder()
                    .decode(ByteBuffer.wrap(bytes.toByteArray()))
                    .toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }
}
