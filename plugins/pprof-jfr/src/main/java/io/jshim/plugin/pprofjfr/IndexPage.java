package io.jshim.plugin.pprofjfr;

import java.util.List;

/** The index page: one link per route with what it gives, like Go's {@code /debug/pprof/}. */
final class IndexPage {
    private IndexPage() {}

    static String render(List<Route> routes) {
        StringBuilder page = new StringBuilder("""
                <!DOCTYPE html>
                <html><head><title>jshim debug</title></head><body>
                <h1>jshim debug endpoint</h1>
                <p>Java Flight Recorder, thread and heap dumps of the shim's JVM. From a shell:
                <code>curl --unix-socket SOCKET http://localhost/debug/threads</code></p>
                <table>
                """);
        for (Route route : routes) {
            page.append("<tr><td><a href=\"").append(escape(route.example())).append("\">")
                    .append(escape(route.path())).append("</a></td><td>").append(escape(route.description()))
                    .append("</td></tr>\n");
        }
        return page.append("</table>\n</body></html>\n").toString();
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
