package io.jshim.plugin.pprofjfr;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Dispatches requests to the routes by exact path, serves the index on {@code /} and {@code /debug/}, and turns the
 * endpoints' replies and refusals into HTTP answers. Endpoints block; Jetty runs this handler on a virtual thread.
 */
final class DebugRouter extends Handler.Abstract {
    private static final Logger log = LoggerFactory.getLogger(DebugRouter.class);
    private static final Set<String> INDEX_PATHS = Set.of("/", "/debug", "/debug/");
    private static final Set<String> ALLOWED_METHODS = Set.of(HttpMethod.GET.asString(), HttpMethod.POST.asString());

    private final Map<String, Route> routes = new LinkedHashMap<>();
    private final String index;

    DebugRouter(List<Route> routes) {
        for (Route route : routes) {
            if (this.routes.putIfAbsent(route.path(), route) != null) {
                throw new IllegalArgumentException("route " + route.path() + " is declared twice");
            }
        }
        this.index = IndexPage.render(routes);
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        String path = Request.getPathInContext(request);
        try {
            if (!ALLOWED_METHODS.contains(request.getMethod())) {
                response.getHeaders().put(HttpHeader.ALLOW, String.join(", ", ALLOWED_METHODS));
                writeText(response, callback, 405, Reply.PLAIN_TEXT,
                        "method " + request.getMethod() + " is not allowed: use GET or POST\n");
                return true;
            }
            if (INDEX_PATHS.contains(path)) {
                writeText(response, callback, 200, Reply.HTML, index);
                return true;
            }
            Route route = routes.get(path);
            if (route == null) {
                writeText(response, callback, 404, Reply.PLAIN_TEXT,
                        "no debug endpoint at " + path + ": see / for the list, which has " + String.join(", ", routes.keySet()) + "\n");
                return true;
            }
            Reply reply = route.endpoint().handle(query(request));
            send(response, callback, reply);
        } catch (EndpointException e) {
            log.debug("refused debug request path={} status={}: {}", path, e.status(), e.getMessage());
            writeText(response, callback, e.status(), Reply.PLAIN_TEXT, e.getMessage() + "\n");
        } catch (Exception e) {
            log.warn("failed to serve debug request path={}", path, e);
            if (response.isCommitted()) {
                callback.failed(e);
            } else {
                writeText(response, callback, 500, Reply.PLAIN_TEXT, "failed to serve " + path + ": " + e + "\n");
            }
        }
        return true;
    }

    private static Query query(Request request) {
        Fields fields;
        try {
            fields = Request.extractQueryParameters(request);
        } catch (RuntimeException e) {
            throw EndpointException.badRequest("invalid query string \"" + request.getHttpURI().getQuery()
                    + "\": " + e.getMessage() + "; expected name=value pairs joined by &, percent-encoded");
        }
        Map<String, String> values = new LinkedHashMap<>();
        for (Fields.Field field : fields) {
            values.put(field.getName(), field.getValue());
        }
        return new Query(values);
    }

    private static void send(Response response, Callback callback, Reply reply) throws Exception {
        switch (reply) {
            case Reply.Text text -> writeText(response, callback, 200, text.contentType(), text.body());
            case Reply.TemporaryFile temporary -> {
                try {
                    response.setStatus(200);
                    response.getHeaders().put(HttpHeader.CONTENT_TYPE, temporary.contentType());
                    response.getHeaders().put(HttpHeader.CONTENT_LENGTH, Files.size(temporary.file()));
                    response.getHeaders().put(HttpHeader.CONTENT_DISPOSITION,
                            "attachment; filename=\"" + temporary.downloadName() + "\"");
                    try (OutputStream body = Content.Sink.asOutputStream(response)) {
                        Files.copy(temporary.file(), body);
                    }
                    callback.succeeded();
                } finally {
                    Files.deleteIfExists(temporary.file());
                }
            }
        }
    }

    private static void writeText(Response response, Callback callback, int status, String contentType, String body) {
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, contentType);
        Content.Sink.write(response, true, body, callback);
    }
}
