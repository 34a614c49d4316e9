package io.jshim.framework.toy;

import com.google.inject.AbstractModule;
import com.google.inject.Module;
import com.google.protobuf.StringValue;
import io.jshim.framework.plugin.PluginContext;
import io.jshim.framework.plugin.PluginType;
import io.jshim.framework.plugin.ShimBindings;
import io.jshim.framework.plugin.ShimPlugin;
import io.jshim.ttrpc.BindableService;
import io.jshim.ttrpc.MethodDescriptor;
import io.jshim.ttrpc.ServiceDefinition;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import org.slf4j.LoggerFactory;

/** A TTRPC plugin of the test shim: {@code jshim.test.Echo/Echo} answers "echo: " + the request. */
public final class EchoPlugin implements ShimPlugin {
    public static final MethodDescriptor<StringValue, StringValue> ECHO = MethodDescriptor.create("jshim.test.Echo", "Echo",
            StringValue.parser(), StringValue.parser());

    @Override
    public PluginType type() {
        return PluginType.TTRPC;
    }

    @Override
    public String id() {
        return "echo";
    }

    @Override
    public Module module(PluginContext context) {
        String crash = System.getenv("TOY_CRASH");
        if (crash != null) {
            throw new IllegalStateException(crash);
        }
        try {
            Files.writeString(context.stateDir().resolve("pid"), Long.toString(ProcessHandle.current().pid()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        LoggerFactory.getLogger(EchoPlugin.class).atInfo().addKeyValue("dir", context.stateDir()).log("echo plugin ready");
        BindableService service = () -> ServiceDefinition.builder("jshim.test.Echo")
                .addMethod(ECHO, request -> StringValue.of("echo: " + request.getValue()))
                .build();
        return new AbstractModule() {
            @Override
            protected void configure() {
                ShimBindings.services(binder()).addBinding().toInstance(service);
            }
        };
    }
}
