package io.jshim.plugin.pprofjfr;

import java.lang.management.ManagementFactory;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/** Runs jcmd's diagnostic commands in this JVM through the {@code DiagnosticCommand} MBean. */
final class DiagnosticCommands {
    private static final String MBEAN_NAME = "com.sun.management:type=DiagnosticCommand";

    private final MBeanServer server = ManagementFactory.getPlatformMBeanServer();

    /**
     * Invokes one command, named as the MBean names it (jcmd's {@code GC.class_histogram} is {@code gcClassHistogram}).
     *
     * @return the command's text output
     */
    String run(String operation, String... arguments) throws JMException {
        Object output = server.invoke(new ObjectName(MBEAN_NAME), operation,
                new Object[] {arguments}, new String[] {String[].class.getName()});
        return String.valueOf(output);
    }
}
