package io.jshim.plugin.publisher;

import com.google.inject.AbstractModule;
import com.google.inject.Module;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import io.jshim.framework.ShimOptions;
import io.jshim.framework.plugin.PluginContext;
import io.jshim.framework.plugin.PluginType;
import io.jshim.framework.plugin.Publisher;
import io.jshim.framework.plugin.ShimBindings;
import io.jshim.framework.plugin.ShimPlugin;
import io.jshim.framework.plugin.SkipPluginException;
import io.jshim.posix.Posix;
import io.jshim.posix.ProcessLauncher;
import java.nio.file.Path;

/**
 * The events plugin ({@code io.containerd.event.v1.publisher}): exposes a {@link Publisher} forwarding to
 * containerd's TTRPC {@code Events/Forward} at {@code TTRPC_ADDRESS}, or, when that is not set, through
 * {@code <publish-binary> ... publish}. Skipped when neither is available.
 */
public final class PublisherPlugin implements ShimPlugin {
    @Override
    public PluginType type() {
        return PluginType.EVENT;
    }

    @Override
    public String id() {
        return "publisher";
    }

    @Override
    public Class<PublisherSettings> settingsType() {
        return PublisherSettings.class;
    }

    @Override
    public Module module(PluginContext context) throws SkipPluginException {
        ShimOptions options = context.options();
        PublisherSettings settings = context.settings(PublisherSettings.class);
        if (options.ttrpcAddress().isEmpty() && options.publishBinary().isEmpty()) {
            throw new SkipPluginException("neither TTRPC_ADDRESS nor -publish-binary is set: no way to reach containerd");
        }
        boolean useTtrpc = !options.ttrpcAddress().isEmpty();
        Path scratch = useTtrpc ? null : context.stateDir();
        Module senderModule = useTtrpc ? new AbstractModule() {
            @Provides
            @Singleton
            EventSender sender(ShimOptions shim) {
                return new TtrpcEventSender(shim.ttrpcAddress());
            }
        } : new AbstractModule() {
            @Provides
            @Singleton
            EventSender sender(ShimOptions shim, Posix posix, ProcessLauncher launcher) {
                return new BinaryEventSender(shim.publishBinary(), shim.address(), scratch, posix, launcher);
            }
        };
        return new AbstractModule() {
            @Override
            protected void configure() {
                install(senderModule);
                bind(PublisherSettings.class).toInstance(settings);
                bind(Publisher.class).to(RemotePublisher.class);
                ShimBindings.expose(binder(), Publisher.class);
                ShimBindings.managed(binder()).addBinding().to(RemotePublisher.class);
            }

            @Provides
            @Singleton
            RemotePublisher publisher(EventSender sender, ShimOptions shim, PublisherSettings publisherSettings) {
                return new RemotePublisher(sender, shim.namespace(), publisherSettings);
            }
        };
    }
}
