package io.jshim.testkit;

import com.google.inject.AbstractModule;
import com.google.inject.Inject;
import com.google.inject.Module;
import com.google.inject.Singleton;
import com.google.protobuf.StringValue;
import io.jshim.framework.plugin.Managed;
import io.jshim.framework.plugin.PluginContext;
import io.jshim.framework.plugin.PluginType;
import io.jshim.framework.plugin.Publisher;
import io.jshim.framework.plugin.ShimBindings;
import io.jshim.framework.plugin.ShimPlugin;
import io.jshim.framework.plugin.ShutdownService;
import io.jshim.ttrpc.BindableService;
import io.jshim.ttrpc.MethodDescriptor;
import io.jshim.ttrpc.ServerInterceptor;
import io.jshim.ttrpc.ServiceDefinition;
import io.jshim.ttrpc.Status;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

/** A plugin exercising what the test kit offers: settings, state dir, publisher, shutdown, a service, an interceptor. */
final class GreeterPlugin implements ShimPlugin {
    static final MethodDescriptor<StringValue, StringValue> GREET = MethodDescriptor.create(
            "test.Greeter", "Greet", StringValue.parser(), StringValue.parser());

    record GreeterSettings(String greeting) {
    }

    /** What the test observes. */
    static final class Journal {
        final List<String> intercepted = new CopyOnWriteArrayList<>();
        final List<String> lifecycle = new CopyOnWriteArrayList<>();
    }

    final Journal journal = new Journal();

    @Override
    public PluginType type() {
        return PluginType.TTRPC;
    }

    @Override
    public String id() {
        return "greeter";
    }

    @Override
    public Set<PluginType> requires() {
        return Set.of(PluginType.EVENT, PluginType.INTERNAL);
    }

    @Override
    public Class<GreeterSettings> settingsType() {
        return GreeterSettings.class;
    }

    @Override
    public Module module(PluginContext context) {
        GreeterSettings settings = context.settings(GreeterSettings.class);
        Path stateDir = context.stateDir();
        ServerInterceptor interceptor = (call, request, next) -> {
            journal.intercepted.add(call.fullMethodName());
            return next.proceed(request);
        };
        return new AbstractModule() {
            @Override
            protected void configure() {
                bind(GreeterSettings.class).toInstance(settings);
                bind(Path.class).toInstance(stateDir);
                bind(Journal.class).toInstance(journal);
                bind(Greeter.class).in(Singleton.class);
                ShimBindings.services(binder()).addBinding().to(Greeter.class);
                ShimBindings.managed(binder()).addBinding().to(Greeter.class);
                ShimBindings.interceptors(binder()).addBinding().toInstance(interceptor);
            }
        };
    }

    static final class Greeter implements BindableService, Managed {
        private final GreeterSettings settings;
        private final Path stateDir;
        private final Publisher publisher;
        private final ShutdownService shutdown;
        private final List<String> lifecycle;

        @Inject
        Greeter(GreeterSettings settings, Path stateDir, Publisher publisher, ShutdownService shutdown, Journal journal) {
            this.settings = settings;
            this.stateDir = stateDir;
            this.publisher = publisher;
            this.shutdown = shutdown;
            this.lifecycle = journal.lifecycle;
        }

        @Override
        public void start() {
            lifecycle.add("start");
            shutdown.register(() -> lifecycle.add("shutdown callback"));
        }

        @Override
        public void close() {
            lifecycle.add("close");
        }

        @Override
        public ServiceDefinition bindService() {
            return ServiceDefinition.builder("test.Greeter").addMethod(GREET, request -> {
                if (request.getValue().isEmpty()) {
                    throw Status.INVALID_ARGUMENT.withDescription("name is empty").asException();
                }
                String greeting = settings.greeting() + ", " + request.getValue();
                Files.writeString(stateDir.resolve("last"), greeting);
                publisher.publish("/greeter/greeted", StringValue.of(request.getValue()));
                return StringValue.of(greeting);
            }).build();
        }
    }
}
