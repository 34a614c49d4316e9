package io.jshim.plugin.pprofjfr;

import java.util.Arrays;
import java.util.stream.Collectors;

/** The JDK's two built-in recording configurations ({@code $JAVA_HOME/lib/jfr/*.jfc}). */
enum JfrSettings {
    /** Low overhead (about 1%), suitable for always-on recording. */
    DEFAULT("default"),
    /** More detail (method sampling every 10-20 ms, allocation profiling), about 2% overhead. */
    PROFILE("profile");

    private final String configurationName;

    JfrSettings(String configurationName) {
        this.configurationName = configurationName;
    }

    String configurationName() {
        return configurationName;
    }

    static JfrSettings named(String name) {
        for (JfrSettings settings : values()) {
            if (settings.configurationName.equals(name)) {
                return settings;
            }
        }
        throw EndpointException.badRequest("unknown settings \"" + name + "\": allowed are " + allowed());
    }

    static String allowed() {
        return Arrays.stream(values()).map(JfrSettings::configurationName).collect(Collectors.joining(", "));
    }
}
