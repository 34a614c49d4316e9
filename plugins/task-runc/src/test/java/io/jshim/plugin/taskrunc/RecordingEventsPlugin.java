package io.jshim.plugin.taskrunc;

import com.google.inject.AbstractModule;
import com.google.inject.Module;
import io.jshim.framework.plugin.PluginContext;
import io.jshim.framework.plugin.PluginType;
import io.jshim.framework.plugin.Publisher;
import io.jshim.framework.plugin.ShimBindings;
import io.jshim.framework.plugin.ShimPlugin;

/** The events plugin of the tests (found by ServiceLoader): exposes a {@link RecordingPublisher}. */
public final class RecordingEventsPlugin implements ShimPlugin {
    @Override
    public PluginType type() {
        return PluginType.EVENT;
    }

    @Override
    public String id() {
        return "recording";
    }

    @Override
    public Module module(PluginContext context) {
        RecordingPublisher publisher = new RecordingPublisher();
        return new AbstractModule() {
            @Override
            protected void configure() {
                bind(Publisher.class).toInstance(publisher);
                ShimBindings.expose(binder(), Publisher.class);
            }
        };
    }
}
