package io.jshim.framework.logging;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.util.Map;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.core.Appender;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.OutputStreamAppender;
import org.apache.logging.log4j.core.config.AbstractConfiguration;
import org.apache.logging.log4j.core.config.ConfigurationSource;
import org.apache.logging.log4j.core.config.Configurator;
import org.apache.logging.log4j.core.config.LoggerConfig;

/**
 * Configures log4j2 (behind slf4j) for the daemon: one appender writing {@link LogfmtLayout} lines to
 * file descriptor 2, which the daemon has pointed at the bundle's {@code log} FIFO so containerd copies the
 * lines into its own log. Programmatic: no configuration file is searched.
 */
public final class ShimLogging {
    private ShimLogging() {
    }

    /**
     * @param level       e.g. {@code info}, {@code debug}
     * @param fixedFields fields on every line (e.g. {@code runtime})
     */
    public static void configure(String level, Map<String, String> fixedFields) {
        Level parsed = Level.toLevel(level, Level.INFO);
        LogfmtConfiguration configuration = new LogfmtConfiguration(parsed,
                new LogfmtLayout(fixedFields, parsed.isLessSpecificThan(Level.DEBUG)));
        LoggerContext context = Configurator.initialize(configuration);
        if (context.getConfiguration() != configuration) {
            Configurator.reconfigure(configuration);
        }
    }

    /** Flushes and stops logging (at the very end of the daemon). */
    public static void shutdown() {
        org.apache.logging.log4j.LogManager.shutdown();
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
