package io.jshim.framework.logging;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.net.URL;
import java.util.Enumeration;
import java.util.Map;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.core.Appender;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.OutputStreamAppender;
import org.apache.logging.log4j.core.config.AbstractConfiguration;
import org.apache.logging.log4j.core.config.ConfigurationSource;
import org.apache.logging.log4j.core.config.Configurator;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.config.plugins.util.PluginRegistry;

/**
 * Configures log4j2 (behind slf4j) for the daemon: one appender writing {@link LogfmtLayout} lines to
 * file descriptor 2, which the daemon has pointed at the bundle's {@code log} FIFO so containerd copies the
 * lines into its own log. Programmatic: no configuration file is searched, and no log4j plugin is loaded (see
 * {@link #configure}).
 */
public final class ShimLogging {
    /** Where log4j-core (and any jar with log4j plugins) keeps its plugin descriptor. */
    static final String LOG4J_DESCRIPTOR = "META-INF/org/apache/logging/log4j/core/config/plugins/Log4j2Plugins.dat";
    /**
     * The descriptor read instead while configuring: one entry, category {@code jshim}, naming this class (already
     * loaded), which no log4j component looks up. ShimLoggingTest checks its bytes against log4j's own writer.
     */
    static final String DESCRIPTOR = "io/jshim/framework/logging/log4j2-plugins.dat";

    private ShimLogging() {
    }

    /**
     * Configures logging; the first call before any logger is used, so log4j never looks for a configuration.
     *
     * <p>Every log4j configuration (its base class) collects log4j's plugins, and log4j-core's plugin registry
     * loads the class of every plugin in its descriptor (~350 classes: appenders, layouts, lookups incl. a JMX
     * one, pattern converters) although this configuration uses none of them: it names its appender and layout
     * directly. So the registry is read here through a class loader that serves jshim's own descriptor (one inert
     * entry, {@value #DESCRIPTOR}) in place of log4j-core's (log4j reads it through the thread's context class
     * loader; an empty one would make log4j scan its whole package instead), then forgotten, so a later
     * configuration in the same JVM (tests) reads log4j-core's again.
     *
     * @param level       e.g. {@code info}, {@code debug}
     * @param fixedFields fields on every line (e.g. {@code runtime})
     */
    public static void configure(String level, Map<String, String> fixedFields) {
        Level parsed = Level.toLevel(level, Level.INFO);
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(new OwnDescriptorLoader(ShimLogging.class.getClassLoader()));
        try {
            LogfmtConfiguration configuration = new LogfmtConfiguration(parsed,
                    new LogfmtLayout(fixedFields, parsed.isLessSpecificThan(Level.DEBUG)));
            LoggerContext context = Configurator.initialize(configuration);
            if (context.getConfiguration() != configuration) {
                Configurator.reconfigure(configuration);
            }
        } finally {
            thread.setContextClassLoader(previous);
            PluginRegistry.getInstance().clear();
        }
    }

    /** Flushes and stops logging (at the very end of the daemon). */
    public static void shutdown() {
        org.apache.logging.log4j.LogManager.shutdown();
    }

    /** Delegates everything to its parent but answers log4j's plugin descriptor with {@link #DESCRIPTOR}. */
    private static final class OwnDescriptorLoader extends ClassLoader {
        OwnDescriptorLoader(ClassLoader parent) {
            super(parent);
        }

        @Override
        public URL getResource(String name) {
            return LOG4J_DESCRIPTOR.equals(name) ? super.getResource(DESCRIPTOR) : super.getResource(name);
        }

        @Override
        public Enumeration<URL> getResources(String name) throws IOException {
            return LOG4J_DESCRIPTOR.equals(name) ? super.getResources(DESCRIPTOR) : super.getResources(name);
        }
    }

    private static final class LogfmtConfiguration extends AbstractConfiguration {
        private final Level level;
        private final LogfmtLayout layout;

        LogfmtConfiguration(Level level, LogfmtLayout layout) {
            super(null, ConfigurationSource.NULL_SOURCE);
            this.level = level;
            this.layout = layout;
            setName("jshim-logfmt");
        }

        @Override
        protected void doConfigure() {
            Appender appender = OutputStreamAppender.newBuilder()
                    .setName("shim-log")
                    .setLayout(layout)
                    .setTarget(new FileOutputStream(FileDescriptor.err))
                    .setImmediateFlush(true)
                    .build();
            appender.start();
            addAppender(appender);
            LoggerConfig root = getRootLogger();
            root.setLevel(level);
            root.addAppender(appender, null, null);
        }
    }
}
