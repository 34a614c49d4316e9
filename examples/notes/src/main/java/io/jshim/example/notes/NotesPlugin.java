package io.jshim.example.notes;

import com.google.inject.AbstractModule;
import com.google.inject.Module;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import io.jshim.framework.plugin.PluginContext;
import io.jshim.framework.plugin.PluginType;
import io.jshim.framework.plugin.ShimBindings;
import io.jshim.framework.plugin.ShimPlugin;
import java.nio.file.Path;
import java.util.Set;

/**
 * The notes plugin ({@code io.containerd.ttrpc.v1.notes}): serves {@code jshim.example.notes.v1.Notes},
 * keeps notes in its state dir, measures every call of the shim with an interceptor, and writes the
 * measurements when the shim shuts down. It requires {@link PluginType#INTERNAL} for the
 * {@link io.jshim.framework.plugin.ShutdownService}.
 */
public final class NotesPlugin implements ShimPlugin {
    @Override
    public PluginType type() {
        return PluginType.TTRPC;
    }

    @Override
    public String id() {
        return "notes";
    }

    @Override
    public Set<PluginType> requires() {
        return Set.of(PluginType.INTERNAL);
    }

    @Override
    public Class<NotesSettings> settingsType() {
        return NotesSettings.class;
    }

    @Override
    public Module module(PluginContext context) {
        NotesSettings settings = context.settings(NotesSettings.class);
        Path stateDir = context.stateDir();
        return new AbstractModule() {
            @Override
            protected void configure() {
                bind(NotesSettings.class).toInstance(settings);
                bind(Path.class).annotatedWith(StateDir.class).toInstance(stateDir);
                bind(CallMetrics.class).in(Singleton.class);
                bind(NotesService.class).in(Singleton.class);
                bind(MetricsInterceptor.class).in(Singleton.class);
                bind(MetricsReport.class).in(Singleton.class);
                ShimBindings.services(binder()).addBinding().to(NotesService.class);
                ShimBindings.interceptors(binder()).addBinding().to(MetricsInterceptor.class);
                ShimBindings.managed(binder()).addBinding().to(MetricsReport.class);
            }

            @Provides
            @Singleton
            NoteStore store(NotesSettings notesSettings) {
                return new NoteStore(stateDir, notesSettings);
            }
        };
    }
}
