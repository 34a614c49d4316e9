package io.jshim.testkit;

import static java.util.Objects.requireNonNull;

import com.google.inject.AbstractModule;
import com.google.inject.Module;
import io.jshim.framework.plugin.PluginContext;
import io.jshim.framework.plugin.PluginType;
import io.jshim.framework.plugin.Publisher;
import io.jshim.framework.plugin.ShimBindings;
import io.jshim.framework.plugin.ShimPlugin;

/** The events plugin of a {@link TestShim}: exposes its {@link CapturingPublisher} as the {@link Publisher}. */
final class CapturingPublisherPlugin implements ShimPlugin {
    /** Its id; the URI is {@code io.containerd.event.v1.testkit-capture}. */
    static final String ID = "testkit-capture";

    private final CapturingPublisher publisher;

    CapturingPublisherPlugin(CapturingPublisher publisher) {
        this.publisher = requireNonNull(publisher, "publisher is null");
    }

    @Override
    public PluginType type() {
        return PluginType.EVENT;
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public Module module(PluginContext context) {
        return new AbstractModule() {
            @Override
            protected void configure() {
                bind(Publisher.class).toInstance(publisher);
                ShimBindings.expose(binder(), Publisher.class);
            }
        };
    }
}
